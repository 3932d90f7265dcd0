package dev.lifeboat.agent;

import static org.assertj.core.api.Assertions.assertThat;

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
  private static final long SEED = 11528; // hits every kind of call within two rounds
  private static final int MIB = 1024 * 1024;
  /** Kinds every command sequence below makes; aborts happen only when an upload fails. */
  private static final Set<Kind> EXERCISED = EnumSet.complementOf(EnumSet.of(Kind.ABORT_UPLOAD));
  private static final int MAX_ROUNDS = 8;

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
    for (int round = 1; round <= MAX_ROUNDS && !proxy.kindsHit().containsAll(EXERCISED); round++) {
      String id = String.format("202511%02dT020000Z", round);
      ids.add(id);
      succeeds(faulty.run("backup", "--volume", "big=" + big, "--volume", "small=" + small, "--backup-id", id,
          "--retention", "keepLast=2"));
      assertThat(succeeds(faulty.run("list"))).isEqualTo(succeeds(direct.run("list")));
      assertThat(restored(faulty, "big", id)).isEqualTo(FileTrees.contents(big));
      assertThat(restored(faulty, "small", id)).isEqualTo(FileTrees.contents(small));
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

  private Map<String, String> restored(AgentCli agent, String claim, String id) throws IOException {
    Path target = dir.resolve("restored-" + claim + "-" + id);
    succeeds(agent.run("restore", "--backup", id, "--claim", claim, "--target", target.toString(), "--pin-ttl", "10m"));
    return FileTrees.contents(target);
  }

  private List<String> backupIds() {
    String list = succeeds(direct.run("list"));
    return dev.lifeboat.common.ListedBackup.parseLog(list).stream().map(dev.lifeboat.common.ListedBackup::id).toList();
  }

  private static String succeeds(AgentCli.Run run) {
    assertThat(run.exitCode()).as(run.stderr()).isZero();
    return run.stdout();
  }

  private void write(Path file, int size) throws IOException {
    byte[] bytes = new byte[size];
    content.nextBytes(bytes);
    Files.createDirectories(file.getParent());
    Files.write(file, bytes);
  }
}
