package dev.lifeboat.agent.repo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeboat.agent.archive.Codec;
import java.io.IOException;

/**
 * Reads a manifest.json and refuses what this agent cannot trust itself to understand. The
 * format version is checked on the raw JSON before anything else: a future format may change the
 * meaning of fields this agent would otherwise happily read.
 */
final class ManifestReader {
  private ManifestReader() {}

  static Manifest read(String backupId, String key, byte[] bytes) {
    return read(backupId, key, bytes, Manifest.NEWEST_FORMAT_VERSION);
  }

  /** As an agent that reads formats 1 to {@code newest} would: tests play an older agent with it. */
  static Manifest read(String backupId, String key, byte[] bytes, int newest) {
    if (bytes.length == 0) {
      throw damaged(backupId, key + " is empty (0 bytes)", null);
    }
    JsonNode tree;
    try {
      tree = Json.MAPPER.readTree(bytes);
    } catch (IOException e) {
      throw damaged(backupId, key + " is not valid JSON (" + firstLine(e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()) + ")", e);
    }
    if (tree == null || !tree.isObject()) {
      throw damaged(backupId, key + " is not a JSON object", null);
    }
    JsonNode version = tree.get("formatVersion");
    if (version == null || !version.canConvertToExactIntegral() || version.asInt() < Manifest.FORMAT_VERSION
        || version.asInt() > newest) {
      String found = version == null ? "no formatVersion" : "formatVersion " + version;
      String reads = newest == Manifest.FORMAT_VERSION ? String.valueOf(newest) : Manifest.FORMAT_VERSION + " to " + newest;
      throw damaged(backupId, key + " has " + found + "; this agent reads " + reads + ": upgrade Lifeboat", null);
    }
    Manifest manifest;
    try {
      manifest = Json.MAPPER.treeToValue(tree, Manifest.class);
    } catch (IOException e) {
      throw damaged(backupId, key + " is not a valid manifest ("
          + firstLine(e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()) + ")", e);
    }
    String missing = missingField(manifest);
    if (missing != null) {
      throw damaged(backupId, key + " lacks " + missing, null);
    }
    return manifest;
  }

  /** The first field a reader needs that is absent, or null; checked here so no reader meets a null. */
  private static String missingField(Manifest manifest) {
    if (manifest.id() == null) {
      return "its id";
    }
    if (manifest.compression() == null) {
      return "its compression";
    }
    if (Codec.named(manifest.compression()).isEmpty()) {
      return "a compression this agent knows: it names " + manifest.compression() + ", this agent reads "
          + Codec.names();
    }
    if (manifest.volumes().isEmpty() && manifest.dumpList().isEmpty()) {
      return "its volumes and dumps (it has neither)";
    }
    for (int i = 0; i < manifest.volumes().size(); i++) {
      Manifest.Volume v = manifest.volumes().get(i);
      if (v == null || v.claim() == null || v.object() == null || v.sha256() == null || v.fileList() == null
          || v.fileListSha256() == null) {
        return "volumes[" + i + "]'s claim, object, sha256, fileList or fileListSha256";
      }
    }
    for (int i = 0; i < manifest.dumpList().size(); i++) {
      Manifest.Dump d = manifest.dumpList().get(i);
      if (d == null || d.name() == null || d.object() == null || d.sha256() == null) {
        return "dumps[" + i + "]'s name, object or sha256";
      }
    }
    return null;
  }

  private static DamagedManifestException damaged(String backupId, String message, Throwable cause) {
    return new DamagedManifestException(backupId, message, cause);
  }

  static String firstLine(String text) {
    if (text == null) {
      return "unreadable";
    }
    int newline = text.indexOf('\n');
    return newline < 0 ? text : text.substring(0, newline);
  }
}
