package dev.lifeboat.restore;

import static dev.lifeboat.testing.Fixtures.CLAIM;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.api.v1alpha1.Reasons;
import dev.lifeboat.api.v1alpha1.RestoreSource;
import dev.lifeboat.common.Checked;
import dev.lifeboat.common.ListedBackup;
import dev.lifeboat.common.Times;
import dev.lifeboat.testing.Fixtures;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which backup a RestoreRequest restores, picked from the repository's listing without a cluster. */
class BackupChoiceTest {
  static final String OLDEST = "20251107T020000Z";
  static final String OLDER = "20251108T020000Z";
  static final String SCHEDULED = "20251109T020000Z";
  static final String SAFETY = "20251109T140003Z";
  static final String REPOSITORY = "s3://backups/prod (backups of rose/rose-memory)";

  static ResolvedSource plain() {
    return new ResolvedSource(Fixtures.s3Destination(), Fixtures.NAMESPACE, Fixtures.POLICY, null, null);
  }

  static ResolvedSource withKey() {
    return new ResolvedSource(Fixtures.s3Destination(), Fixtures.NAMESPACE, Fixtures.POLICY, Fixtures.encryptionKey(),
        null);
  }

  static ListedBackup scheduled(String id, String... volumes) {
    return new ListedBackup(id, Times.rfc3339(Times.fromBackupId(id).plusSeconds(40)), "scheduled", 2_000_000, 12,
        false, List.of(volumes.length == 0 ? new String[] {CLAIM} : volumes), null);
  }

  static ListedBackup safety(String id) {
    return new ListedBackup(id, Times.rfc3339(Times.fromBackupId(id).plusSeconds(40)), ListedBackup.KIND_PRE_RESTORE,
        2_000_000, 12, false, List.of(CLAIM), null);
  }

  static ListedBackup encrypted(String id, String keyId) {
    return new ListedBackup(id, Times.rfc3339(Times.fromBackupId(id).plusSeconds(40)), "scheduled", 2_000_000, 12,
        false, List.of(CLAIM), keyId);
  }

  /** A safety backup newest, then three scheduled ones, as the agent lists them (newest first). */
  static List<ListedBackup> listing() {
    return List.of(safety(SAFETY), scheduled(SCHEDULED), scheduled(OLDER), scheduled(OLDEST));
  }

  static RestoreSource source() {
    RestoreSource source = new RestoreSource();
    source.policy = Fixtures.POLICY;
    return source;
  }

  static RestoreSource backup(String backup) {
    RestoreSource source = source();
    source.backup = backup;
    return source;
  }

  static RestoreSource before(String time) {
    RestoreSource source = source();
    source.before = time;
    return source;
  }

  static Checked<ListedBackup> choose(RestoreSource source, List<ListedBackup> listing) {
    return BackupChoice.choose(source, plain(), listing);
  }

  static ListedBackup chosen(Checked<ListedBackup> result) {
    assertThat(result.problem()).as("problem").isNull();
    assertThat(result.ok()).isTrue();
    return result.value();
  }

  static void assertProblem(Checked<ListedBackup> result, String reason, String message) {
    assertThat(result.ok()).as("ok").isFalse();
    assertThat(result.value()).isNull();
    assertThat(result.problem().reason()).as("reason (%s)", result.problem().message()).isEqualTo(reason);
    assertThat(result.problem().message()).isEqualTo(message);
  }

  @Test
  void latestNeverPicksASafetyBackup() {
    assertThat(chosen(choose(source(), listing())).id()).isEqualTo(SCHEDULED);
    assertThat(chosen(choose(backup("latest"), listing())).id()).isEqualTo(SCHEDULED);
  }

  @Test
  void latestIsTheNewestBackupWhateverOrderTheListingComesIn() {
    List<ListedBackup> oldestFirst = List.of(scheduled(OLDEST), scheduled(OLDER), scheduled(SCHEDULED), safety(SAFETY));

    assertThat(chosen(choose(source(), oldestFirst)).id()).isEqualTo(SCHEDULED);
  }

  @Test
  void aSafetyBackupNamedByIdIsRestored() {
    ListedBackup backup = chosen(choose(backup(SAFETY), listing()));

    assertThat(backup.id()).isEqualTo(SAFETY);
    assertThat(backup.preRestore()).isTrue();
  }

