package dev.lifeboat.restore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.api.v1alpha1.CommandContainer;
import dev.lifeboat.api.v1alpha1.NewClaim;
import dev.lifeboat.api.v1alpha1.Reasons;
import dev.lifeboat.api.v1alpha1.RepositorySource;
import dev.lifeboat.api.v1alpha1.RestoreMode;
import dev.lifeboat.api.v1alpha1.RestoreRequestSpec;
import dev.lifeboat.common.Problem;
import dev.lifeboat.testing.Fixtures;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class RequestValidatorTest {
  /** The problems of the fixture request after one change. */
  static List<String> problems(Consumer<RestoreRequestSpec> change) {
    RestoreRequestSpec spec = Fixtures.restoreFromPolicy("restore-memory").getSpec();
    change.accept(spec);
    return RequestValidator.problems(spec);
  }

  static CommandContainer pgRestore() {
    CommandContainer command = new CommandContainer();
    command.image = "postgres:16";
    command.command = List.of("pg_restore", "--clean", "--dbname=$(DATABASE_URL)");
    return command;
  }

  /** The fixture turned into a restore of dump tzurot-db into pg_restore. */
  static void dumpIntoCommand(RestoreRequestSpec spec) {
    spec.source.dump = "tzurot-db";
    spec.target.claim = null;
    spec.target.command = pgRestore();
  }

  @Test
  void theFixtureRequestIsValid() {
    assertThat(problems(spec -> {})).isEmpty();
  }

  @Test
  void aWellFormedDumpRestoreIsValid() {
    assertThat(problems(RequestValidatorTest::dumpIntoCommand)).isEmpty();
  }

  @Test
  void twoTargetsAreRejected() {
    assertThat(problems(spec -> {
      spec.target.newClaim = new NewClaim();
      spec.target.newClaim.name = "restored";
    })).containsExactly("spec.target: set exactly one of claim, newClaim or command");
  }

  @Test
  void aClaimAndACommandTogetherAreRejected() {
    assertThat(problems(spec -> {
      spec.source.dump = "tzurot-db";
      spec.target.command = pgRestore();
    })).startsWith("spec.target: set exactly one of claim, newClaim or command");
  }

  @Test
  void noTargetAtAllIsRejected() {
    assertThat(problems(spec -> spec.target.claim = null))
        .containsExactly("spec.target: set exactly one of claim, newClaim or command");
  }

  @Test
  void aDumpCannotBeCombinedWithAClaimOrPaths() {
    assertThat(problems(spec -> {
      dumpIntoCommand(spec);
      spec.source.claim = "memory-data";
      spec.source.paths = List.of("notes");
    })).containsExactly(
        "spec.source.claim: cannot be combined with spec.source.dump (a dump is not a volume)",
        "spec.source.paths: cannot be combined with spec.source.dump (a dump has no files)");
  }

  @Test
  void aDumpNameThatIsNotADnsLabelNamesTheValue() {
    assertThat(problems(spec -> {
      dumpIntoCommand(spec);
      spec.source.dump = "Tzurot";
    })).startsWith("spec.source.dump: 'Tzurot' is not a dump name (a DNS label of at most 58 characters)");
  }

  @Test
  void aDumpRestoresOnlyIntoACommand() {
    assertThat(problems(spec -> spec.source.dump = "tzurot-db")).containsExactly(
        "spec.target.command: required to restore spec.source.dump (a dump is streamed into a command)");
  }

  @Test
  void aCommandReceivesOnlyADump() {
    assertThat(problems(spec -> {
      spec.target.claim = null;
      spec.target.command = pgRestore();
    })).containsExactly("spec.target.command: needs spec.source.dump (only a dump can be restored into a command)");
  }

  @Test
  void aTargetCommandNeedsAnImageAndACommand() {
    assertThat(problems(spec -> {
      dumpIntoCommand(spec);
      spec.target.command = new CommandContainer();
    })).containsExactly("spec.target.command.image: required (the image that runs the restore command)",
        "spec.target.command.command: required, without empty words (the image's entrypoint is not used)");
  }

  @Test
  void subPathAndMergeApplyOnlyToVolumes() {
    assertThat(problems(spec -> {
      dumpIntoCommand(spec);
      spec.target.subPath = "restored";
      spec.mode = RestoreMode.Merge;
    })).containsExactly("spec.target.subPath: applies to a volume, not to spec.target.command",
        "spec.mode: Merge applies to a volume, not to spec.target.command");
  }

  @Test
  void aDumpFromARepositoryMustDoWithoutASafetyDump() {
    Consumer<RestoreRequestSpec> fromRepository = spec -> {
      dumpIntoCommand(spec);
      spec.source.policy = null;
      spec.source.repository = new RepositorySource();
    };
    assertThat(problems(fromRepository)).containsExactly(
        "spec.safetyBackup: set it to false to restore a dump from spec.source.repository"
            + " (a safety dump needs the dump command of spec.source.policy)");
    assertThat(problems(fromRepository.andThen(spec -> spec.safetyBackup = false))).isEmpty();
  }

  @Test
  void aSubPathWithDotDotIsStillNamed() {
    assertThat(RequestValidator.validate(Fixtures.restoreFromPolicy("r").getSpec())).isEmpty();
    assertThat(problems(spec -> spec.target.subPath = "data/../../etc")).singleElement().asString()
        .startsWith("spec.target.subPath: 'data/../../etc'");
  }

  @Test
  void problemsAreOneInvalidSpec() {
    RestoreRequestSpec spec = Fixtures.restoreFromPolicy("r").getSpec();
    dumpIntoCommand(spec);
    spec.mode = RestoreMode.Merge;
    spec.target.subPath = "restored";
    Problem problem = RequestValidator.validate(spec).orElseThrow();
    assertThat(problem.reason()).isEqualTo(Reasons.INVALID_SPEC);
    assertThat(problem.message()).isEqualTo("spec.target.subPath: applies to a volume, not to spec.target.command"
        + "; spec.mode: Merge applies to a volume, not to spec.target.command");
  }
}
