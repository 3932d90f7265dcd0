package dev.lifeboat.sandbox;

import java.io.IOException;

/** The API server refused an object a file holds; the message is the file and kubectl's words for why. */
public final class ObjectRefusedException extends IOException {
  ObjectRefusedException(String message) {
    super(message);
  }
}
