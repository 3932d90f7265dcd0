package dev.lifeboat.agent.archive;

import java.util.Map;

/**
 * Which entries of one archive of a volume a reader takes. A volume stored as layers is read oldest
 * layer first: from each layer only the regular files the file list says it holds (a later layer
 * holds the newer content of the others, and files deleted since are in no list); from the newest
 * layer also every directory and symlink, because it holds the volume's whole tree at that time.
 *
 * @param layerOfFile path to layer index from the file list; empty for a volume stored as one archive
 */
public record LayerSelection(Map<String, Integer> layerOfFile, int layer, boolean newest) {
  /** A volume stored as one archive: everything in it. */
  public static final LayerSelection WHOLE = new LayerSelection(Map.of(), 0, true);

  /**
   * Whether this layer's entry of a regular file is the one to read. A file the list does not name
   * is read from the newest layer, where the digest check refuses it by name.
   */
  boolean takesFile(String name) {
    Integer holder = layerOfFile.get(name);
    return holder == null ? newest : holder == layer;
  }

  /** Directories, symlinks, hardlinks and the rest come from the newest layer only. */
  boolean takesTree() {
    return newest;
  }
}
