package dev.lifeboat.testing;

import java.nio.file.Path;

/** Locates files of the repository from tests; surefire passes the repository root. */
public final class ProjectFiles {
  private ProjectFiles() {}

  public static Path root() {
    String root = System.getProperty("lifeboat.projectRoot");
    return root != null ? Path.of(root).toAbsolutePath().normalize() : Path.of("..").toAbsolutePath().normalize();
  }

  public static Path resolve(String relative) {
    return root().resolve(relative);
  }
}
