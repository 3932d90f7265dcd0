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
      if (v == null || v.claim() == null || v.fileList() == null || v.fileListSha256() == null
          || (v.layers() == null && (v.object() == null || v.sha256() == null))) {
        return "volumes[" + i + "]'s claim, object, sha256, fileList or fileListSha256";
      }
      String layer = missingLayerField(manifest, v, "volumes[" + i + "]");
      if (layer != null) {
        return layer;
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

  /**
   * A layer must name an object of this backup or of an earlier one: a later id, or anything but an id,
   * would let a manifest point a reader at objects outside the policy's backups.
   */
  private static String missingLayerField(Manifest manifest, Manifest.Volume v, String where) {
    if (v.layers() == null) {
      return null;
    }
    if (v.layers().isEmpty()) {
      return where + "'s layers (the list is empty)";
    }
    for (int j = 0; j < v.layers().size(); j++) {
      Manifest.Layer l = v.layers().get(j);
      if (l == null || l.backup() == null || l.object() == null || l.sha256() == null) {
        return where + ".layers[" + j + "]'s backup, object or sha256";
      }
      if (!BackupRepository.isBackupId(l.backup()) || l.backup().compareTo(manifest.id()) > 0
          || l.object().contains("/") || l.object().startsWith(".")) {
        return where + ".layers[" + j + "] naming an object of this or an earlier backup (it names "
            + l.backup() + "/" + l.object() + ")";
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
