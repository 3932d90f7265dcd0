package dev.lifeboat.agent.cli;

import dev.lifeboat.agent.archive.ChecksumMismatchException;
import dev.lifeboat.agent.archive.UnsafeArchiveException;
import dev.lifeboat.agent.ops.VerifyOperation;
import dev.lifeboat.agent.repo.DamagedManifestException;
import dev.lifeboat.agent.repo.DamagedObjectException;
import dev.lifeboat.agent.ops.DumpFailed;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

/** Turns any failure into the one line a person needs: what went wrong and where. */
final class Failures {
  private Failures() {}

  static String describe(Throwable failure) {
    Throwable e = failure instanceof UncheckedIOException u && u.getCause() != null ? u.getCause() : failure;
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (message.contains("No space left on device")) {
      return "target disk is full: " + message;
    }
    if (e instanceof NoSuchFileException f) {
      return "no such file: " + f.getFile();
    }
    if (e instanceof AccessDeniedException f) {
      return "permission denied: " + f.getFile();
    }
    if (e instanceof FileSystemException f && f.getReason() != null) {
      return f.getReason() + ": " + f.getFile();
    }
    if (e instanceof IllegalArgumentException || e instanceof IllegalStateException || e instanceof IOException
        || e.getClass().getPackageName().startsWith("dev.lifeboat")) {
      return firstLine(message);
    }
    return e.getClass().getSimpleName() + ": " + firstLine(message);
  }

  /**
   * Whether running again cannot help: the backup is damaged or altered, or an argument is refused.
   * Everything else (the network, the store, a full disk someone may clear) is worth another pod.
   */
  static boolean permanent(Throwable failure) {
    for (Throwable e = failure; e != null; e = e.getCause()) {
      if (e instanceof ChecksumMismatchException || e instanceof UnsafeArchiveException
          || e instanceof DamagedManifestException || e instanceof DamagedObjectException
          || e instanceof VerifyOperation.DatabaseDamaged
          || e instanceof IllegalArgumentException
          || e instanceof DumpFailed dump && dump.permanent()) {
        return true;
      }
      if (e instanceof IOException) {
        return false; // an I/O failure wrapping an argument error is still an I/O failure
      }
    }
    return false;
  }

  private static String firstLine(String text) {
    int newline = text.indexOf('\n');
    return newline < 0 ? text : text.substring(0, newline);
  }
}
