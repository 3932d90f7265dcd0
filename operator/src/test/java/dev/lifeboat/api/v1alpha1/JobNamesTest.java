package dev.lifeboat.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JobNamesTest {
  static final String ID = "20251109T020000Z";
  static final String DNS_LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
  static final String LONG_POLICY = "nightly-backup-of-the-postgres-primary-database-volume";

  @Test
  void shortNamesArePolicyDashLowercasedId() {
    assertThat(JobNames.backupJob("rose-memory", ID)).isEqualTo("rose-memory-20251109t020000z");
  }

  @Test
  void aNameOfExactly63CharactersIsKeptAsIs() {
    String policy = "p".repeat(63 - 1 - ID.length());

    assertThat(JobNames.backupJob(policy, ID)).isEqualTo(policy + "-20251109t020000z").hasSize(63);
    assertThat(JobNames.backupJob(policy + "q", ID)).hasSize(63).isNotEqualTo(policy + "q-20251109t020000z");
  }

  @Test
  void longNamesAreShortenedWithAHashAndEndWithTheId() {
    String name = JobNames.backupJob(LONG_POLICY, ID);

    // Fixed value: a Job name must not change between operator versions, or a run in flight
    // during an upgrade would get a second Job.
    assertThat(name).isEqualTo("nightly-backup-of-the-postgres-primar-0132fc9d-20251109t020000z")
        .hasSizeLessThanOrEqualTo(63)
        .endsWith("-20251109t020000z")
        .matches(DNS_LABEL);
  }

  @Test
  void shorteningIsDeterministic() {
    assertThat(JobNames.backupJob(LONG_POLICY, ID)).isEqualTo(JobNames.backupJob(LONG_POLICY, ID));
  }

  @Test
  void twoLongPoliciesSharingAPrefixGetDifferentNames() {
    String primary = JobNames.backupJob(LONG_POLICY, ID);
    String replica = JobNames.backupJob(LONG_POLICY + "-replica", ID);

    assertThat(replica).isEqualTo("nightly-backup-of-the-postgres-primar-22abb16f-20251109t020000z")
        .isNotEqualTo(primary)
        .endsWith("-20251109t020000z");
  }

  @Test
  void theShortenedHeadNeverEndsInADashBeforeTheHash() {
    // Cut at 37 characters this policy name ends in '-': the name must not get "--".
    String policy = "nightly-backup-of-the-postgres-prima-database-x";

    String name = JobNames.backupJob(policy, ID);

    assertThat(name).isEqualTo("nightly-backup-of-the-postgres-prima-aa037b87-20251109t020000z")
        .doesNotContain("--")
        .matches(DNS_LABEL);
  }

  @Test
  void theLongestPolicyNameStillFits() {
    String policy = "a".repeat(253);

    assertThat(JobNames.backupJob(policy, ID)).hasSizeLessThanOrEqualTo(63).endsWith("-20251109t020000z").matches(DNS_LABEL);
  }
}
