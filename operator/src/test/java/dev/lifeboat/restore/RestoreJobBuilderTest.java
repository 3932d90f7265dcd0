package dev.lifeboat.restore;

import dev.lifeboat.common.AgentImage;
import dev.lifeboat.common.PrivilegedJobs;
import static dev.lifeboat.testing.JobParts.toleration;
import static dev.lifeboat.testing.JobParts.pod;
import static dev.lifeboat.testing.JobParts.agent;
import static dev.lifeboat.testing.Fixtures.CLAIM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.lifeboat.api.v1alpha1.Encryption;
import dev.lifeboat.api.v1alpha1.RestoreMode;
import dev.lifeboat.api.v1alpha1.RestoreRequest;
import dev.lifeboat.api.v1alpha1.S3Destination;
import dev.lifeboat.common.AgentJob;
import dev.lifeboat.testing.Fixtures;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The list, safety and restore Jobs of a RestoreRequest, built without a cluster. */
class RestoreJobBuilderTest {
  static final String IMAGE = "ghcr.io/lifeboat/lifeboat:0.1.0";
  static final String UID = "7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f";
  static final String REQUEST = "memory-restore";
  static final String BACKUP_ID = "20251109T020000Z";
  static final String SAFETY_ID = "20251109T140003Z";
  static final String KEY_FILE = "/etc/lifeboat/encryption/key";

  final RestoreJobBuilder builder = new RestoreJobBuilder(IMAGE, PrivilegedJobs.NONE);

  static RestoreRequest request() {
    RestoreRequest request = Fixtures.restoreFromPolicy(REQUEST);
    request.getMetadata().setUid(UID);
    return request;
  }

  /** A MinIO repository: endpoint, region and path-style addressing. */
  static S3Destination s3() {
    S3Destination s3 = Fixtures.s3Destination();
    s3.endpoint = "http://minio.storage:9000";
    s3.forcePathStyle = true;
    return s3;
  }

  static ResolvedSource policySource() {
    return new ResolvedSource(s3(), Fixtures.NAMESPACE, Fixtures.POLICY, null, null);
  }

  static ResolvedSource encryptedSource() {
    Encryption encryption = Fixtures.encryptionKey();
    encryption.keySecretRef.key = "keyset.json";
    return new ResolvedSource(s3(), Fixtures.NAMESPACE, Fixtures.POLICY, encryption, null);
  }

  static List<String> repositoryArgs(String namespace, String policy) {
    return List.of("--repository", "s3://backups/prod",
        "--endpoint", "http://minio.storage:9000",
        "--region", "us-east-1",
        "--path-style",
        "--namespace", namespace,
        "--policy", policy);
  }

  static List<String> command(List<String> head, List<String> repository, String... rest) {
    List<String> command = new ArrayList<>(head);
    command.addAll(repository);
    command.addAll(List.of(rest));
    return command;
  }

  Job safety(RestoreRequest request, ResolvedSource source) {
    return builder.safety(request, source, new RestoreJobBuilder.Target(CLAIM, null, null), SAFETY_ID);
  }

  Job restore(RestoreRequest request, ResolvedSource source) {
    return builder.restore(request, source, BACKUP_ID, new RestoreJobBuilder.Target(CLAIM, null, null));
  }

  @Test
  void listJobRunsAgentListOnTheSourcesRepository() {
    Job job = builder.list(request(), policySource());

    assertThat(agent(job).getCommand()).containsExactlyElementsOf(
        command(List.of("lifeboat", "agent", "list"), repositoryArgs("rose", "rose-memory")));
    assertThat(agent(job).getImage()).isEqualTo(IMAGE);
  }

