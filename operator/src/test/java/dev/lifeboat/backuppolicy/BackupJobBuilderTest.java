package dev.lifeboat.backuppolicy;

import static dev.lifeboat.testing.Fixtures.CLAIM;
import static dev.lifeboat.testing.JobParts.agent;
import static dev.lifeboat.testing.JobParts.pod;
import static dev.lifeboat.testing.JobParts.toleration;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.lifeboat.api.v1alpha1.Alerts;
import dev.lifeboat.api.v1alpha1.BackupPolicy;
import dev.lifeboat.api.v1alpha1.Compression;
import dev.lifeboat.api.v1alpha1.Encryption;
import dev.lifeboat.api.v1alpha1.JobTemplate;
import dev.lifeboat.api.v1alpha1.SecretKeyRef;
import dev.lifeboat.api.v1alpha1.SqliteCapture;
import dev.lifeboat.api.v1alpha1.VerifySpec;
import dev.lifeboat.common.AgentJob;
import dev.lifeboat.common.AgentResult;
import dev.lifeboat.common.AgentImage;
import dev.lifeboat.common.PrivilegedJobs;
import dev.lifeboat.testing.Fixtures;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The desired backup Job, built without a cluster. */
class BackupJobBuilderTest {
  static final String IMAGE = "ghcr.io/lifeboat/lifeboat:0.1.0";
  static final String BACKUP_ID = "20251109T020000Z";
  static final String UID = "0b4e0c8e-5d2a-4c3f-9a51-6f0d2b7c1e11";
  static final RunPlanner.Run SCHEDULED =
      new RunPlanner.Run(BACKUP_ID, RunPlanner.Trigger.Scheduled, Instant.parse("2025-11-09T02:00:00Z"), null);

  final BackupJobBuilder builder = new BackupJobBuilder(IMAGE, PrivilegedJobs.NONE);

  static BackupPolicy policy() {
    BackupPolicy policy = Fixtures.dailyPolicy();
    policy.getMetadata().setUid(UID);
    return policy;
  }

  static ClaimResolver.Claims claims(String... names) {
    return claims(null, names);
  }

  static ClaimResolver.Claims claims(AgentJob.Placement placement, String... names) {
    return new ClaimResolver.Claims(Stream.of(names).map(name -> Fixtures.boundClaim(name)).toList(), placement, null);
  }

  /** The agent's mounts under /data: name, path, read-only. */
  static List<org.assertj.core.groups.Tuple> dataMounts(Job job) {
    return agent(job).getVolumeMounts().stream().filter(m -> m.getMountPath().startsWith("/data/"))
        .map(m -> tuple(m.getName(), m.getMountPath(), m.getReadOnly())).toList();
  }

  /** The pod's claim volumes: name, claim, read-only. */
  static List<org.assertj.core.groups.Tuple> claimVolumes(Job job) {
    return pod(job).getVolumes().stream().filter(v -> v.getPersistentVolumeClaim() != null)
        .map(v -> tuple(v.getName(), v.getPersistentVolumeClaim().getClaimName(), v.getPersistentVolumeClaim().getReadOnly()))
        .toList();
  }

  Job build(BackupPolicy policy) {
    return builder.build(policy, SCHEDULED, claims(CLAIM), List.of());
  }

  @Test
  void agentCommandLineIsTheDocumentedOne() {
    Job job = build(policy());

    assertThat(agent(job).getCommand()).containsExactly(
        "lifeboat", "agent", "backup",
        "--repository", "s3://backups/prod",
        "--region", "us-east-1",
        "--namespace", "rose",
        "--policy", "rose-memory",
        "--volume", "memory-data=/data/memory-data",
        "--compression", "zstd",
        "--scratch-dir", "/scratch/sqlite",
        "--retention", "keepDaily=7",
        "--min-size", "51200",
        "--backup-id", BACKUP_ID,
        "--termination-log", "/dev/termination-log");
    assertThat(agent(job).getImage()).isEqualTo(IMAGE);
    assertThat(agent(job).getArgs()).isEmpty();
  }

