package dev.lifeboat.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeboat.agent.archive.Codec;
import dev.lifeboat.testing.RawTar;
import dev.lifeboat.testing.RawTar.Entry;
import dev.lifeboat.testing.TestRepository;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Rewrites a stored backup of claim memory-data as someone with write access to the bucket could:
 * a crafted archive with a manifest and file list made to match it, so every checksum agrees and
 * only the reader's own caution stands between the archive and the disk.
 */
final class Forger {
  static final ObjectMapper JSON = new ObjectMapper();

  private final TestRepository repository;

  Forger(TestRepository repository) {
    this.repository = repository;
  }

  /**
   * Replaces backup {@code id}'s archive with these entries (zstd, as the agent writes), its file
   * list with the regular files' true digests, and the manifest's size, SHA-256 and
   * fileListSha256 with the forged objects' own.
   */
  void replaceArchive(String id, Entry... entries) {
    byte[] archive = zstd(RawTar.tar(entries));
    ArrayNode files = JSON.createArrayNode();
    for (Entry entry : entries) {
      if (entry.type() == TarConstants.LF_NORMAL) {
        files.addObject().put("path", entry.name()).put("size", entry.content().length())
            .put("sha256", sha256(entry.content().getBytes(StandardCharsets.UTF_8)));
      }
    }
    ObjectNode list = JSON.createObjectNode().put("claim", "memory-data");
    list.set("files", files);
    byte[] fileList = write(list);
    repository.write(TestRepository.key(id, "memory-data.tar.zst"), archive);
    repository.write(TestRepository.key(id, "memory-data.files.json"), fileList);
    editVolume(id, volume -> volume.put("size", archive.length).put("sha256", sha256(archive))
        .put("files", files.size()).put("fileListSha256", sha256(fileList)));
  }

  /** Sets the manifest's fileListSha256 to the stored file list's own: a list swapped with its digest. */
  void matchFileListSha(String id) {
    byte[] fileList = repository.bytes(TestRepository.key(id, "memory-data.files.json"));
    editVolume(id, volume -> volume.put("fileListSha256", sha256(fileList)));
  }

  interface VolumeEdit {
    void apply(ObjectNode volume);
  }

  void editVolume(String id, VolumeEdit edit) {
    String key = TestRepository.key(id, "manifest.json");
    try {
      ObjectNode manifest = (ObjectNode) JSON.readTree(repository.bytes(key));
      edit.apply((ObjectNode) manifest.get("volumes").get(0));
      manifest.put("bytes", manifest.get("volumes").get(0).get("size").asLong());
      repository.write(key, write(manifest));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] zstd(byte[] plain) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream out = Codec.zstd.compress(bytes)) {
      out.write(plain);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] write(Object tree) {
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(tree);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
