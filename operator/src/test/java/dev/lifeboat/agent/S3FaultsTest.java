package dev.lifeboat.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.common.ListedBackup;
import dev.lifeboat.testing.AgentCli;
import dev.lifeboat.testing.FaultProxy;
import dev.lifeboat.testing.FaultProxy.Fault;
import dev.lifeboat.testing.FaultProxy.Kind;
import dev.lifeboat.testing.FileTrees;
import dev.lifeboat.testing.S3ProxyServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The agent through a proxy injecting S3 faults on every kind of call: at 10 % every command still
 * gives what it gives without faults; when every call fails, each command fails with one line and
 * the repository is left as it was. Seeded, so a failure can be replayed.
 */
class S3FaultsTest {
  private static final long SEED = 199683; // faults every kind of call, with every fault, in the first round
  private static final int MIB = 1024 * 1024;
  /** Kinds every command sequence below makes; aborts happen only when an upload fails. */
  private static final Set<Kind> EXERCISED = EnumSet.complementOf(EnumSet.of(Kind.ABORT_UPLOAD));
  /** Enough for retention to prune inside the loop; more only until every kind of call got a fault. */
  private static final int MIN_ROUNDS = 3;
  private static final int MAX_ROUNDS = 8;
  private static final String NEW_ID = "20251201T020000Z";

  @TempDir
  Path dir;
  S3ProxyServer s3;
  FaultProxy proxy;
  AgentCli direct;
  AgentCli faulty;
  Path big;
  Path small;
  Random content = new Random(SEED);

  @BeforeEach
  void setUp() throws IOException {
    s3 = S3ProxyServer.start(dir.resolve("s3"));
    proxy = new FaultProxy(s3.port(), SEED);
    direct = new AgentCli(s3, "prod");
    faulty = direct.through(proxy.endpoint());
    // "big" is archived as a multipart upload and restored as byte ranges; "small" as one PUT and one GET.
    big = Files.createDirectories(dir.resolve("big"));
    write(big.resolve("blob.bin"), 9 * MIB);
    small = Files.createDirectories(dir.resolve("small"));
    for (int i = 0; i < 150; i++) {
      write(small.resolve("dir-" + i % 7).resolve("file-" + i + ".dat"), content.nextInt(4096));
    }
  }

  @AfterEach
  void tearDown() throws IOException {
    proxy.close();
    s3.close();
  }

  @Test
  void tenPercentFaultsOnEveryCallLeaveBackupsAndRestoresIdentical() throws IOException {
    proxy.inject(0.10, EnumSet.allOf(Kind.class), EnumSet.allOf(Fault.class));
    List<String> ids = new ArrayList<>();
    for (int round = 1; round <= MIN_ROUNDS || (round <= MAX_ROUNDS && !proxy.kindsHit().containsAll(EXERCISED)); round++) {
      String id = String.format("202511%02dT020000Z", round);
      ids.add(id);
      succeeds(faulty.run("backup", "--volume", "big=" + big, "--volume", "small=" + small, "--backup-id", id,
          "--retention", "keepLast=2"));
      assertThat(succeeds(faulty.run("list"))).isEqualTo(succeeds(direct.run("list")));
      assertThat(restored(faulty, "big", id)).isEqualTo(FileTrees.snapshot(big));
      assertThat(restored(faulty, "small", id)).isEqualTo(FileTrees.snapshot(small));
      succeeds(faulty.run("verify", "--backup", id, "--pin-ttl", "10m"));
      write(big.resolve("round-" + round + ".dat"), 1000 + round);
      write(small.resolve("dir-0/file-0.dat"), 2000 + round);
    }
    succeeds(faulty.run("prune", "--retention", "keepLast=1"));

    assertThat(backupIds()).containsExactly(ids.get(ids.size() - 1));
    assertThat(proxy.kindsHit()).as(proxy.report()).containsAll(EXERCISED);
    for (Fault fault : Fault.values()) {
      assertThat(proxy.injected(fault)).as("%s\n%s", fault, proxy.report()).isPositive();
    }
  }

  @ParameterizedTest
  @EnumSource(value = Fault.class, names = {"SERVER_ERROR", "DROP_BEFORE_REQUEST", "DROP_MID_REQUEST", "DROP_MID_RESPONSE"})
  void everyCallFailingFailsEachCommandWithOneLineAndLeavesTheRepositoryAsItWas(Fault fault) throws IOException {
    Repository before = seedRepository();
    proxy.inject(1.0, EnumSet.allOf(Kind.class), EnumSet.of(fault));
    Path target = dir.resolve("target");

    failsWithOneLine("backup", backUpBoth(faulty));
    failsWithOneLine("list", faulty.run("list"));
    failsWithOneLine("restore", faulty.run("restore", "--backup", "latest", "--target", target.toString(),
        "--pin-ttl", "10m"));
    failsWithOneLine("verify", faulty.run("verify", "--backup", "latest", "--pin-ttl", "10m"));
    failsWithOneLine("prune", faulty.run("prune", "--retention", "keepLast=1"));

    assertThat(proxy.injected(fault)).isPositive();
    assertUnchanged(before);
    assertThat(target).doesNotExist();
  }

