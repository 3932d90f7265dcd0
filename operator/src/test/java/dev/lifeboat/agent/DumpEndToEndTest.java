package dev.lifeboat.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeboat.testing.AgentCli;
import dev.lifeboat.testing.DumpContainer;
import dev.lifeboat.testing.TestRepository;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Dumps end to end: a local shell process plays the dump container (the wrapper's side of the FIFO
 * protocol), the agent's command line backs its output up into a real S3 server, verifies it, and
 * restores it into another local process playing the target container.
 */
class DumpEndToEndTest {
  static final String ID = "20251109T020000Z";

  @TempDir
  Path dir;
  TestRepository repository;
  AgentCli agent;
  Path dumps;
  Path stream;
  Path key;
  final List<DumpContainer> containers = new ArrayList<>();

  @BeforeEach
  void setUp() throws IOException {
    repository = TestRepository.start(dir.resolve("s3"));
    agent = repository.agent();
    dumps = Files.createDirectories(dir.resolve("dumps"));
    // 12 MiB spans two 8 MiB parts: half random, half a repeated text, so compression has work either way.
    byte[] bytes = new byte[12 * 1024 * 1024];
    new Random(14).nextBytes(bytes);
    byte[] text = "COPY public.memories (id, body) FROM stdin;\n".getBytes();
    for (int i = bytes.length / 2; i < bytes.length; i++) {
      bytes[i] = text[i % text.length];
    }
    stream = Files.write(dir.resolve("stream.bin"), bytes);
    key = Files.write(dir.resolve("key"), new SecureRandom().generateSeed(32));
  }

  @AfterEach
  void tearDown() {
    containers.forEach(DumpContainer::close);
    repository.close();
  }

  DumpContainer dump(String name, String... command) throws IOException {
    DumpContainer container = DumpContainer.dump(dumps, name, command);
    containers.add(container);
    return container;
  }

  DumpContainer target(String name, String... command) throws IOException {
    DumpContainer container = DumpContainer.target(dir.resolve("targets-" + System.nanoTime()), name, command);
    containers.add(container);
    return container;
  }

  AgentCli.Run backup(String... args) {
    List<String> all = new ArrayList<>(List.of("--backup-id", ID, "--min-size", "0"));
    all.addAll(List.of(args));
    return agent.run("backup", all.toArray(String[]::new));
  }

  JsonNode manifest() throws IOException {
    return new ObjectMapper().readTree(repository.read(TestRepository.key(ID, "manifest.json")));
  }

  static Stream<Arguments> codecs() {
    return Stream.of(Arguments.of("zstd", false, "db.dump.zst"), Arguments.of("zstd", true, "db.dump.zst.enc"),
        Arguments.of("none", false, "db.dump"), Arguments.of("none", true, "db.dump.enc"),
        Arguments.of("gzip", false, "db.dump.gz"));
  }

  @ParameterizedTest(name = "{0}, encrypted: {1}")
  @MethodSource("codecs")
  void aDumpRoundTripsByteForByte(String codec, boolean encrypted, String object) throws Exception {
    List<String> keyArgs = encrypted ? List.of("--encryption-key-file", key.toString()) : List.of();
    DumpContainer container = dump("db", "cat", stream.toString());
    Path termination = dir.resolve("termination-log");
    List<String> args = new ArrayList<>(List.of("--dump", "db=" + container.dir() + ",timeout=60", "--compression", codec,
        "--termination-log", termination.toString()));
    args.addAll(keyArgs);
    AgentCli.Run run = backup(args.toArray(String[]::new));
    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(run.stdout()).contains("backed up 0 files of 0 volume(s) and 1 dump(s)");
    assertThat(container.endsWithin(10)).isTrue();
    assertThat(dumps.resolve(".agent-alive")).exists();

    JsonNode manifest = manifest();
    assertThat(manifest.get("formatVersion").asInt()).isEqualTo(2);
    assertThat(manifest.get("volumes")).isEmpty();
    JsonNode dump = manifest.get("dumps").get(0);
    assertThat(dump.get("name").asText()).isEqualTo("db");
    assertThat(dump.get("object").asText()).isEqualTo(object);
    assertThat(dump.get("bytes").asLong()).isEqualTo(Files.size(stream));
    byte[] stored = repository.bytes(TestRepository.key(ID, object));
    assertThat(dump.get("size").asLong()).isEqualTo(stored.length);
    assertThat(dump.get("sha256").asText()).isEqualTo(sha256(stored));
    assertThat(dump.get("seconds").asDouble()).isGreaterThanOrEqualTo(0);
    assertThat(manifest.get("bytes").asLong()).isEqualTo(stored.length);
    JsonNode result = new ObjectMapper().readTree(termination.toFile());
    assertThat(result.get("dumps").get(0).get("name").asText()).isEqualTo("db");
    assertThat(result.get("dumps").get(0).get("bytes").asLong()).isEqualTo(Files.size(stream));
    assertThat(result.get("dumps").get(0).get("size").asLong()).isEqualTo(stored.length);
    if (codec.equals("none") && !encrypted) {
      assertThat(sha256(stored)).isEqualTo(sha256(Files.readAllBytes(stream))); // a plain dump is the stream itself
    }

    List<String> verify = new ArrayList<>(List.of("--backup", ID));
    verify.addAll(keyArgs);
    AgentCli.Run verified = agent.run("verify", verify.toArray(String[]::new));
    assertThat(verified.exitCode()).as(verified.stderr()).isZero();
    assertThat(verified.stdout()).contains("0 volumes, 0 files, 1 dump, all checksums match");

    Path restored = dir.resolve("restored.bin");
    DumpContainer restore = target("db", "/bin/sh", "-c", "cat > \"$0\"", restored.toString());
    List<String> restoreArgs = new ArrayList<>(List.of("--backup", "latest", "--dump", "db", "--to-command",
        restore.dir().toString()));
    restoreArgs.addAll(keyArgs);
    AgentCli.Run back = agent.run("restore", restoreArgs.toArray(String[]::new));
    assertThat(back.exitCode()).as(back.stderr()).isZero();
    assertThat(back.stdout()).contains("restored dump db of backup " + ID);
    assertThat(restore.endsWithin(10)).isTrue();
    assertThat(sha256(Files.readAllBytes(restored))).isEqualTo(sha256(Files.readAllBytes(stream)));
  }

