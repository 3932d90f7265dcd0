package dev.lifeboat.agent.ops;

import dev.lifeboat.agent.archive.FileDigest;
import dev.lifeboat.agent.repo.Manifest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Pure decisions about a volume's chain of layers (docs/repository-format.md): whether a backup may
 * build on an earlier one or must write a full archive, and the layer list and file list of the new
 * backup once its own archive is written.
 */
final class LayerPlan {
  /** A fresh full archive at the latest when a chain would grow past this many layers. */
  static final int DEFAULT_MAX_LAYERS = 30;
  /** ...or when more than this share of what the chain stores is content no file holds any more. */
  static final double MAX_SUPERSEDED = 0.5;

  private LayerPlan() {}

  /** The new volume's layers and its files, each naming the layer that holds it. */
  record Result(List<Manifest.Layer> layers, List<FileDigest> files) {
    long size() {
      return layers.stream().mapToLong(Manifest.Layer::size).sum();
    }

    /**
     * The stored bytes of the data the volume holds: of each layer, the share its files still take
     * (content no file holds any more does not count). What the size rules judge: a volume emptied
     * but for one file of an old archive must look as small as it is, not as large as that archive.
     */
    long held() {
      long[] live = liveBytes(layers.size(), files);
      double held = 0;
      for (int i = 0; i < layers.size(); i++) {
        Manifest.Layer layer = layers.get(i);
        held += layer.bytes() == 0 ? layer.size() : layer.size() * Math.min(1.0, (double) live[i] / layer.bytes());
      }
      return Math.round(held);
    }
  }

  /**
   * Why the next backup must write a full archive instead of a layer on {@code layers}, or null when it
   * may build on them. {@code files} are the earlier backup's files, each with its layer (0 for a volume
   * stored as one archive).
   */
  static String fullReason(List<Manifest.Layer> layers, List<FileDigest> files, int maxLayers) {
    if (layers.size() + 1 > maxLayers) {
      return "the chain has " + layers.size() + " layer" + (layers.size() == 1 ? "" : "s") + " (at most " + maxLayers + ")";
    }
    long[] live = liveBytes(layers.size(), files);
    double stored = 0;
    double superseded = 0;
    for (int i = 0; i < layers.size(); i++) {
      Manifest.Layer layer = layers.get(i);
      stored += layer.size();
      if (layer.bytes() > 0) {
        superseded += layer.size() * (1 - Math.min(1.0, (double) live[i] / layer.bytes()));
      }
    }
    if (stored > 0 && superseded / stored > MAX_SUPERSEDED) {
      return String.format("%.0f%% of what the chain stores is content no file holds any more", 100 * superseded / stored);
    }
    return null;
  }

  /**
   * A volume none of whose files, directories or symlinks changed: the earlier layers as they are.
   */
  static Result unchanged(List<Manifest.Layer> earlier, List<FileDigest> files) {
    return new Result(List.copyOf(earlier), List.copyOf(files));
  }

  /**
   * The earlier layers that still hold a file, then {@code written}, the new layer (it holds the tree);
   * each file renumbered: one with a layer index is held by that earlier layer, one without by the new.
   */
  static Result stacked(List<Manifest.Layer> earlier, List<FileDigest> files, Manifest.Layer written) {
    boolean[] holds = new boolean[earlier.size()];
    files.stream().filter(f -> f.layer() != null).forEach(f -> holds[f.layer()] = true);
    List<Manifest.Layer> layers = new ArrayList<>();
    Map<Integer, Integer> renumbered = new HashMap<>();
    for (int i = 0; i < earlier.size(); i++) {
      if (holds[i]) {
        renumbered.put(i, layers.size());
        layers.add(earlier.get(i));
      }
    }
    int newest = layers.size();
    layers.add(written);
    List<FileDigest> held = files.stream()
        .map(f -> f.inLayer(f.layer() == null ? newest : renumbered.get(f.layer()))).toList();
    return new Result(List.copyOf(layers), held);
  }

  /** Per earlier layer, the content bytes of the files it still holds. */
  private static long[] liveBytes(int layers, List<FileDigest> files) {
    long[] live = new long[layers];
    for (FileDigest f : files) {
      if (f.layer() != null && f.layer() < layers) {
        live[f.layer()] += f.size();
      }
    }
    return live;
  }
}
