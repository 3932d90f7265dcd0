package dev.lifeboat.agent.archive;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import com.github.luben.zstd.ZstdOutputStreamNoFinalizer;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Compression as on the wire; the lower-case names are the CLI values. Every format is the standard one,
 * so {@code zstd -d | tar -x} and {@code tar -xzf} read the archives without Lifeboat.
 */
public enum Codec {
  zstd(".tar.zst", ".zst"),
  gzip(".tar.gz", ".gz"),
  none(".tar", "");

  /** Large enough that the tar stream's 10 KiB blocks do not each cross into native code. */
  private static final int BUFFER = 1 << 17;
  private static final int ZSTD_LEVEL = 3;
  private static final String ENCRYPTED_SUFFIX = ".enc";

  private final String extension;
  private final String streamExtension;

  Codec(String extension, String streamExtension) {
    this.extension = extension;
    this.streamExtension = streamExtension;
  }

  /** The codec of this name, as a manifest records it; empty for a name this agent does not know. */
  public static java.util.Optional<Codec> named(String name) {
    return java.util.Arrays.stream(values()).filter(c -> c.name().equals(name)).findFirst();
  }

  /** "zstd, gzip, none": the names this agent knows, for messages. */
  public static String names() {
    return String.join(", ", java.util.Arrays.stream(values()).map(Codec::name).toList());
  }

  public String extension() {
    return extension;
  }

  /** The suffix of a compressed stream that is not a tar (a dump): ".zst", ".gz" or nothing. */
  public String streamExtension() {
    return streamExtension;
  }

  /** Wraps {@code out}; closing the returned stream ends the compressed stream and closes {@code out}. */
  public OutputStream compress(OutputStream out) throws IOException {
    return switch (this) {
      case zstd -> new BufferedOutputStream(zstdOutput(out), BUFFER);
      case gzip -> new GZIPOutputStream(out, BUFFER);
      case none -> new BufferedOutputStream(out, BUFFER);
    };
  }

  /** Wraps {@code in}; closing the returned stream closes {@code in}. */
  public InputStream decompress(InputStream in) throws IOException {
    return switch (this) {
      case zstd -> new BufferedInputStream(new ZstdInputStreamNoFinalizer(in), BUFFER);
      case gzip -> new GZIPInputStream(in, BUFFER);
      case none -> new BufferedInputStream(in, BUFFER);
    };
  }

  /** The codec of an archive object by its name, ignoring a trailing ".enc". */
  public static Codec fromFileName(String name) {
    String plain = name.endsWith(ENCRYPTED_SUFFIX)
        ? name.substring(0, name.length() - ENCRYPTED_SUFFIX.length()) : name;
    for (Codec codec : values()) {
      if (plain.endsWith(codec.extension)) {
        return codec;
      }
    }
    throw new IllegalArgumentException("cannot tell the compression of '" + name
        + "': expected a name ending in .tar.zst, .tar.gz or .tar (optionally followed by .enc)");
  }

  /**
   * Level 3, single-threaded: it already outpaces the upload, and worker threads would cost their
   * own buffers (measured: +90 MiB RSS) and compete with the upload threads for the Job's CPU.
   */
  private static OutputStream zstdOutput(OutputStream out) throws IOException {
    ZstdOutputStreamNoFinalizer zstd = new ZstdOutputStreamNoFinalizer(out, ZSTD_LEVEL);
    zstd.setChecksum(true);
    return zstd;
  }
}
