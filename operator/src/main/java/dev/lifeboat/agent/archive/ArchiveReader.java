package dev.lifeboat.agent.archive;

import java.io.IOException;
import java.io.InputStream;

/**
 * Reads one volume from its archives, one after the other (a volume stored as layers has several),
 * and checks the whole once all are read: every file the manifest lists must have come from one of
 * them with its digest.
 */
public interface ArchiveReader {
  /** Reads one archive to its very end (so a digesting or decrypting stream underneath sees every byte). */
  void read(InputStream tar, LayerSelection selection) throws IOException;

  /** After the last archive: fails if a listed file is missing or did not match; what was read. */
  ArchiveStats finish() throws IOException;
}