  @Test
  void everyOptionalFlagAppearsInTheDocumentedOrder() {
    BackupPolicy policy = policy();
    var spec = policy.getSpec();
    spec.destination.s3.endpoint = "http://minio.storage:9000";
    spec.destination.s3.forcePathStyle = true;
    spec.destination.s3.serverSideEncryption = "aws:kms";
    spec.destination.s3.kmsKeyId = "alias/lifeboat";
    spec.source.exclude = List.of("logs/**", "**/*.tmp");
    spec.compression = Compression.gzip;
    spec.encryption = new Encryption();
    spec.encryption.keySecretRef = new SecretKeyRef();
    spec.encryption.keySecretRef.name = "backup-key";
    spec.retention.keepLast = 3;
    spec.retention.keepMonthly = 12;
    spec.retention.pinned = List.of("20251101T020000Z");
    spec.alerts = new Alerts();
    spec.alerts.minSize = new Quantity("1Mi");

    Job job = builder.build(policy, SCHEDULED, claims(CLAIM, "uploads"), List.of("20251105T020000Z", "20251101T020000Z"));

    assertThat(agent(job).getCommand()).containsExactly(
        "lifeboat", "agent", "backup",
        "--repository", "s3://backups/prod",
        "--endpoint", "http://minio.storage:9000",
        "--region", "us-east-1",
        "--path-style",
        "--namespace", "rose",
        "--policy", "rose-memory",
        "--volume", "memory-data=/data/memory-data",
        "--volume", "uploads=/data/uploads",
        "--exclude", "logs/**",
        "--exclude", "**/*.tmp",
        "--compression", "gzip",
        "--scratch-dir", "/scratch/sqlite",
        "--sse", "aws:kms",
        "--kms-key-id", "alias/lifeboat",
        "--encryption-key-file", "/etc/lifeboat/encryption/key", "--encryption-key-secret", "backup-key/key",
        "--retention", "keepLast=3,keepDaily=7,keepMonthly=12",
        // The spec's pins first, then the extra ones, each once.
        "--pin", "20251101T020000Z",
        "--pin", "20251105T020000Z",
        "--min-size", "1048576",
        "--backup-id", BACKUP_ID,
        "--termination-log", "/dev/termination-log");
  }

  @Test
  void sqliteOffIsPassedToTheAgentAndOnlineIsItsDefault() {
    assertThat(agent(build(policy())).getCommand()).doesNotContain("--sqlite");

    BackupPolicy off = policy();
    off.getSpec().source.sqlite = SqliteCapture.Off;
    assertThat(agent(build(off)).getCommand()).containsSequence("--compression", "zstd", "--sqlite", "off");
  }

  @Test
  void sqliteCopiesGoToAnEmptyDirLimitedToTheLargestClaimAndOffNeedsNone() {
    PersistentVolumeClaim small = Fixtures.boundClaim(CLAIM);
    PersistentVolumeClaim large = Fixtures.boundClaim("uploads");
    large.getStatus().setCapacity(Map.of("storage", new Quantity("20Gi"))); // bound larger than requested
    Job job = builder.build(policy(), SCHEDULED, new ClaimResolver.Claims(List.of(small, large), null, null), List.of());

    assertThat(pod(job).getVolumes()).filteredOn(v -> v.getName().equals("sqlite-scratch")).singleElement()
        .satisfies(v -> {
          assertThat(v.getEmptyDir().getMedium()).as("the node's disk, not memory").isNull();
          assertThat(v.getEmptyDir().getSizeLimit()).isEqualTo(new Quantity("20Gi"));
        });
    assertThat(agent(job).getCommand()).containsSequence("--scratch-dir", "/scratch/sqlite");

    BackupPolicy off = policy();
    off.getSpec().source.sqlite = SqliteCapture.Off;
    Job withoutCapture = build(off);
    assertThat(pod(withoutCapture).getVolumes()).extracting(Volume::getName).doesNotContain("sqlite-scratch");
    assertThat(agent(withoutCapture).getCommand()).doesNotContain("--scratch-dir");
  }