  @Test
  void dumpsAndVolumesTogetherDumpsFirst() throws Exception {
    Path volume = Files.createDirectories(dir.resolve("volume"));
    Files.writeString(volume.resolve("state.json"), "{}");
    DumpContainer first = dump("first", "cat", stream.toString());
    DumpContainer second = dump("second", "/bin/sh", "-c", "echo hello");
    AgentCli.Run run = backup("--volume", "memory-data=" + volume, "--dump", "first=" + first.dir(),
        "--dump", "second=" + second.dir());
    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(run.stdout()).contains("backed up 1 files of 1 volume(s) and 2 dump(s)");
    JsonNode manifest = manifest();
    assertThat(manifest.get("dumps").findValuesAsText("name")).containsExactly("first", "second");
    assertThat(manifest.get("volumes").get(0).get("claim").asText()).isEqualTo("memory-data");
    AgentCli.Run list = agent.run("list");
    JsonNode listed = new ObjectMapper().readTree(list.stdout()).get(0);
    assertThat(listed.get("dumps").toString()).isEqualTo("[\"first\",\"second\"]");
    assertThat(listed.get("volumes").toString()).isEqualTo("[\"memory-data\"]");

    // Restoring a volume of it works as before; a dump that is not there is named.
    Path target = dir.resolve("restored-volume");
    AgentCli.Run restored = agent.run("restore", "--backup", ID, "--target", target.toString());
    assertThat(restored.exitCode()).as(restored.stderr()).isZero();
    assertThat(target.resolve("state.json")).hasContent("{}");
    DumpContainer waiting = target("third", "cat");
    AgentCli.Run missing = agent.run("restore", "--backup", ID, "--dump", "third", "--to-command",
        waiting.dir().toString());
    assertThat(missing.exitCode()).isEqualTo(4);
    assertThat(missing.stderr()).contains("backup " + ID + " has no dump 'third'; it holds [first, second]");
    assertThat(waiting.endsWithin(10)).as("the target container is told to give up").isTrue();
  }

  @Test
  void aFailingDumpFailsTheBackupWithItsStandardError() throws Exception {
    DumpContainer failing = dump("db", DumpContainer.sh(
        "head -c 3000000 /dev/zero; echo 'pg_dump: connecting' >&2; echo 'pg_dump: error: role \"x\" does not exist' >&2; exit 3"));
    DumpContainer waiting = dump("later", "cat", stream.toString());
    AgentCli.Run run = backup("--dump", "db=" + failing.dir(), "--dump", "later=" + waiting.dir());
    assertThat(run.exitCode()).isEqualTo(1); // retryable
    assertThat(run.stderr()).contains(
        "dump db exited 3: pg_dump: connecting | pg_dump: error: role \"x\" does not exist");
    assertThat(repository.keys(TestRepository.POLICY)).isEmpty(); // no manifest, no object: the upload was aborted
    // A dump not started yet is told to give up.
    assertThat(waiting.dir().resolve("abort")).exists();
    assertThat(waiting.endsWithin(10)).isTrue();
  }

