package dev.lifeboat.agent.archive;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs {@link VolumeArchiver} (SQLite capture on) in another JVM, so that tests running as root (as CI
 * does) see what the agent sees in a Job: a volume mounted read-only, or files it does not own.
 */
final class ChildArchiver {
  /** How the child is kept from writing or reading what root could. */
  enum Way {
    /** The volume bind-mounted read-only onto itself in a private mount namespace: what a Job's mount does. */
    READ_ONLY_MOUNT,
    /** The child runs as the nobody user (65534), so file modes apply to it. */
    NOBODY
  }

  /** What the child's archiver reported, and the tar it wrote. */
  record Result(List<String> warnings, List<String> omissions, Path tar) {}

  static final int NOBODY_UID = 65534;
  private static final List<String> NEEDED_JARS = List.of("sqlite-jdbc", "commons-compress", "commons-io",
      "commons-lang3");

  private ChildArchiver() {}

  /** Whether this machine lets the tests use {@code way}: root, and the tool works (mounts may be refused). */
  static boolean available(Way way, Path scratch) throws IOException, InterruptedException {
    if (!Ownership.runningAsRoot()) {
      return false;
    }
    Path probe = Files.createDirectories(scratch.resolve("probe"));
    List<String> command = switch (way) {
      case READ_ONLY_MOUNT -> List.of("unshare", "-m", "sh", "-c",
          "mount --bind \"$0\" \"$0\" && mount -o remount,bind,ro \"$0\" && ! touch \"$0/x\" 2>/dev/null", probe.toString());
      case NOBODY -> List.of("setpriv", "--reuid=" + NOBODY_UID, "--regid=" + NOBODY_UID, "--clear-groups", "true");
    };
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      process.getInputStream().transferTo(OutputStream.nullOutputStream());
      return process.waitFor() == 0;
    } catch (IOException e) {
      return false;
    }
  }

  /** Archives {@code volume} in a child JVM; {@code work} (empty, root-owned) holds the tar, scratch and classpath. */
  static Result archive(Way way, Path volume, Path work) throws IOException, InterruptedException {
    Path scratch = Files.createDirectories(work.resolve("scratch"));
    Path tar = work.resolve("volume.tar");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>();
    String classpath = System.getProperty("java.class.path");
    if (way == Way.NOBODY) {
      classpath = nobodyClasspath(work);
      Files.setAttribute(scratch, "unix:mode", 0777);
      command.addAll(asNobody());
    } else {
      command.addAll(List.of("unshare", "-m", "sh", "-c",
          "mount --bind \"$0\" \"$0\" && mount -o remount,bind,ro \"$0\" && exec \"$@\"", volume.toString()));
    }
    command.addAll(List.of(java, "-Xmx96m", "-XX:TieredStopAtLevel=1", "-cp", classpath, ChildArchiver.class.getName(),
        volume.toString(), tar.toString(), scratch.toString()));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IllegalStateException("the child archiver failed: " + String.join(" ", command) + "\n" + output);
    }
    List<String> warnings = new ArrayList<>();
    List<String> omissions = new ArrayList<>();
    for (String line : output.split("\n")) {
      if (line.startsWith("warning\t")) {
        warnings.add(line.substring("warning\t".length()));
      } else if (line.startsWith("omission\t")) {
        omissions.add(line.substring("omission\t".length()));
      }
    }
    return new Result(warnings, omissions, tar);
  }

  /** The build's classes and archive libraries, copied into {@code work} (opened up to all) for a child as nobody. */
  static String nobodyClasspath(Path work) throws IOException {
    String classpath = readableClasspath(work.resolve("classpath"));
    openUpParents(work);
    Files.setAttribute(work, "unix:mode", 0777);
    return classpath;
  }

  /** The command prefix that runs what follows as nobody. */
  static List<String> asNobody() {
    return List.of("setpriv", "--reuid=" + NOBODY_UID, "--regid=" + NOBODY_UID, "--clear-groups");
  }

  /** Lets other users reach {@code dir} (a @TempDir is 0700). */
  static void openUpParents(Path dir) throws IOException {
    for (Path p = dir.toAbsolutePath(); p != null && p.startsWith(Path.of(System.getProperty("java.io.tmpdir")))
        && p.getNameCount() > 1; p = p.getParent()) {
      int mode = (Integer) Files.getAttribute(p, "unix:mode");
      Files.setAttribute(p, "unix:mode", mode | 0111);
    }
  }

  /** The build's classes and the few jars the archiver needs, copied where nobody can read them. */
  private static String readableClasspath(Path into) throws IOException {
    List<String> entries = new ArrayList<>();
    int i = 0;
    for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      Path source = Path.of(entry);
      String name = source.getFileName().toString();
      boolean classes = Files.isDirectory(source);
      if (!classes && NEEDED_JARS.stream().noneMatch(name::startsWith)) {
        continue;
      }
      Path copy = into.resolve(i++ + "-" + name);
      if (classes) {
        copyTree(source, copy);
      } else {
        Files.createDirectories(into);
        Files.copy(source, copy);
      }
      entries.add(copy.toString());
    }
    try (Stream<Path> all = Files.walk(into)) {
      for (Path p : all.toList()) {
        Files.setAttribute(p, "unix:mode", Files.isDirectory(p) ? 0755 : 0644);
      }
    }
    return String.join(java.io.File.pathSeparator, entries);
  }

  private static void copyTree(Path source, Path target) throws IOException {
    try (Stream<Path> all = Files.walk(source)) {
      for (Path p : all.toList()) {
        Path to = target.resolve(source.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(to);
        } else {
          Files.copy(p, to, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  /** The child: {@code volume tar scratch}; prints one "warning\t…" or "omission\t…" line per finding. */
  public static void main(String[] args) throws IOException {
    ArchiveStats stats;
    try (OutputStream out = Files.newOutputStream(Path.of(args[1]))) {
      stats = new VolumeArchiver(Path.of(args[0]), List.of()).sqlite(Path.of(args[2])).write(out);
    }
    stats.warnings().forEach(w -> System.out.println("warning\t" + w));
    stats.omissions().forEach(o -> System.out.println("omission\t" + o));
  }
}