  @Test
  void everyRestoreJobPullsTheAgentImageWithTheConfiguredSecrets() {
    RestoreJobBuilder withSecrets = new RestoreJobBuilder(AgentImage.of(IMAGE, "regcred"), PrivilegedJobs.NONE);
    RestoreJobBuilder.Target target = new RestoreJobBuilder.Target(CLAIM, null, null);

    for (Job job : List.of(withSecrets.list(request(), policySource()),
        withSecrets.safety(request(), policySource(), target, SAFETY_ID),
        withSecrets.restore(request(), policySource(), BACKUP_ID, target))) {
      assertThat(pod(job).getImagePullSecrets()).as(job.getMetadata().getName())
          .extracting(LocalObjectReference::getName).containsExactly("regcred");
    }
    assertThat(pod(builder.list(request(), policySource())).getImagePullSecrets()).isEmpty();
  }

  @Test
  void listJobCarriesNoEncryptionKeyAndNoVolume() {
    Job job = builder.list(request(), encryptedSource());

    assertThat(agent(job).getCommand()).doesNotContain("--encryption-key-file");
    assertThat(pod(job).getVolumes()).extracting(Volume::getName).containsExactly("tmp");
    assertThat(agent(job).getVolumeMounts()).extracting(VolumeMount::getMountPath).containsExactly("/tmp");
  }

  @Test
  void safetyJobBacksUpTheTargetAsAPreRestoreBackupWithNoMinimumSize() {
    Job job = safety(request(), policySource());

    assertThat(agent(job).getCommand()).containsExactlyElementsOf(command(
        List.of("lifeboat", "agent", "backup"), repositoryArgs("rose", "rose-memory"),
        "--volume", "memory-data=/data/memory-data",
        "--compression", "zstd",
        "--scratch-dir", "/scratch/sqlite",
        "--min-size", "0",
        "--kind", "pre-restore",
        "--backup-id", SAFETY_ID,
        "--termination-log", "/dev/termination-log"));
  }

  @Test
  void safetyBackupOfAnotherNamespacesRepositoryIsWrittenUnderTheRequestsOwnNamespace() {
    ResolvedSource lily = new ResolvedSource(s3(), "lily", "lily-notes", null, null);

    Job safety = safety(request(), lily);
    Job list = builder.list(request(), lily);
    Job restore = restore(request(), lily);

    // Read from lily's backups, but never write into them.
    assertThat(agent(list).getCommand()).containsSequence("--namespace", "lily", "--policy", "lily-notes");
    assertThat(agent(restore).getCommand()).containsSequence("--namespace", "lily", "--policy", "lily-notes");
    assertThat(agent(safety).getCommand()).containsSequence("--namespace", "rose", "--policy", "lily-notes")
        .doesNotContainSequence("--namespace", "lily");
    // Every Job runs in the request's namespace, where its Secrets are.
    assertThat(List.of(safety, list, restore)).extracting(j -> j.getMetadata().getNamespace())
        .containsOnly("rose");
  }

  @Test
  void safetyMountsTheTargetReadOnlyAtItsSubPath() {
    RestoreRequest request = request();
    request.getSpec().target.subPath = "db/current";

    Job job = safety(request, policySource());

    assertThat(agent(job).getVolumeMounts()).filteredOn(m -> m.getMountPath().startsWith("/data/"))
        .extracting(VolumeMount::getName, VolumeMount::getMountPath, VolumeMount::getSubPath, VolumeMount::getReadOnly)
        .containsExactly(tuple("data-memory-data", "/data/memory-data", "db/current", true));
    assertThat(pod(job).getVolumes()).filteredOn(v -> v.getPersistentVolumeClaim() != null)
        .extracting(v -> v.getPersistentVolumeClaim().getClaimName(), v -> v.getPersistentVolumeClaim().getReadOnly())
        .containsExactly(tuple(CLAIM, true));
    assertThat(agent(job).getCommand()).containsSequence("--volume", "memory-data=/data/memory-data");
  }

  @Test
  void safetyJobOfAnEncryptedSourceEncryptsWithTheSourcesKey() {
    Job job = safety(request(), encryptedSource());

    assertThat(agent(job).getCommand()).containsExactlyElementsOf(command(
        List.of("lifeboat", "agent", "backup"), repositoryArgs("rose", "rose-memory"),
        "--volume", "memory-data=/data/memory-data",
        "--compression", "zstd",
        "--scratch-dir", "/scratch/sqlite",
        "--encryption-key-file", KEY_FILE, "--encryption-key-secret", "backup-key/keyset.json",
        "--min-size", "0",
        "--kind", "pre-restore",
        "--backup-id", SAFETY_ID,
        "--termination-log", "/dev/termination-log"));
    assertKeyMountedReadOnly(job);
  }