  @Test
  void aPartialBackupOrADamagedBackupFailsTheJobAtOnceInsteadOfRetrying() {
    var rules = build(policy()).getSpec().getPodFailurePolicy().getRules();

    assertThat(rules).singleElement().satisfies(rule -> {
      assertThat(rule.getAction()).isEqualTo("FailJob");
      assertThat(rule.getOnExitCodes().getOperator()).isEqualTo("In");
      assertThat(rule.getOnExitCodes().getValues()).containsExactly(AgentResult.EXIT_PARTIAL, AgentResult.EXIT_PERMANENT);
    });
  }

  @Test
  void repositoryWithoutPrefixIsTheBareBucketAndAes256NeedsNoKmsKey() {
    BackupPolicy policy = policy();
    policy.getSpec().destination.s3.prefix = null;
    policy.getSpec().destination.s3.region = null;
    policy.getSpec().destination.s3.serverSideEncryption = "AES256";

    List<String> command = agent(build(policy)).getCommand();

    assertThat(command).containsSequence("--repository", "s3://backups", "--namespace")
        .containsSequence("--compression", "zstd", "--scratch-dir", "/scratch/sqlite", "--sse", "AES256", "--retention")
        .doesNotContain("--region", "--kms-key-id", "--endpoint", "--path-style", "--encryption-key-file", "--pin");
    assertThat(agent(build(policy)).getEnv()).extracting(EnvVar::getName).doesNotContain("AWS_REGION");
  }

  @Test
  void eachClaimIsMountedReadOnlyAtDataSlashClaim() {
    Job job = builder.build(policy(), SCHEDULED, claims(CLAIM, "uploads"), List.of());

    assertThat(dataMounts(job)).containsExactly(
            tuple("data-memory-data", "/data/memory-data", true),
            tuple("data-uploads", "/data/uploads", true));
    assertThat(claimVolumes(job)).containsExactly(
            tuple("data-memory-data", CLAIM, true),
            tuple("data-uploads", "uploads", true));
    // The only writable places are emptyDirs, for temporary files and SQLite copies; the root filesystem stays read-only.
    assertThat(agent(job).getVolumeMounts())
        .filteredOn(m -> !Boolean.TRUE.equals(m.getReadOnly()))
        .extracting(VolumeMount::getMountPath).containsExactly("/scratch/sqlite", "/tmp");
    assertThat(pod(job).getVolumes()).filteredOn(v -> v.getName().equals("tmp"))
        .singleElement().satisfies(v -> assertThat(v.getEmptyDir()).isNotNull());
  }

  @Test
  void inSnapshotModeEachClaimIsReadFromItsTemporaryClaimMountedWhereTheClaimWouldBe() {
    Job job = builder.build(policy(), SCHEDULED, claims(CLAIM, "uploads"), List.of(),
        Map.of(CLAIM, "lb-rose-memory-20251109t020000z-memory-data", "uploads", "lb-rose-memory-20251109t020000z-uploads"));

    assertThat(dataMounts(job)).containsExactly(
            tuple("data-memory-data", "/data/memory-data", true),
            tuple("data-uploads", "/data/uploads", true));
    assertThat(claimVolumes(job)).containsExactly(
            tuple("data-memory-data", "lb-rose-memory-20251109t020000z-memory-data", true),
            tuple("data-uploads", "lb-rose-memory-20251109t020000z-uploads", true));
    assertThat(agent(job).getCommand()).as("the archive keeps the claims' own names")
        .containsSequence("--volume", CLAIM + "=/data/" + CLAIM).containsSequence("--volume", "uploads=/data/uploads");
  }

