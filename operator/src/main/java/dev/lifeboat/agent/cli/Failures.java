package dev.lifeboat.agent.cli;

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

  private static String firstLine(String text) {
    int newline = text.indexOf('\n');
    return newline < 0 ? text : text.substring(0, newline);
  }
}