  @Test
  void restoreJobRestoresTheResolvedIdIntoTheTarget() {
    Job job = restore(request(), policySource());

    assertThat(agent(job).getCommand()).containsExactlyElementsOf(command(
        List.of("lifeboat", "agent", "restore"), repositoryArgs("rose", "rose-memory"),
        "--backup", BACKUP_ID,
        "--target", "/data/memory-data",
        "--mode", "Replace",
        // the backup read is pinned in the repository for as long as the Job may run
        "--pin-ttl", "21600s",
        "--termination-log", "/dev/termination-log"));
    assertThat(agent(job).getCommand()).doesNotContain("--claim", "--path", "--encryption-key-file");
  }

  @Test
  void restoreJobOfAnEncryptedSourcePassesClaimPathsModeAndKeyFile() {
    RestoreRequest request = request();
    request.getSpec().source.claim = "app-db";
    request.getSpec().source.paths = List.of("memory.db", "attachments");
    request.getSpec().mode = RestoreMode.Merge;

    Job job = restore(request, encryptedSource());

    assertThat(agent(job).getCommand()).containsExactlyElementsOf(command(
        List.of("lifeboat", "agent", "restore"), repositoryArgs("rose", "rose-memory"),
        "--backup", BACKUP_ID,
        "--claim", "app-db",
        "--target", "/data/memory-data",
        "--mode", "Merge",
        "--path", "memory.db",
        "--path", "attachments",
        "--pin-ttl", "21600s",
        "--encryption-key-file", KEY_FILE, "--encryption-key-secret", "backup-key/keyset.json",
        "--termination-log", "/dev/termination-log"));
    assertKeyMountedReadOnly(job);
  }

  @Test
  void restoreMountsTheTargetReadWriteAtItsSubPath() {
    RestoreRequest request = request();
    request.getSpec().target.subPath = "db/current";

    Job job = restore(request, policySource());

    assertThat(agent(job).getVolumeMounts()).filteredOn(m -> m.getMountPath().startsWith("/data/"))
        .extracting(VolumeMount::getName, VolumeMount::getMountPath, VolumeMount::getSubPath, VolumeMount::getReadOnly)
        .containsExactly(tuple("data-memory-data", "/data/memory-data", "db/current", false));
    assertThat(pod(job).getVolumes()).filteredOn(v -> v.getPersistentVolumeClaim() != null)
        .extracting(v -> v.getPersistentVolumeClaim().getClaimName(), v -> v.getPersistentVolumeClaim().getReadOnly())
        .containsExactly(tuple(CLAIM, false));
  }

  @Test
  void restoreWithoutSubPathMountsTheVolumeRoot() {
    Job job = restore(request(), policySource());

    assertThat(agent(job).getVolumeMounts()).filteredOn(m -> m.getMountPath().equals("/data/memory-data"))
        .singleElement().satisfies(m -> {
          assertThat(m.getSubPath()).isNull();
          assertThat(m.getReadOnly()).isFalse();
        });
  }

  @Test
  void withoutEncryptionNoKeyIsMounted() {
    for (Job job : List.of(safety(request(), policySource()), restore(request(), policySource()))) {
      assertThat(pod(job).getVolumes()).extracting(Volume::getName).contains("data-memory-data").doesNotContain("encryption-key");
      assertThat(agent(job).getCommand()).doesNotContain("--encryption-key-file");
    }
  }

  @Test
  void jobsAreNamedAfterTheRequestAndTheirStep() {
    assertThat(builder.list(request(), policySource()).getMetadata().getName()).isEqualTo("memory-restore-list");
    assertThat(safety(request(), policySource()).getMetadata().getName()).isEqualTo("memory-restore-safety");
    assertThat(restore(request(), policySource()).getMetadata().getName()).isEqualTo("memory-restore-restore");
  }