  @Test
  void s3CredentialsComeFromTheSecretNeverAsLiteralValues() {
    List<EnvVar> env = agent(build(policy())).getEnv();

    assertThat(env).filteredOn(e -> e.getName().startsWith("AWS_") && !e.getName().equals("AWS_REGION"))
        .extracting(EnvVar::getName, EnvVar::getValue,
            e -> e.getValueFrom().getSecretKeyRef().getName(), e -> e.getValueFrom().getSecretKeyRef().getKey())
        .containsExactly(
            tuple("AWS_ACCESS_KEY_ID", null, "s3-credentials", "AWS_ACCESS_KEY_ID"),
            tuple("AWS_SECRET_ACCESS_KEY", null, "s3-credentials", "AWS_SECRET_ACCESS_KEY"));
    assertThat(env).filteredOn(e -> e.getName().equals("AWS_REGION"))
        .extracting(EnvVar::getValue).containsExactly("us-east-1");
  }

  @Test
  void everyJobPullsTheAgentImageWithTheConfiguredSecretsAndWithoutThemNamesNone() {
    BackupJobBuilder withSecrets = new BackupJobBuilder(AgentImage.of(IMAGE, "regcred, mirror-creds,,regcred"),
        PrivilegedJobs.NONE);
    BackupPolicy policy = policy();
    policy.getSpec().verify = new VerifySpec();
    policy.getSpec().verify.schedule = "0 4 * * *";

    for (Job job : List.of(withSecrets.build(policy, SCHEDULED, claims(CLAIM), List.of()),
        withSecrets.discovery(policy), withSecrets.drill(policy, "drill", BACKUP_ID, Instant.parse("2025-11-09T03:00:00Z")))) {
      assertThat(agent(job).getImage()).isEqualTo(IMAGE);
      assertThat(pod(job).getImagePullSecrets()).as(job.getMetadata().getName())
          .extracting(LocalObjectReference::getName).containsExactly("regcred", "mirror-creds");
    }
    assertThat(pod(build(policy)).getImagePullSecrets()).isEmpty();
  }

