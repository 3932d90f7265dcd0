package dev.lifeboat.sandbox;

import static dev.lifeboat.sandbox.VolumeOwnership.chmod;
import static dev.lifeboat.sandbox.VolumeOwnership.mode;

import java.io.File;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This JVM's classpath, as a container running as another uid can read it: the Maven repository
 * (under a 0700 home) and JUnit's temporary directories (0700) are not. Made once per sandbox
 * under {@code <state>/agent-classpath}: directories 0755, files 0644; a file any user may already
 * read is hard-linked instead of copied when the filesystem allows (its own mode is never
 * changed). The copy of a previous run is replaced, so the agent is always this build's.
 */
final class AgentClasspath {
  private static final Logger LOG = LoggerFactory.getLogger(AgentClasspath.class);
  private static final int WORLD_READ = 0004;

  private final Path dir;
  private final String source;
  private String classpath;

  AgentClasspath(Path dir, String source) {
    this.dir = dir;
    this.source = source;
  }

  /** The copy's classpath, made on first use. */
  synchronized String get() throws IOException {
    if (classpath == null) {
      long started = System.nanoTime();
      delete(dir);
      Files.createDirectories(dir);
      chmod(dir, 0755);
      List<String> entries = new ArrayList<>();
      String[] original = source.split(File.pathSeparator);
      for (int i = 0; i < original.length; i++) {
        if (original[i].isEmpty()) {
          continue;
        }
        Path entry = Path.of(original[i]).toAbsolutePath();
        if (!Files.exists(entry)) {
          continue;
        }
        Path copy = dir.resolve(String.format(Locale.ROOT, "%03d-%s", i, entry.getFileName()));
        if (Files.isDirectory(entry)) {
          copyTree(entry, copy);
        } else {
          copyFile(entry, copy);
        }
        entries.add(copy.toString());
      }
      classpath = String.join(File.pathSeparator, entries);
      LOG.info("agent classpath readable by any uid: {} entries under {} in {} ms", entries.size(), dir,
          (System.nanoTime() - started) / 1_000_000);
    }
    return classpath;
  }

  private static void copyTree(Path from, Path to) throws IOException {
    Files.walkFileTree(from, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
        Path target = to.resolve(from.relativize(d).toString());
        Files.createDirectories(target);
        chmod(target, 0755);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        if (attrs.isRegularFile()) {
          copyFile(file, to.resolve(from.relativize(file).toString()));
        }
        return FileVisitResult.CONTINUE;
      }
    });
  }

  private static void copyFile(Path from, Path to) throws IOException {
    if ((mode(from) & WORLD_READ) != 0) {
      try {
        Files.createLink(to, from);
        return;
      } catch (IOException | UnsupportedOperationException e) {
        // another filesystem, or links refused: copy
      }
    }
    Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
    chmod(to, 0644);
  }

  private static void delete(Path root) throws IOException {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (var walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