  @Test
  void everyJobAndPodIsLabelledAsARestoreOfTheRequest() {
    Map<String, String> labels = Map.of(
        "app.kubernetes.io/managed-by", "lifeboat",
        "app.kubernetes.io/component", "restore",
        "lifeboat.dev/restore", REQUEST);

    for (Job job : List.of(builder.list(request(), policySource()), safety(request(), policySource()),
        restore(request(), policySource()))) {
      assertThat(job.getMetadata().getLabels()).as(job.getMetadata().getName()).containsExactlyInAnyOrderEntriesOf(labels);
      assertThat(job.getSpec().getTemplate().getMetadata().getLabels()).containsExactlyInAnyOrderEntriesOf(labels);
    }
  }

  @Test
  void annotationsSayTheOperationAndTheBackupId() {
    Job list = builder.list(request(), policySource());
    Job safety = safety(request(), policySource());
    Job restore = restore(request(), policySource());

    assertThat(list.getMetadata().getAnnotations()).containsExactlyInAnyOrderEntriesOf(Map.of(
        "lifeboat.dev/operation", "list"));
    assertThat(safety.getMetadata().getAnnotations()).containsExactlyInAnyOrderEntriesOf(Map.of(
        "lifeboat.dev/operation", "backup",
        "lifeboat.dev/backup-id", SAFETY_ID));
    assertThat(restore.getMetadata().getAnnotations()).containsExactlyInAnyOrderEntriesOf(Map.of(
        "lifeboat.dev/operation", "restore",
        "lifeboat.dev/backup-id", BACKUP_ID));
    assertThat(restore.getSpec().getTemplate().getMetadata().getAnnotations())
        .containsEntry("lifeboat.dev/backup-id", BACKUP_ID);
  }

  @Test
  void everyJobIsOwnedByTheRestoreRequestAsController() {
    for (Job job : List.of(builder.list(request(), policySource()), safety(request(), policySource()),
        restore(request(), policySource()))) {
      assertThat(job.getMetadata().getOwnerReferences()).singleElement().satisfies(owner -> {
        assertThat(owner.getApiVersion()).isEqualTo("lifeboat.dev/v1alpha1");
        assertThat(owner.getKind()).isEqualTo("RestoreRequest");
        assertThat(owner.getName()).isEqualTo(REQUEST);
        assertThat(owner.getUid()).isEqualTo(UID);
        assertThat(owner.getController()).isTrue();
        assertThat(owner.getBlockOwnerDeletion()).isTrue();
      });
    }
  }

  @Test
  void placementPinsSafetyAndRestoreToTheNodeOfThePodHoldingTheTarget() {
    var placement = new AgentJob.Placement("node-a", List.of(toleration("dedicated", "rose")));

    var target = new RestoreJobBuilder.Target(CLAIM, placement, null);
    Job safety = builder.safety(request(), policySource(), target, SAFETY_ID);
    Job restore = builder.restore(request(), policySource(), BACKUP_ID, target);

    for (Job job : List.of(safety, restore)) {
      var required = pod(job).getAffinity().getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution();
      assertThat(required.getNodeSelectorTerms()).singleElement().satisfies(term -> assertThat(term.getMatchFields())
          .extracting(NodeSelectorRequirement::getKey, NodeSelectorRequirement::getOperator,
              NodeSelectorRequirement::getValues)
          .containsExactly(tuple("metadata.name", "In", List.of("node-a"))));
      assertThat(pod(job).getNodeName()).isNull();
      assertThat(pod(job).getTolerations()).containsExactly(toleration("dedicated", "rose"));
    }
  }

  @Test
  void withoutPlacementTheSchedulerChoosesFreely() {
    for (Job job : List.of(builder.list(request(), policySource()), safety(request(), policySource()),
        restore(request(), policySource()))) {
      assertThat(pod(job).getAffinity()).isNull();
      assertThat(pod(job).getTolerations()).isNullOrEmpty();
    }
  }