  @Test
  void runsAsNonRootWithReadOnlyRootFilesystemAndNoCapabilities() {
    Job job = build(policy());

    var container = agent(job).getSecurityContext();
    assertThat(container.getRunAsNonRoot()).isTrue();
    assertThat(container.getReadOnlyRootFilesystem()).isTrue();
    assertThat(container.getAllowPrivilegeEscalation()).isFalse();
    assertThat(container.getPrivileged()).isNotEqualTo(Boolean.TRUE);
    assertThat(container.getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(container.getCapabilities().getAdd()).isEmpty();

    var podSecurity = pod(job).getSecurityContext();
    assertThat(podSecurity.getRunAsNonRoot()).isTrue();
    assertThat(podSecurity.getRunAsUser()).isEqualTo(65532L);
    assertThat(podSecurity.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(pod(job).getAutomountServiceAccountToken()).isFalse();
    assertThat(pod(job).getRestartPolicy()).isEqualTo("Never");
  }

  @Test
  void policyLabelsAreNotCopiedButOursArePresentOnJobAndPod() {
    BackupPolicy policy = policy();
    assertThat(policy.getMetadata().getLabels()).containsKeys("app", "argocd.argoproj.io/instance");

    Job job = build(policy);

    Map<String, String> ours = Map.of(
        "app.kubernetes.io/managed-by", "lifeboat",
        "app.kubernetes.io/component", "backup",
        "lifeboat.dev/policy", "rose-memory");
    assertThat(job.getMetadata().getLabels()).containsExactlyInAnyOrderEntriesOf(ours)
        .doesNotContainKeys("app", "argocd.argoproj.io/instance");
    assertThat(job.getSpec().getTemplate().getMetadata().getLabels()).containsExactlyInAnyOrderEntriesOf(ours)
        .doesNotContainKeys("app", "argocd.argoproj.io/instance");
  }

  @Test
  void jobIsNamedFromPolicyAndIdAndOwnedByThePolicyAsController() {
    Job job = build(policy());

    assertThat(job.getMetadata().getName()).isEqualTo("rose-memory-20251109t020000z");
    assertThat(job.getMetadata().getNamespace()).isEqualTo("rose");
    assertThat(job.getMetadata().getOwnerReferences()).singleElement().satisfies(owner -> {
      assertThat(owner.getApiVersion()).isEqualTo("lifeboat.dev/v1alpha1");
      assertThat(owner.getKind()).isEqualTo("BackupPolicy");
      assertThat(owner.getName()).isEqualTo("rose-memory");
      assertThat(owner.getUid()).isEqualTo(UID);
      assertThat(owner.getController()).isTrue();
      assertThat(owner.getBlockOwnerDeletion()).isTrue();
    });
  }

  @Test
  void backupIdTriggerAndWhatTheRunConsumesAreAnnotated() {
    RunPlanner.Run manual = new RunPlanner.Run("20251109T101500Z", RunPlanner.Trigger.Manual, null, "now-please");

    Job job = builder.build(policy(), manual, claims(CLAIM), List.of());

    assertThat(job.getMetadata().getAnnotations()).containsExactlyInAnyOrderEntriesOf(Map.of(
        "lifeboat.dev/backup-id", "20251109T101500Z",
        "lifeboat.dev/trigger", "Manual",
        "lifeboat.dev/manual-trigger", "now-please"));
    RunPlanner.Run scheduled = new RunPlanner.Run("20251109T020000Z", RunPlanner.Trigger.Scheduled,
        Instant.parse("2025-11-09T02:00:00Z"), null);
    assertThat(builder.build(policy(), scheduled, claims(CLAIM), List.of()).getMetadata().getAnnotations())
        .containsEntry("lifeboat.dev/schedule-slot", "2025-11-09T02:00:00Z")
        .doesNotContainKey("lifeboat.dev/manual-trigger");
    assertThat(job.getSpec().getTemplate().getMetadata().getAnnotations())
        .containsEntry("lifeboat.dev/backup-id", "20251109T101500Z");
    assertThat(agent(job).getCommand()).containsSequence("--backup-id", "20251109T101500Z");
  }

  @Test
  void aManualRunIsRecordedAsManualAndAScheduledOneAsTheAgentsDefault() {
    RunPlanner.Run manual = new RunPlanner.Run("20251109T101500Z", RunPlanner.Trigger.Manual, null, "now-please");

    assertThat(agent(builder.build(policy(), manual, claims(CLAIM), List.of())).getCommand())
        .containsSequence("--kind", "manual");
    assertThat(agent(build(policy())).getCommand()).doesNotContain("--kind");
  }

  @Test
  void withoutJobTemplateTheDefaultsApply() {
    Job job = build(policy());

    assertThat(job.getSpec().getBackoffLimit()).isEqualTo(2);
    assertThat(job.getSpec().getActiveDeadlineSeconds()).as("6 h").isEqualTo(AgentJob.DEFAULT_DEADLINE_SECONDS);
    assertThat(agent(job).getResources().getRequests())
        .containsEntry("cpu", new Quantity("100m")).containsEntry("memory", new Quantity("256Mi"));
    assertThat(agent(job).getResources().getLimits()).containsEntry("memory", new Quantity("512Mi"));
    assertThat(pod(job).getNodeSelector()).isNullOrEmpty();
    assertThat(pod(job).getTolerations()).isNullOrEmpty();
    assertThat(pod(job).getPriorityClassName()).isNull();
    assertThat(pod(job).getAffinity()).isNull();
    assertThat(agent(job).getTerminationMessagePath()).isEqualTo("/dev/termination-log");
  }

  @Test
  void jobTemplateOverridesAreApplied() {
    BackupPolicy policy = policy();
    JobTemplate template = new JobTemplate();
    template.resources = new ResourceRequirementsBuilder()
        .addToRequests("cpu", new Quantity("250m")).addToLimits("memory", new Quantity("1Gi")).build();
    template.nodeSelector = Map.of("disktype", "ssd");
    template.tolerations = List.of(toleration("dedicated", "backup"));
    template.priorityClassName = "backup-low";
    template.activeDeadlineSeconds = 3600L;
    template.backoffLimit = 0;
    template.podSecurityContext = new PodSecurityContextBuilder().withRunAsUser(1000L).withFsGroup(1000L).build();
    policy.getSpec().jobTemplate = template;

    Job job = build(policy);

    assertThat(agent(job).getResources().getRequests()).containsExactlyEntriesOf(Map.of("cpu", new Quantity("250m")));
    assertThat(agent(job).getResources().getLimits()).containsExactlyEntriesOf(Map.of("memory", new Quantity("1Gi")));
    assertThat(pod(job).getNodeSelector()).containsExactlyEntriesOf(Map.of("disktype", "ssd"));
    assertThat(pod(job).getTolerations()).containsExactly(toleration("dedicated", "backup"));
    assertThat(pod(job).getPriorityClassName()).isEqualTo("backup-low");
    assertThat(job.getSpec().getActiveDeadlineSeconds()).isEqualTo(3600L);
    assertThat(job.getSpec().getBackoffLimit()).isZero();
    var security = pod(job).getSecurityContext();
    assertThat(security.getRunAsUser()).isEqualTo(1000L);
    assertThat(security.getFsGroup()).isEqualTo(1000L);
    assertThat(security.getRunAsNonRoot()).isTrue();
    assertThat(security.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
  }

  @Test
  void runAsNonRootIsForcedEvenWhenTheTemplateSaysOtherwise() {
    BackupPolicy policy = policy();
    policy.getSpec().jobTemplate = new JobTemplate();
    policy.getSpec().jobTemplate.podSecurityContext = new PodSecurityContextBuilder()
        .withRunAsNonRoot(false).withFsGroup(2000L).build();

    var security = pod(build(policy)).getSecurityContext();

    assertThat(security.getRunAsNonRoot()).isTrue();
    assertThat(security.getRunAsUser()).isEqualTo(65532L);
    assertThat(security.getFsGroup()).isEqualTo(2000L);
  }

  @Test
  void placementPinsToTheNodeByNameAndMergesTolerationsWithoutDuplicates() {
    BackupPolicy policy = policy();
    policy.getSpec().jobTemplate = new JobTemplate();
    policy.getSpec().jobTemplate.tolerations = List.of(toleration("gpu", "true"), toleration("dedicated", "backup"));
    var placement = new AgentJob.Placement("node-a",
        List.of(toleration("dedicated", "rose"), toleration("gpu", "true")));

    Job job = builder.build(policy, SCHEDULED, claims(placement, CLAIM), List.of());

    var required = pod(job).getAffinity().getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution();
    assertThat(required.getNodeSelectorTerms()).singleElement().satisfies(term -> {
      assertThat(term.getMatchExpressions()).isEmpty();
      assertThat(term.getMatchFields())
          .extracting(NodeSelectorRequirement::getKey, NodeSelectorRequirement::getOperator, NodeSelectorRequirement::getValues)
          .containsExactly(tuple("metadata.name", "In", List.of("node-a")));
    });
    // nodeName would bypass the scheduler; the pin goes through affinity only.
    assertThat(pod(job).getNodeName()).isNull();
    assertThat(pod(job).getTolerations()).containsExactly(
        toleration("dedicated", "rose"), toleration("gpu", "true"), toleration("dedicated", "backup"));
  }

  @Test
  void encryptionKeySecretIsMountedReadOnlyAndPassedAsKeyFile() {
    BackupPolicy policy = policy();
    policy.getSpec().encryption = new Encryption();
    policy.getSpec().encryption.keySecretRef = new SecretKeyRef();
    policy.getSpec().encryption.keySecretRef.name = "backup-key";
    policy.getSpec().encryption.keySecretRef.key = "keyset.json";

    Job job = build(policy);

    assertThat(pod(job).getVolumes()).filteredOn(v -> v.getName().equals("encryption-key")).singleElement()
        .satisfies(v -> {
          assertThat(v.getSecret().getSecretName()).isEqualTo("backup-key");
          assertThat(v.getSecret().getItems()).singleElement().satisfies(item -> {
            assertThat(item.getKey()).isEqualTo("keyset.json");
            assertThat(item.getPath()).isEqualTo("key");
          });
          assertThat(v.getSecret().getDefaultMode()).isEqualTo(0444);
          assertThat(v.getSecret().getOptional()).as("a missing key fails the agent at once, not the mount").isTrue();
        });
    assertThat(agent(job).getVolumeMounts()).filteredOn(m -> m.getName().equals("encryption-key"))
        .extracting(VolumeMount::getMountPath, VolumeMount::getReadOnly)
        .containsExactly(tuple("/etc/lifeboat/encryption", true));
    assertThat(agent(job).getCommand()).containsSequence("--encryption-key-file", "/etc/lifeboat/encryption/key",
        "--encryption-key-secret", "backup-key/keyset.json");
  }

  @Test
  void withoutEncryptionNoKeyIsMountedOrPassed() {
    Job job = build(policy());

    assertThat(pod(job).getVolumes()).extracting(Volume::getName).containsExactly("data-memory-data", "sqlite-scratch", "tmp");
    assertThat(agent(job).getCommand()).doesNotContain("--encryption-key-file");
  }

  @Test
  void eachDumpRunsInItsOwnContainerBesideTheAgentWhichIsToldWhereToReadIt() {
    BackupPolicy policy = policy();
    var db = Fixtures.dump("tzurot-db");
    db.timeoutSeconds = 900;
    policy.getSpec().source.dumps = List.of(db, Fixtures.dump("cache"));

    Job job = build(policy);

    assertThat(pod(job).getInitContainers()).extracting(c -> c.getName()).containsExactly("lifeboat-setup");
    assertThat(pod(job).getContainers()).extracting(c -> c.getName()).containsExactly("agent", "dump-tzurot-db", "dump-cache");
    assertThat(agent(job).getCommand()).containsSequence("--volume", "memory-data=/data/memory-data",
        "--dump", "tzurot-db=/lifeboat/dumps/tzurot-db,timeout=900",
        "--dump", "cache=/lifeboat/dumps/cache,timeout=3600");
    assertThat(job.getSpec().getActiveDeadlineSeconds()).as("6 h for the volumes, both dumps' timeouts and 15 min")
        .isEqualTo(6 * 3600L + 900 + 3600 + 15 * 60);
    assertThat(job.getSpec().getPodFailurePolicy().getRules()).singleElement()
        .satisfies(rule -> assertThat(rule.getOnExitCodes().getContainerName()).isEqualTo("agent"));
    assertThat(pod(job).getSecurityContext().getRunAsUser()).as("dump containers run as the Job's user").isEqualTo(65532L);
  }

  @Test
  void aJobTemplatesDeadlineIsKeptWithDumps() {
    BackupPolicy policy = policy();
    policy.getSpec().source.dumps = List.of(Fixtures.dump("tzurot-db"));
    policy.getSpec().jobTemplate = new JobTemplate();
    policy.getSpec().jobTemplate.activeDeadlineSeconds = 1800L;

    assertThat(build(policy).getSpec().getActiveDeadlineSeconds()).isEqualTo(1800L);
  }

  @Test
  void aPolicyOfDumpsOnlyMountsNoClaimNeedsNoSqliteScratchAndIsNeverPrivileged() {
    BackupPolicy policy = policy();
    policy.getSpec().source.claims = null;
    policy.getSpec().source.dumps = List.of(Fixtures.dump("tzurot-db"));
    BackupJobBuilder privileged = new BackupJobBuilder(IMAGE, PrivilegedJobs.parse("rose"));

    Job job = privileged.build(policy, SCHEDULED, claims(), List.of());

    assertThat(pod(job).getVolumes()).extracting(Volume::getName)
        .containsExactly("tmp", "lifeboat-bin", "lifeboat-dumps", "lifeboat-tmp");
    assertThat(agent(job).getCommand()).doesNotContain("--volume", "--scratch-dir").containsSequence("--sqlite", "off")
        .containsSequence("--dump", "tzurot-db=/lifeboat/dumps/tzurot-db,timeout=3600");
    assertThat(pod(job).getSecurityContext().getRunAsUser()).isEqualTo(65532L);
    assertThat(pod(job).getAffinity()).isNull();
  }
}