  @Test
  void anOlderBackupNamedByIdIsRestored() {
    assertThat(chosen(choose(backup(OLDER), listing())).id()).isEqualTo(OLDER);
  }

  @Test
  void beforePicksTheNewestBackupStartedAtOrBeforeThatTime() {
    assertThat(chosen(choose(before("2025-11-09T02:00:00Z"), listing())).id()).isEqualTo(SCHEDULED);
    assertThat(chosen(choose(before("2025-11-09T01:59:59Z"), listing())).id()).isEqualTo(OLDER);
    assertThat(chosen(choose(before("2025-11-08T12:00:00Z"), listing())).id()).isEqualTo(OLDER);
  }

  @Test
  void beforeSkipsSafetyBackupsToo() {
    // The safety backup 20251109T140003Z is the newest one before 15:00, but only an id restores it.
    assertThat(chosen(choose(before("2025-11-09T15:00:00Z"), listing())).id()).isEqualTo(SCHEDULED);
  }

  @Test
  void beforeWithAnOffsetIsCountedInUtc() {
    // 03:30+02:00 is 01:30Z, before the 02:00Z backup of the 9th.
    assertThat(chosen(choose(before("2025-11-09T03:30:00+02:00"), listing())).id()).isEqualTo(OLDER);
  }

  @Test
  void anInvalidBeforeIsInvalidSpecNamingTheFieldAndTheValue() {
    Checked<ListedBackup> result = choose(before("yesterday"), listing());

    assertProblem(result, Reasons.INVALID_SPEC,
        "spec.source.before: 'yesterday' is not an RFC 3339 time such as 2025-11-09T02:00:00Z");
  }

  @Test
  void beforeOlderThanEveryBackupIsBackupNotFoundSayingWhatTheRepositoryHolds() {
    Checked<ListedBackup> result = choose(before("2025-01-01T00:00:00Z"), listing());

    assertProblem(result, Reasons.BACKUP_NOT_FOUND, "no backup at or before 2025-01-01T00:00:00Z (spec.source.before) in "
        + REPOSITORY + ": it holds 4 backup(s), newest " + SAFETY + ", oldest " + OLDEST);
  }

  @Test
  void anUnknownIdIsBackupNotFoundNamingTheIdAndWhatTheRepositoryHolds() {
    Checked<ListedBackup> result = choose(backup("20240101T000000Z"), listing());

    assertProblem(result, Reasons.BACKUP_NOT_FOUND, "no backup 20240101T000000Z (spec.source.backup) in " + REPOSITORY
        + ": it holds 4 backup(s), newest " + SAFETY + ", oldest " + OLDEST);
  }

  @Test
  void anEmptyRepositoryIsBackupNotFoundSayingItHoldsNoCompleteBackup() {
    Checked<ListedBackup> result = choose(source(), List.of());

    assertProblem(result, Reasons.BACKUP_NOT_FOUND, "no backup in " + REPOSITORY + ": it holds no complete backup");
  }

  @Test
  void aRepositoryOfOnlySafetyBackupsHasNoLatestBackup() {
    Checked<ListedBackup> result = choose(source(), List.of(safety(SAFETY)));

    assertThat(result.ok()).isFalse();
    assertThat(result.problem().reason()).isEqualTo(Reasons.BACKUP_NOT_FOUND);
    assertThat(result.problem().message()).startsWith("no backup in " + REPOSITORY).contains(SAFETY);
  }

  @Test
  void aClaimTheBackupDoesNotHoldIsClaimNotInBackupNamingTheClaimAndTheVolumes() {
    RestoreSource source = backup(SCHEDULED);
    source.claim = "uploads";

    Checked<ListedBackup> result = choose(source, List.of(scheduled(SCHEDULED, "app-db", "app-files")));

    assertProblem(result, Reasons.CLAIM_NOT_IN_BACKUP,
        "spec.source.claim: backup " + SCHEDULED + " has no volume 'uploads'; it holds app-db, app-files");
  }

  @Test
  void severalVolumesWithoutAClaimIsClaimNotInBackupAskingToNameOne() {
    Checked<ListedBackup> result = choose(source(), List.of(scheduled(SCHEDULED, "app-db", "app-files")));

    assertProblem(result, Reasons.CLAIM_NOT_IN_BACKUP, "spec.source.claim: backup " + SCHEDULED
        + " holds several volumes (app-db, app-files); name the one to restore");
  }