  static void assertKeyMountedReadOnly(Job job) {
    assertThat(pod(job).getVolumes()).filteredOn(v -> v.getName().equals("encryption-key")).singleElement()
        .satisfies(v -> {
          assertThat(v.getSecret().getSecretName()).isEqualTo("backup-key");
          assertThat(v.getSecret().getItems()).singleElement().satisfies(item -> {
            assertThat(item.getKey()).isEqualTo("keyset.json");
            assertThat(item.getPath()).isEqualTo("key");
          });
        });
    assertThat(agent(job).getVolumeMounts()).filteredOn(m -> m.getName().equals("encryption-key"))
        .extracting(VolumeMount::getMountPath, VolumeMount::getReadOnly)
        .containsExactly(tuple("/etc/lifeboat/encryption", true));
  }

  /** The fixture request turned into a restore of dump tzurot-db into pg_restore, from an encrypted policy. */
  static RestoreRequest dumpRequest() {
    RestoreRequest request = request();
    RequestValidatorTest.dumpIntoCommand(request.getSpec());
    return request;
  }

  @Test
  void aRestoreIntoACommandRunsTheAgentBesideTheTargetContainerAndMountsNoClaim() {
    Job job = new RestoreJobBuilder(IMAGE, PrivilegedJobs.parse("rose")).restoreToCommand(dumpRequest(),
        encryptedSource(), BACKUP_ID);

    assertThat(agent(job).getCommand()).containsExactlyElementsOf(command(
        List.of("lifeboat", "agent", "restore"), repositoryArgs("rose", "rose-memory"),
        "--backup", BACKUP_ID,
        "--dump", "tzurot-db", "--to-command", "/lifeboat/dumps/target", "--command-timeout", "21600",
        "--pin-ttl", "21600s",
        "--encryption-key-file", KEY_FILE, "--encryption-key-secret", "backup-key/keyset.json",
        "--termination-log", "/dev/termination-log"));
    assertThat(pod(job).getInitContainers()).extracting(c -> c.getName()).containsExactly("lifeboat-setup");
    assertThat(pod(job).getContainers()).extracting(c -> c.getName()).containsExactly("agent", "target");
    var target = pod(job).getContainers().get(1);
    assertThat(target.getImage()).isEqualTo("postgres:16");
    assertThat(target.getCommand()).containsSequence("target", "/lifeboat/bin/busybox", "/lifeboat/dumps/target", "21600",
        "pg_restore", "--clean", "--dbname=$(DATABASE_URL)");
    assertThat(pod(job).getVolumes()).noneMatch(v -> v.getPersistentVolumeClaim() != null);
    assertThat(pod(job).getSecurityContext().getRunAsUser()).as("no claim: never privileged").isEqualTo(65532L);
    assertThat(pod(job).getAffinity()).isNull();
  }

  @Test
  void theSafetyBackupOfADumpRunsThePolicysDumpCommandAsAPreRestoreBackup() {
    var dump = Fixtures.dump("tzurot-db");
    dump.timeoutSeconds = 600;

    Job job = builder.safetyDump(dumpRequest(), policySource(), dump, SAFETY_ID);

    assertThat(agent(job).getCommand()).containsExactlyElementsOf(command(
        List.of("lifeboat", "agent", "backup"), repositoryArgs("rose", "rose-memory"),
        "--dump", "tzurot-db=/lifeboat/dumps/tzurot-db,timeout=600",
        "--compression", "zstd",
        "--sqlite", "off",
        "--min-size", "0",
        "--kind", "pre-restore",
        "--backup-id", SAFETY_ID,
        "--termination-log", "/dev/termination-log"));
    assertThat(pod(job).getContainers()).extracting(c -> c.getName()).containsExactly("agent", "dump-tzurot-db");
    assertThat(pod(job).getVolumes()).noneMatch(v -> v.getPersistentVolumeClaim() != null);
    assertThat(job.getSpec().getActiveDeadlineSeconds()).isEqualTo(6 * 3600L + 600 + 15 * 60);
  }
}
