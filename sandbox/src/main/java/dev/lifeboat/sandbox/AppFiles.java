package dev.lifeboat.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The sandbox's apps run no process, so their files belong to whoever wrote them: the sandbox. On a
 * cluster an app's files belong to the app's user; the demo's app runs as uid 65532, the same user
 * as Lifeboat's image, so Jobs that take no identity from it read and restore its volume as a real
 * one would. Without root the sandbox cannot give files away, and needs not: its Jobs run as itself.
 */
final class AppFiles {
  private AppFiles() {}

  /** Gives the volume's tree to the demo app's user, as that app would have written it. */
  static void ownedByTheApp(Path volume) throws IOException {
    if (HostSupport.currentUid() != 0) {
      return;
    }
    try (Stream<Path> tree = Files.walk(volume)) {
      for (Path path : tree.toList()) {
        Files.setAttribute(path, "unix:uid", (int) PodIdentity.IMAGE_USER, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(path, "unix:gid", (int) PodIdentity.IMAGE_GROUP, LinkOption.NOFOLLOW_LINKS);
      }
    }
  }
}