  @Test
  void severalVolumesWithAClaimNamedRestoresThatVolume() {
    RestoreSource source = source();
    source.claim = "app-files";

    ListedBackup backup = chosen(choose(source, List.of(scheduled(SCHEDULED, "app-db", "app-files"))));

    assertThat(backup.id()).isEqualTo(SCHEDULED);
    assertThat(BackupChoice.claim(source, backup)).isEqualTo("app-files");
  }

  @Test
  void anEncryptedBackupWithoutAKeyIsEncryptionKeyMissingNamingTheKeyId() {
    Checked<ListedBackup> result = choose(source(), List.of(encrypted(SCHEDULED, "3f2a9c0d1e4b5a67")));

    assertProblem(result, Reasons.KEY_MISSING, "backup " + SCHEDULED + " is encrypted (key id 3f2a9c0d1e4b5a67)"
        + " and no key is given: set spec.source.repository.encryption, or spec.encryption of the policy");
  }

  @Test
  void anEncryptedBackupWithAKeyIsChosen() {
    Checked<ListedBackup> result = BackupChoice.choose(source(), withKey(),
        List.of(encrypted(SCHEDULED, "3f2a9c0d1e4b5a67")));

    assertThat(chosen(result).keyId()).isEqualTo("3f2a9c0d1e4b5a67");
  }

  @Test
  void anUnencryptedBackupNeedsNoKey() {
    assertThat(chosen(choose(source(), List.of(scheduled(SCHEDULED)))).keyId()).isNull();
  }

  @Test
  void theClaimRestoredIsTheNamedOneElseTheBackupsOnlyVolume() {
    RestoreSource named = source();
    named.claim = "app-files";

    assertThat(BackupChoice.claim(named, scheduled(SCHEDULED, "app-db", "app-files"))).isEqualTo("app-files");
    assertThat(BackupChoice.claim(source(), scheduled(SCHEDULED, "app-db"))).isEqualTo("app-db");
  }

  static ListedBackup withDumps(String id, List<String> volumes, String... dumps) {
    return new ListedBackup(id, Times.rfc3339(Times.fromBackupId(id).plusSeconds(40)), "scheduled", 2_000_000, 12,
        false, volumes, null, false, List.of(dumps));
  }

  static RestoreSource dump(String name) {
    RestoreSource source = source();
    source.dump = name;
    return source;
  }

  @Test
  void latestForADumpIsTheNewestBackupHoldingIt() {
    List<ListedBackup> listing = List.of(scheduled(SCHEDULED), withDumps(OLDER, List.of(), "tzurot-db"),
        withDumps(OLDEST, List.of(CLAIM), "tzurot-db"));

    assertThat(chosen(choose(dump("tzurot-db"), listing)).id()).isEqualTo(OLDER);
  }

  @Test
  void noBackupHoldingTheDumpIsBackupNotFoundNamingTheDump() {
    assertProblem(choose(dump("tzurot-db"), listing()), Reasons.BACKUP_NOT_FOUND,
        "no backup holding dump tzurot-db in " + REPOSITORY + ": it holds 4 backup(s), newest " + SAFETY + ", oldest "
            + OLDEST);
  }

  @Test
  void aBackupNamedByIdWithoutTheDumpSaysWhichDumpsItHolds() {
    RestoreSource source = dump("tzurot-db");
    source.backup = OLDER;

    assertProblem(choose(source, List.of(withDumps(OLDER, List.of(CLAIM), "cache"))), Reasons.CLAIM_NOT_IN_BACKUP,
        "spec.source.dump: backup " + OLDER + " has no dump 'tzurot-db'; it holds dump(s) cache");
  }

  @Test
  void aBackupOfDumpsOnlyCannotRestoreAVolume() {
    assertProblem(choose(source(), List.of(withDumps(OLDER, List.of(), "tzurot-db"))), Reasons.CLAIM_NOT_IN_BACKUP,
        "backup " + OLDER + " holds no volume, only dump(s) tzurot-db; restore one with spec.source.dump and"
            + " spec.target.command");
  }
}