  @ParameterizedTest
  @EnumSource(value = Fault.class, names = {"SERVER_ERROR", "DROP_BEFORE_REQUEST", "DROP_MID_REQUEST"})
  void everyWriteFailingFailsBackupPruneAndPinnedRestoreAndChangesNothing(Fault fault) throws IOException {
    Repository before = seedRepository();
    proxy.inject(1.0, Kind.WRITES, EnumSet.of(fault));

    AgentCli.Run backup = backUpBoth(faulty);
    failsWithOneLine("backup", backup);
    assertThat(backup.stderr()).contains("S3 upload failed");
    assertThat(proxy.injected(Kind.CREATE_UPLOAD)).isPositive();
    failsWithOneLine("prune", faulty.run("prune", "--retention", "keepLast=1"));
    assertThat(proxy.injected(Kind.DELETE)).isPositive();
    failsWithOneLine("restore", faulty.run("restore", "--backup", "latest", "--target", dir.resolve("t").toString(),
        "--pin-ttl", "10m"));
    assertThat(proxy.injected(Kind.PUT_OBJECT)).isPositive();

    assertUnchanged(before);
  }

  @Test
  void writesWhoseAnswersAreAllLostFailTheBackupAndListNothingNew() throws IOException {
    Repository before = seedRepository();
    // The server carries each write out; the client never hears so. Uploads may be left behind
    // (retention aborts them later), but no backup may look complete.
    proxy.inject(1.0, Kind.WRITES, EnumSet.of(Fault.DROP_MID_RESPONSE));

    failsWithOneLine("backup", backUpBoth(faulty));

    assertThat(proxy.injected(Kind.CREATE_UPLOAD)).as("each attempt carried out, its answer lost").isGreaterThan(1);
    assertThat(succeeds(direct.run("list"))).isEqualTo(before.listed());
  }

  /** Two backups written without faults, and what the repository held after them. */
  private Repository seedRepository() throws IOException {
    succeeds(direct.run("backup", "--volume", "small=" + small, "--backup-id", "20251001T020000Z"));
    succeeds(direct.run("backup", "--volume", "small=" + small, "--backup-id", "20251002T020000Z"));
    return new Repository(FileTrees.snapshot(dir.resolve("s3")), succeeds(direct.run("list")));
  }

  /** A backup of both volumes as NEW_ID, with retention that would prune the older backups. */
  private AgentCli.Run backUpBoth(AgentCli agent) {
    return agent.run("backup", "--volume", "big=" + big, "--volume", "small=" + small, "--backup-id", NEW_ID,
        "--retention", "keepLast=1");
  }

  private record Repository(Map<String, String> files, String listed) {}

  /** Not one file of the store changed (no object, no part, no upload left), and list says the same. */
  private void assertUnchanged(Repository before) throws IOException {
    assertThat(FileTrees.snapshot(dir.resolve("s3"))).isEqualTo(before.files());
    assertThat(succeeds(direct.run("list"))).isEqualTo(before.listed());
  }

  /**
   * Exit 1 and one line naming the S3 call that failed and why ("S3 list failed: connection to ...
   * lost: ..."), without a stack trace or the secret key.
   */
  private void failsWithOneLine(String command, AgentCli.Run run) {
    assertThat(run.exitCode()).as("%s%s", run.stdout(), run.stderr()).isEqualTo(1);
    assertThat(run.stderr().lines().toList()).as(run.stderr()).singleElement().asString()
        .matches("lifeboat agent " + command + ": .*S3 [a-z ]+ failed: (connection to "
            + Pattern.quote(proxy.endpoint()) + " lost: .+|.+ \\(Service: S3, Status Code: 5\\d\\d, .+)")
        .doesNotContain(S3ProxyServer.SECRET_KEY)
        .doesNotContain("Exception");
  }

  private Map<String, String> restored(AgentCli agent, String claim, String id) throws IOException {
    Path target = dir.resolve("restored-" + claim + "-" + id);
    succeeds(agent.run("restore", "--backup", id, "--claim", claim, "--target", target.toString(), "--pin-ttl", "10m"));
    return FileTrees.snapshot(target);
  }

  private List<String> backupIds() {
    return ListedBackup.parseLog(succeeds(direct.run("list"))).stream().map(ListedBackup::id).toList();
  }

  private String succeeds(AgentCli.Run run) {
    assertThat(run.exitCode()).as("%s%s\n%s", run.stderr(), run.stdout(), proxy.report()).isZero();
    return run.stdout();
  }

  private void write(Path file, int size) throws IOException {
    byte[] bytes = new byte[size];
    content.nextBytes(bytes);
    Files.createDirectories(file.getParent());
    Files.write(file, bytes);
  }
}
