package dev.lifeboat.backuppolicy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.api.v1alpha1.Alerts;
import dev.lifeboat.api.v1alpha1.BackupPolicySpec;
import dev.lifeboat.api.v1alpha1.CopyMethod;
import dev.lifeboat.api.v1alpha1.DumpSource;
import dev.lifeboat.api.v1alpha1.Hook;
import dev.lifeboat.api.v1alpha1.Hooks;
import dev.lifeboat.api.v1alpha1.Reasons;
import dev.lifeboat.api.v1alpha1.JobTemplate;
import dev.lifeboat.api.v1alpha1.VerifyCheck;
import dev.lifeboat.api.v1alpha1.VerifySpec;
import dev.lifeboat.testing.Fixtures;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PolicyValidatorTest {
  final PolicyValidator validator = new PolicyValidator();

  /** The fixture policy's spec after a change. */
  static BackupPolicySpec changed(Consumer<BackupPolicySpec> change) {
    BackupPolicySpec spec = Fixtures.dailyPolicy().getSpec();
    change.accept(spec);
    return spec;
  }

  /** The problems of the fixture policy after one change. */
  List<String> problems(Consumer<BackupPolicySpec> change) {
    return validator.validate(changed(change)).problems();
  }

  @Test
  void theFixturePolicyIsValid() {
    PolicyValidator.Result result = validator.validate(Fixtures.dailyPolicy().getSpec());

    assertThat(result.problems()).isEmpty();
    assertThat(result.valid()).isTrue();
    assertThat(result.message()).isEmpty();
  }

  @Test
  void aMissingSpecIsOneProblem() {
    assertThat(validator.validate(null).problems()).containsExactly("spec: is missing");
  }

  @Test
  void aSixFieldCronNamesTheFieldAndTheExpression() {
    assertThat(problems(spec -> spec.schedule = "0 0 2 * * *")).singleElement().asString()
        .startsWith("spec.schedule: '0 0 2 * * *' is not a valid schedule")
        .contains("6 parts");
  }

  @Test
  void anUnknownNicknameNamesTheFieldAndTheNickname() {
    assertThat(problems(spec -> spec.schedule = "@fortnightly")).containsExactly(
        "spec.schedule: '@fortnightly' is not a valid schedule: unknown nickname; use @hourly, @daily, @weekly, @monthly or @yearly");
  }

  @ParameterizedTest
  @ValueSource(strings = {"@hourly", "@daily", "@weekly", "@monthly", "@yearly", "*/15 * * * *", "30 2 * * 1-5"})
  void nicknamesAndFiveFieldCronAreValid(String schedule) {
    assertThat(problems(spec -> spec.schedule = schedule)).isEmpty();
  }

  @Test
  void anUnknownTimeZoneNamesTheZone() {
    assertThat(problems(spec -> spec.timeZone = "Mars/Olympus_Mons")).containsExactly(
        "spec.timeZone: 'Mars/Olympus_Mons' is not an IANA time zone such as Europe/Berlin or UTC");
  }

  @Test
  void anIanaZoneIsValidAndABlankZoneMeansUtc() {
    assertThat(problems(spec -> spec.timeZone = "Europe/Berlin")).isEmpty();
    assertThat(problems(spec -> spec.timeZone = "")).isEmpty();
    assertThat(problems(spec -> spec.timeZone = null)).isEmpty();
  }

  @Test
  void claimsAndSelectorTogetherAreRejected() {
    assertThat(problems(spec -> spec.source.selector = new LabelSelectorBuilder().addToMatchLabels("app", "rose").build()))
        .containsExactly("spec.source: set at most one of claims or selector");
  }

  @Test
  void aSourceWithNothingToBackUpIsRejected() {
    assertThat(problems(spec -> spec.source.claims = null)).containsExactly("spec.source: set at least one of claims, selector or dumps");
    assertThat(problems(spec -> spec.source.claims = List.of())).containsExactly("spec.source: set at least one of claims, selector or dumps");
    assertThat(problems(spec -> {
      spec.source.claims = null;
      spec.source.dumps = List.of();
    })).containsExactly("spec.source: set at least one of claims, selector or dumps");
  }

  @Test
  void aSelectorAloneIsValid() {
    assertThat(problems(spec -> {
      spec.source.claims = null;
      spec.source.selector = new LabelSelectorBuilder().addToMatchLabels("app", "rose").build();
    })).isEmpty();
  }

  @Test
  void anInvalidClaimNameIsNamed() {
    assertThat(problems(spec -> spec.source.claims = List.of("Memory_Data"))).containsExactly(
        "spec.source.claims: 'Memory_Data' is not a valid PersistentVolumeClaim name");
  }

  static DumpSource dump(String name) {
    return Fixtures.dump(name);
  }

  @Test
  void aDumpOnlyPolicyIsValid() {
    assertThat(problems(spec -> {
      spec.source.claims = null;
      spec.source.dumps = List.of(dump("tzurot-db"));
    })).isEmpty();
  }

  @Test
  void dumpsBesideClaimsAreValid() {
    assertThat(problems(spec -> spec.source.dumps = List.of(dump("tzurot-db")))).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"Tzurot", "tzurot_db", "-db", "db-", "tzurot.db", ""})
  void aDumpNameThatIsNotADnsLabelNamesTheDumpAndTheValue(String name) {
    assertThat(problems(spec -> spec.source.dumps = List.of(dump("ok"), dump(name)))).first().asString()
        .isEqualTo(name.isEmpty() ? "spec.source.dumps[1].name: is required"
            : "spec.source.dumps[1].name: '" + name + "' is not a DNS label of at most 58 characters (lowercase letters, digits and -)");
  }

  @Test
  void aDumpNameMustLeaveRoomForTheContainerPrefix() {
    String longest = "d".repeat(58);
    assertThat(problems(spec -> spec.source.dumps = List.of(dump(longest)))).isEmpty();
    assertThat(problems(spec -> spec.source.dumps = List.of(dump(longest + "d")))).first().asString()
        .startsWith("spec.source.dumps[0].name: '" + longest + "d' is not a DNS label of at most 58 characters");
  }

  @Test
  void aRepeatedDumpNameNamesBothDumps() {
    assertThat(problems(spec -> spec.source.dumps = List.of(dump("db"), dump("cache"), dump("db")))).containsExactly(
        "spec.source.dumps[2].name: 'db' is also the name of spec.source.dumps[0]; names must be unique");
  }

  @Test
  void aDumpNeedsAnImageAndACommand() {
    DumpSource bare = new DumpSource();
    bare.name = "tzurot-db";
    DumpSource blankWord = dump("cache");
    blankWord.command = List.of("redis-cli", "");

    assertThat(problems(spec -> spec.source.dumps = List.of(bare, blankWord))).containsExactly(
        "spec.source.dumps[0].image: required (the image that runs the dump)",
        "spec.source.dumps[0].command: required, without empty words (the image's entrypoint is not used)",
        "spec.source.dumps[1].command: required, without empty words (the image's entrypoint is not used)");
  }

  @Test
  void aDumpTimeoutBelowOneSecondIsRejected() {
    DumpSource dump = dump("db");
    dump.timeoutSeconds = 0;
    assertThat(problems(spec -> spec.source.dumps = List.of(dump))).containsExactly(
        "spec.source.dumps[0].timeoutSeconds: 0 must be at least 1");
  }

  @Test
  void aDumpTimesOutAfterAnHourByDefault() {
    assertThat(new DumpSource().timeoutSeconds).isEqualTo(3600);
  }

  @Test
  void tooManyDumpsAreRejected() {
    List<DumpSource> many = java.util.stream.IntStream.range(0, 33).mapToObj(i -> dump("db-" + i)).toList();
    assertThat(problems(spec -> spec.source.dumps = many)).containsExactly(
        "spec.source.dumps: 33 dumps; at most 32 are allowed");
  }

  @Test
  void anEmptyDumpEntryIsNamed() {
    List<DumpSource> dumps = new java.util.ArrayList<>();
    dumps.add(null);
    assertThat(problems(spec -> spec.source.dumps = dumps)).containsExactly("spec.source.dumps[0]: is empty");
  }

  @Test
  void aSnapshotTimeoutBelowOneSecondIsRejected() {
    assertThat(problems(spec -> spec.snapshotTimeoutSeconds = 0)).containsExactly(
        "spec.snapshotTimeoutSeconds: 0 must be at least 1");
    assertThat(new BackupPolicySpec().snapshotTimeoutSeconds).isEqualTo(600);
  }

  @Test
  void aNegativeKeepRuleNamesTheRuleAndTheValue() {
    assertThat(problems(spec -> spec.retention.keepLast = -1)).containsExactly(
        "spec.retention.keepLast: -1 must not be negative");
  }

  @Test
  void retentionThatKeepsNothingIsRejected() {
    assertThat(problems(spec -> {
      spec.retention.keepDaily = 0;
      spec.retention.keepLast = 0;
    })).containsExactly("spec.retention: needs at least one keep rule greater than 0, e.g. keepDaily: 7");
  }

  @Test
  void pinsAloneDoNotCountAsAKeepRule() {
    assertThat(problems(spec -> {
      spec.retention.keepDaily = null;
      spec.retention.pinned = List.of("20251109T020000Z");
    })).containsExactly("spec.retention: needs at least one keep rule greater than 0, e.g. keepDaily: 7");
  }

  @Test
  void aPinnedEntryThatIsNotABackupIdNamesTheField() {
    assertThat(problems(spec -> spec.retention.pinned = List.of("20251109T020000Z", "last-tuesday"))).singleElement()
        .asString().startsWith("spec.retention.pinned: ");
  }

  @Test
  void pinnedBackupIdsAreValid() {
    assertThat(problems(spec -> spec.retention.pinned = List.of("20251109T020000Z", "20241231T235959Z"))).isEmpty();
  }

  @Test
  void aMaxAgeInWordsNamesTheFieldAndTheText() {
    assertThat(problems(spec -> {
      spec.alerts = new Alerts();
      spec.alerts.maxAge = "26 hours";
    })).containsExactly("spec.alerts.maxAge: '26 hours' is not a duration such as 26h, 45d or 1d12h");
  }

  @Test
  void aZeroMaxAgeIsRejected() {
    assertThat(problems(spec -> {
      spec.alerts = new Alerts();
      spec.alerts.maxAge = "0h";
    })).containsExactly("spec.alerts.maxAge: '0h' is zero; a duration must be positive");
  }

  @Test
  void aMinSizeThatIsNotAQuantityNamesTheValue() {
    assertThat(problems(spec -> {
      spec.alerts = new Alerts();
      // As Jackson reads it from YAML: the text is kept, not checked.
      spec.alerts.minSize = new Quantity("lots", null);
    })).containsExactly("spec.alerts.minSize: 'lots' is not a quantity such as 50Ki or 1Mi");
  }

  @Test
  void aNegativeMinSizeIsRejected() {
    assertThat(problems(spec -> {
      spec.alerts = new Alerts();
      spec.alerts.minSize = new Quantity("-1Ki");
    })).containsExactly("spec.alerts.minSize: '-1Ki' must not be negative");
  }

  @Test
  void anUnknownServerSideEncryptionNamesTheValue() {
    assertThat(problems(spec -> spec.destination.s3.serverSideEncryption = "aes256")).containsExactly(
        "spec.destination.s3.serverSideEncryption: 'aes256' must be empty, AES256 or aws:kms");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "AES256", "aws:kms"})
  void theDocumentedServerSideEncryptionsAreValid(String sse) {
    assertThat(problems(spec -> spec.destination.s3.serverSideEncryption = sse)).isEmpty();
  }

  @Test
  void snapshotCopyIsAcceptedWithOrWithoutASnapshotClass() {
    assertThat(problems(spec -> spec.copyMethod = CopyMethod.Snapshot)).isEmpty();
    assertThat(problems(spec -> {
      spec.copyMethod = CopyMethod.Snapshot;
      spec.volumeSnapshotClassName = "csi-hostpath-snapclass";
    })).isEmpty();
  }

  static Hooks afterHook(Hook hook) {
    Hooks hooks = new Hooks();
    hooks.after = List.of(hook);
    return hooks;
  }

  static Hook sqliteBackup() {
    Hook hook = new Hook();
    hook.command = List.of("sqlite3", "/app/data/memory.db", ".backup /app/data/.lifeboat/memory.db");
    return hook;
  }

  @Test
  void hooksAreRefusedNamingTheChartValueWhileTheOperatorMayNotExec() {
    PolicyValidator.Result result = validator.validate(changed(spec -> spec.hooks = afterHook(sqliteBackup())));

    assertThat(result.problems()).singleElement().asString()
        .startsWith("spec.hooks: hooks are disabled in this Lifeboat installation")
        .contains("hooks.enabled=true", "pods/exec", "LIFEBOAT_HOOKS_ENABLED");
    assertThat(result.reason()).isEqualTo(Reasons.HOOKS_DISABLED);
  }

  @Test
  void hooksWithoutAPodSelectorAreValidWhenTheOperatorMayExec() {
    assertThat(new PolicyValidator(true).validate(changed(spec -> spec.hooks = afterHook(sqliteBackup()))).problems())
        .isEmpty();
  }

  @Test
  void hooksWithASnapshotCopyAreValid() {
    assertThat(new PolicyValidator(true).validate(changed(spec -> {
      spec.hooks = afterHook(sqliteBackup());
      spec.copyMethod = CopyMethod.Snapshot;
    })).problems()).isEmpty();
  }

  @Test
  void aHookWithoutACommandOrWithANonPositiveTimeoutIsRefusedByItsPlace() {
    Hook noCommand = new Hook();
    Hook zeroTimeout = sqliteBackup();
    zeroTimeout.timeoutSeconds = 0;

    assertThat(new PolicyValidator(true).validate(changed(spec -> {
      spec.hooks = afterHook(noCommand);
      spec.hooks.before = List.of(sqliteBackup(), zeroTimeout);
    })).problems()).containsExactly(
        "spec.hooks.before[1].timeoutSeconds: 0 must be at least 1",
        "spec.hooks.after[0].command: required, the program and its arguments (run without a shell)");
  }

  @Test
  void emptyHooksAreHarmless() {
    assertThat(problems(spec -> {
      spec.hooks = new Hooks();
      spec.hooks.before = List.of();
    })).isEmpty();
  }

  @Test
  void runAsUserRootIsRejected() {
    assertThat(problems(spec -> {
      spec.jobTemplate = new JobTemplate();
      spec.jobTemplate.podSecurityContext = new PodSecurityContextBuilder().withRunAsUser(0L).build();
    })).containsExactly(
        "spec.jobTemplate.podSecurityContext.runAsUser: 0 (root) is not allowed; use fsGroup to read volumes");
  }

  @Test
  void runAsNonRootFalseIsRejectedButAnotherUserIsFine() {
    assertThat(problems(spec -> {
      spec.jobTemplate = new JobTemplate();
      spec.jobTemplate.podSecurityContext = new PodSecurityContextBuilder().withRunAsNonRoot(false).build();
    })).containsExactly("spec.jobTemplate.podSecurityContext.runAsNonRoot: Lifeboat Jobs never run as root");
    assertThat(problems(spec -> {
      spec.jobTemplate = new JobTemplate();
      spec.jobTemplate.podSecurityContext = new PodSecurityContextBuilder().withRunAsUser(1000L).withFsGroup(1000L).build();
    })).isEmpty();
  }

  @Test
  void verifyScheduleAndMaxAgeAreChecked() {
    assertThat(problems(spec -> {
      spec.verify = new VerifySpec();
      spec.verify.schedule = "0 4 * * 0 *";
      spec.verify.maxAge = "45 days";
    })).hasSize(2)
        .anySatisfy(p -> assertThat(p).startsWith("spec.verify.schedule: '0 4 * * 0 *' is not a valid schedule"))
        .contains("spec.verify.maxAge: '45 days' is not a duration such as 26h, 45d or 1d12h");
  }

  @Test
  void aVerifyCheckNeedsAnImageAndACommand() {
    assertThat(problems(spec -> {
      spec.verify = new VerifySpec();
      spec.verify.schedule = "0 4 * * 0";
      spec.verify.check = new VerifyCheck();
    })).containsExactly("spec.verify.check.image: required (the image that runs the check)",
        "spec.verify.check.command: required (the image's entrypoint is not used)");
  }

  @Test
  void severalProblemsAreAllReportedInFieldOrder() {
    PolicyValidator.Result result = validator.validate(changed(spec -> {
      spec.schedule = "@fortnightly";
      spec.source.claims = null;
      spec.destination.s3.serverSideEncryption = "aes256";
      spec.retention.keepLast = -2;
      spec.snapshotTimeoutSeconds = 0;
    }));

    assertThat(result.valid()).isFalse();
    assertThat(result.problems()).extracting(p -> p.substring(0, p.indexOf(':'))).containsExactly(
        "spec.schedule",
        "spec.source",
        "spec.destination.s3.serverSideEncryption",
        "spec.retention.keepLast",
        "spec.snapshotTimeoutSeconds");
    assertThat(result.message()).isEqualTo(String.join("; ", result.problems()));
  }
}