  @Test
  void aDumpWhoseProgramTheImageLacksFailsForGood() throws Exception {
    DumpContainer missing = dump("db", "pg_dump_not_in_this_image", "--format=custom");
    AgentCli.Run run = backup("--dump", "db=" + missing.dir());
    assertThat(run.exitCode()).as("running the Job again in the same image cannot help").isEqualTo(4);
    assertThat(run.stderr()).contains("dump db exited 127: ", "pg_dump_not_in_this_image");
    assertThat(repository.keys(TestRepository.POLICY)).isEmpty();
  }

  @Test
  void anEmptyDumpFailsTheBackup() throws Exception {
    DumpContainer empty = dump("db", DumpContainer.sh("echo 'nothing to dump?' >&2"));
    AgentCli.Run run = backup("--dump", "db=" + empty.dir());
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.stderr()).contains("dump db exited 0 but wrote nothing: nothing to dump?");
    assertThat(repository.keys(TestRepository.POLICY)).isEmpty();
  }

  @Test
  void aDumpContainerThatNeverStartsIsGivenUpOn() throws Exception {
    Path never = DumpContainer.directory(dumps, "db");
    long start = System.nanoTime();
    AgentCli.Run run = backup("--dump", "db=" + never, "--dump-start-timeout", "1");
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.stderr()).contains("dump db: container dump-db did not open its output within 1s");
    assertThat((System.nanoTime() - start) / 1_000_000_000.0).isLessThan(15);
    assertThat(never.resolve("go")).exists();
    assertThat(never.resolve("abort")).exists();
    assertThat(repository.keys(TestRepository.POLICY)).isEmpty();
  }

  @Test
  void aDumpWithoutExitStatusFails() throws Exception {
    // Plays a wrapper killed after its command: output, then no exit file.
    Path dump = DumpContainer.directory(dumps, "db");
    Process writer = new ProcessBuilder("/bin/sh", "-c", "echo data > \"$0\"", dump.resolve("out").toString()).start();
    AgentCli.Run run = backup("--dump", "db=" + dump, "--dump-exit-timeout", "0.5");
    assertThat(writer.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.stderr()).contains("dump db reported no exit status within 0.5s after its output ended");
  }

  @Test
  void verifyFindsAFlippedByteInADump() throws Exception {
    DumpContainer container = dump("db", "cat", stream.toString());
    assertThat(backup("--dump", "db=" + container.dir()).exitCode()).isZero();
    String object = TestRepository.key(ID, "db.dump.zst");
    byte[] stored = repository.bytes(object);
    stored[stored.length / 2] ^= 0x20;
    repository.write(object, stored);
    AgentCli.Run run = agent.run("verify", "--backup", ID);
    assertThat(run.exitCode()).isNotZero();
    assertThat(run.stderr()).contains("backup " + ID + ", dump db: ").contains(object);
  }

  @Test
  void aTargetCommandThatFailsFailsTheRestoreWithItsStandardError() throws Exception {
    DumpContainer container = dump("db", "cat", stream.toString());
    assertThat(backup("--dump", "db=" + container.dir()).exitCode()).isZero();
    DumpContainer restore = target("db", DumpContainer.sh(
        "head -c 1000 > /dev/null; echo 'pg_restore: error: input file is too short' >&2; exit 1"));
    AgentCli.Run run = agent.run("restore", "--backup", ID, "--dump", "db", "--to-command", restore.dir().toString());
    assertThat(run.exitCode()).isNotZero();
    assertThat(run.stderr()).contains("restore of dump db: the target command exited 1")
        .contains("pg_restore: error: input file is too short");
    assertThat(restore.endsWithin(10)).isTrue();
  }

  @Test
  void aLargeDumpStreamsThroughASmallHeap() throws Exception {
    // 200 MiB of incompressible output through an agent JVM with a 96 MiB heap, as Jobs run it: held
    // in memory anywhere, it would not fit.
    long size = 200L * 1024 * 1024;
    DumpContainer big = dump("big", "head", "-c", String.valueOf(size), "/dev/urandom");
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx96m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
        "dev.lifeboat.Main", "agent", "backup"));
    command.addAll(agent.repository());
    command.addAll(List.of("--backup-id", ID, "--dump", "big=" + big.dir()));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(repository.s3().environment());
    Process child = builder.start();
    String output = new String(child.getInputStream().readAllBytes());
    assertThat(child.waitFor(300, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    assertThat(child.exitValue()).as(output).isZero();
    JsonNode dump = manifest().get("dumps").get(0);
    assertThat(dump.get("bytes").asLong()).isEqualTo(size);
    assertThat(dump.get("size").asLong()).isGreaterThan(size); // random data: zstd's frame only adds
  }

  static String sha256(byte[] bytes) throws NoSuchAlgorithmException {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
