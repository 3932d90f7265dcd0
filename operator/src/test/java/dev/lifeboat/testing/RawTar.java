package dev.lifeboat.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/** Tar archives written exactly as given, as an attacker would craft them: no clean-up of names by the library. */
public final class RawTar {
  private RawTar() {}

  /** One entry: its name as written, its type ({@link TarConstants}), a link target, a file's content. */
  public record Entry(String name, byte type, String link, String content) {
    public static Entry file(String name, String content) {
      return new Entry(name, TarConstants.LF_NORMAL, null, content);
    }

    public static Entry symlink(String name, String target) {
      return new Entry(name, TarConstants.LF_SYMLINK, target, null);
    }

    public static Entry hardlink(String name, String target) {
      return new Entry(name, TarConstants.LF_LINK, target, null);
    }
  }

  public static byte[] tar(Entry... entries) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream out = new TarArchiveOutputStream(bytes, "UTF-8")) {
      out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (Entry raw : entries) {
        TarArchiveEntry entry = new TarArchiveEntry(raw.name(), raw.type(), true);
        if (raw.link() != null) {
          entry.setLinkName(raw.link());
        }
        byte[] content = raw.content() == null ? new byte[0] : raw.content().getBytes(StandardCharsets.UTF_8);
        entry.setSize(content.length);
        out.putArchiveEntry(entry);
        out.write(content);
        out.closeArchiveEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }
}
