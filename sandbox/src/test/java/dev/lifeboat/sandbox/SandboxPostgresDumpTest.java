package dev.lifeboat.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lifeboat.api.v1alpha1.BackupPhase;
import dev.lifeboat.api.v1alpha1.BackupPolicy;
import dev.lifeboat.api.v1alpha1.RestoreRequest;
import dev.lifeboat.api.v1alpha1.RestoreRequestStatus;
import dev.lifeboat.api.v1alpha1.RestorePhase;
import dev.lifeboat.api.v1alpha1.Trigger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/postgres-dump as a test, against a real PostgreSQL server: the example's policy runs
 * {@code pg_dump --format=custom} in the backup Job (this machine's pg_dump standing in for the
 * postgres:16 image, as the Job's non-root user, reaching the server by URL from the Secret); a
 * table is dropped; the example's RestoreRequest streams the dump into {@code pg_restore} and the
 * rows are back. Only the placeholders are replaced: the database URL, and the sandbox's S3 server
 * and keys for R2's.
 */
class SandboxPostgresDumpTest {
  static final Path EXAMPLE = Path.of(System.getProperty("lifeboat.projectRoot", "..")).toAbsolutePath().normalize()
      .resolve("examples/postgres-dump");
  static final String NS = "tzurot";
  static final String POLICY = "tzurot-db";
  static final String ROWS = "select count(*) || ' ' || md5(string_agg(id || ':' || body, ',' order by id)) from notes";

  @TempDir
  Path state;
  @TempDir
  Path yaml;
  Sandbox sandbox;
  LocalPostgres database;

  @BeforeEach
  void start() throws Exception {
    assumeTrue(ContainerLaunch.hostHelper() != null, "no busybox on this machine (Debian: busybox-static): skipped");
    database = LocalPostgres.start("s3cret-" + System.nanoTime());
    sandbox = Sandbox.start(state, 0, 1);
  }

  @AfterEach
  void stop() throws Exception {
    try {
      if (sandbox != null) {
        sandbox.close();
      }
    } finally {
      if (database != null) {
        database.close();
      }
    }
  }

  /** The example's file with its placeholders filled in for this sandbox and this database. */
  Path example(String file) throws Exception {
    String text = Files.readString(EXAMPLE.resolve(file))
        .replace("postgresql://tzurot:REPLACE_WITH_PASSWORD@postgres.tzurot.svc.cluster.local:5432/tzurot", database.url())
        .replace("REPLACE_WITH_R2_ACCESS_KEY_ID", Sandbox.S3_ACCESS_KEY)
        .replace("REPLACE_WITH_R2_SECRET_ACCESS_KEY", Sandbox.S3_SECRET_KEY)
        .replace("https://REPLACE_WITH_ACCOUNT_ID.r2.cloudflarestorage.com", sandbox.s3Endpoint())
        .replace("bucket: tzurot-backups", "bucket: " + Sandbox.S3_BUCKET);
    assertThat(text).as("every placeholder of %s filled in", file).doesNotContain("REPLACE_");
    Path dir = Files.createDirectories(yaml.resolve(file.replace(".yaml", "")));
    Files.writeString(dir.resolve(file), text);
    return dir;
  }

  BackupPolicy policy() {
    return sandbox.client().resources(BackupPolicy.class).inNamespace(NS).withName(POLICY).get();
  }

  @Test
  void aPgDumpBackupRestoredWithPgRestoreBringsBackADroppedTable() throws Exception {
    database.psql("create table notes (id int primary key, body text not null);"
        + " insert into notes select g, 'note ' || g || repeat(' lorem', g % 50) from generate_series(1, 20000) g");
    database.psql("create table settings (name text primary key, value text); insert into settings values ('mood', 'calm')");
    String rows = database.psql(ROWS);

    sandbox.apply(example("backup.yaml"));
    sandbox.client().resources(BackupPolicy.class).inNamespace(NS).withName(POLICY).edit(p -> {
      p.getSpec().trigger = new Trigger();
      p.getSpec().trigger.manual = "before-the-accident";
      return p;
    });
    await().atMost(Duration.ofSeconds(120)).until(() -> policy().getStatus() != null
        && policy().getStatus().lastBackup != null && policy().getStatus().lastBackup.phase != BackupPhase.Running);
    var run = policy().getStatus().lastBackup;
    assertThat(run.phase).as(run.message).isEqualTo(BackupPhase.Succeeded);
    assertThat(run.dumps).singleElement().satisfies(dump -> {
      assertThat(dump.name).isEqualTo(POLICY);
      assertThat(dump.bytes).as("pg_dump's custom format, uncompressed by pg_dump").isGreaterThan(100_000);
    });

    database.psql("drop table notes; update settings set value = 'stormy'");

    sandbox.apply(example("restore.yaml"));
    await().atMost(Duration.ofSeconds(180)).until(() -> {
      RestoreRequest request = sandbox.client().resources(RestoreRequest.class).inNamespace(NS)
          .withName("tzurot-db-restore").get();
      return request.getStatus() != null && request.getStatus().phase != null && request.getStatus().phase.finished();
    });
    RestoreRequestStatus restored = sandbox.client().resources(RestoreRequest.class).inNamespace(NS)
        .withName("tzurot-db-restore").get().getStatus();

    assertThat(restored.phase).as(restored.message).isEqualTo(RestorePhase.Succeeded);
    assertThat(restored.backup.id).isEqualTo(run.id);
    assertThat(restored.safetyBackup.id).as("a dump of the database as it was before the restore").isNotBlank();
    assertThat(database.psql(ROWS)).as("every row of the dropped table is back").isEqualTo(rows);
    assertThat(database.psql("select value from settings where name = 'mood'")).isEqualTo("calm");
  }
}
