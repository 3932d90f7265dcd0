package dev.lifeboat.testing;

import dev.lifeboat.api.v1alpha1.Encryption;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import dev.lifeboat.api.v1alpha1.SecretKeyRef;
import dev.lifeboat.api.v1alpha1.BackupPolicy;
import dev.lifeboat.api.v1alpha1.BackupPolicySpec;
import dev.lifeboat.api.v1alpha1.BackupSource;
import dev.lifeboat.api.v1alpha1.Destination;
import dev.lifeboat.api.v1alpha1.DumpSource;
import dev.lifeboat.api.v1alpha1.RestoreRequest;
import dev.lifeboat.api.v1alpha1.RestoreRequestSpec;
import dev.lifeboat.api.v1alpha1.RestoreSource;
import dev.lifeboat.api.v1alpha1.RestoreTarget;
import dev.lifeboat.api.v1alpha1.Retention;
import dev.lifeboat.api.v1alpha1.S3Destination;
import dev.lifeboat.api.v1alpha1.SecretRef;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;

/** The objects most tests start from: an app with a SQLite database on one claim, backed up daily at 02:00, keeping 7. */
public final class Fixtures {
  public static final String NAMESPACE = "rose";
  public static final String POLICY = "rose-memory";
  public static final String CLAIM = "memory-data";

  private Fixtures() {}

  /**
   * A daily schedule twelve hours from now (UTC), for a test of something else that starts its clock
   * at the real time: no scheduled run joins in, whatever the time of day it runs at.
   */
  public static String dailyAwayFromNow() {
    return "0 " + (ZonedDateTime.now(ZoneOffset.UTC).getHour() + 12) % 24 + " * * *";
  }

  /** A yearly schedule six months from now (UTC): no run of it within any test's days. */
  public static String yearlyAwayFromNow() {
    return "0 2 1 " + ((ZonedDateTime.now(ZoneOffset.UTC).getMonthValue() + 5) % 12 + 1) + " *";
  }

  public static BackupPolicy dailyPolicy() {
    BackupPolicySpec spec = new BackupPolicySpec();
    spec.schedule = "0 2 * * *";
    spec.source = new BackupSource();
    spec.source.claims = List.of(CLAIM);
    spec.destination = new Destination();
    spec.destination.s3 = s3Destination();
    spec.retention = new Retention();
    spec.retention.keepDaily = 7;
    BackupPolicy policy = new BackupPolicy();
    policy.setMetadata(new ObjectMetaBuilder().withName(POLICY).withNamespace(NAMESPACE)
        .addToLabels("app", "rose").addToLabels("argocd.argoproj.io/instance", "rose").build());
    policy.setSpec(spec);
    return policy;
  }

  /** The policy's bucket: s3://backups/prod in us-east-1, credentials from Secret s3-credentials. */
  /** A dump of a PostgreSQL database reached by the URL in the container's environment. */
  public static DumpSource dump(String name) {
    DumpSource dump = new DumpSource();
    dump.name = name;
    dump.image = "postgres:16";
    dump.command = List.of("pg_dump", "--format=custom", "--dbname=$(DATABASE_URL)");
    return dump;
  }

  public static S3Destination s3Destination() {
    S3Destination s3 = new S3Destination();
    s3.bucket = "backups";
    s3.prefix = "prod";
    s3.region = "us-east-1";
    s3.credentialsSecretRef = new SecretRef("s3-credentials");
    return s3;
  }

  /** Client-side encryption with the key in Secret backup-key. */
  public static Encryption encryptionKey() {
    Encryption encryption = new Encryption();
    encryption.keySecretRef = new SecretKeyRef();
    encryption.keySecretRef.name = "backup-key";
    return encryption;
  }

  /** A RestoreRequest of the latest backup of the fixture policy into its claim. */
  public static RestoreRequest restoreFromPolicy(String name) {
    RestoreRequestSpec spec = new RestoreRequestSpec();
    spec.source = new RestoreSource();
    spec.source.policy = POLICY;
    spec.target = new RestoreTarget();
    spec.target.claim = CLAIM;
    RestoreRequest request = new RestoreRequest();
    request.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NAMESPACE).build());
    request.setSpec(spec);
    return request;
  }

  /** The app "rose": a Deployment of {@code replicas} pods labelled app=rose, as restores scale it. */
  public static Deployment app(int replicas) {
    return new DeploymentBuilder()
        .withNewMetadata().withName("rose").withNamespace(NAMESPACE).endMetadata()
        .withNewSpec().withReplicas(replicas).withNewSelector().addToMatchLabels("app", "rose").endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app", "rose").endMetadata()
        .withNewSpec().addNewContainer().withName("rose").withImage("rose:1").endContainer().endSpec().endTemplate()
        .endSpec().build();
  }

  public static PersistentVolumeClaim boundClaim(String name, String... accessModes) {
    return new PersistentVolumeClaimBuilder()
        .withNewMetadata().withName(name).withNamespace(NAMESPACE).addToLabels("app", "rose").endMetadata()
        .withNewSpec().withAccessModes(accessModes.length == 0 ? List.of("ReadWriteOnce") : List.of(accessModes))
        .withNewResources().addToRequests("storage", new Quantity("1Gi")).endResources().endSpec()
        .withNewStatus().withPhase("Bound").endStatus()
        .build();
  }
}
