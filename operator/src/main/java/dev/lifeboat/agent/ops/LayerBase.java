package dev.lifeboat.agent.ops;

import dev.lifeboat.agent.archive.FileDigest;
import dev.lifeboat.agent.repo.BackupRepository;
import dev.lifeboat.agent.repo.DamagedManifestException;
import dev.lifeboat.agent.repo.DamagedObjectException;
import dev.lifeboat.agent.repo.Manifest;
import dev.lifeboat.agent.repo.Pin;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The earlier backup a new one builds on: the newest complete one written with the same compression
 * and key. It is pinned from the moment it is chosen until the new backup's manifest refers to its
 * archives, so a retention pass running elsewhere (a prune, another cluster) cannot delete them in
 * between. Per volume it gives the chain of layers to stack on, or nothing: then a full archive.
 */
final class LayerBase implements AutoCloseable {
  /** A volume's earlier layers and files (each file with its layer), which the new layer stacks on. */
  record Chain(Manifest.Volume volume, List<Manifest.Layer> layers, List<FileDigest> files) {}

  private final BackupRepository repository;
  private final Manifest base;
  private final Pins.Hold pin;
  private final int maxLayers;
  private String warning;

  private LayerBase(BackupRepository repository, Manifest base, Pins.Hold pin, int maxLayers) {
    this.repository = repository;
    this.base = base;
    this.pin = pin;
    this.maxLayers = maxLayers;
  }

  static LayerBase find(BackupRepository repository, Clock clock, List<Manifest> earlier, String id,
      BackupOperation.Request request) {
    String keyId = request.encryption() == null ? null : request.encryption().keyId();
    Manifest candidate = request.maxLayers() <= 1 || request.volumes().isEmpty() ? null : earlier.stream()
        .filter(m -> m.id().compareTo(id) < 0 && !m.partial() && !m.volumes().isEmpty())
        .filter(m -> m.compression().equals(request.codec().name()))
        .filter(m -> Objects.equals(m.encryption() == null ? null : m.encryption().keyId(), keyId))
        .findFirst().orElse(null);
    if (candidate == null) {
      return new LayerBase(repository, null, null, request.maxLayers());
    }
    Pins.Hold pin;
    try {
      pin = new Pins(repository, clock).hold(candidate.id(), Pin.BACKUP, BackupOperation.BASE_PIN_TTL, System.err);
    } catch (RuntimeException e) {
      // Unpinned, a retention pass elsewhere could delete what the new backup refers to: full copies instead.
      LayerBase none = new LayerBase(repository, null, null, request.maxLayers());
      none.warning = e.getMessage() + "; this backup holds full copies";
      return none;
    }
    Optional<Manifest> still;
    try {
      still = repository.manifest(candidate.id()); // retention may have deleted it before the pin was written
    } catch (DamagedManifestException e) {
      still = Optional.empty();
    } catch (RuntimeException e) {
      pin.close();
      throw e;
    }
    if (still.isEmpty()) {
      pin.close();
      return new LayerBase(repository, null, null, request.maxLayers());
    }
    return new LayerBase(repository, still.get(), pin, request.maxLayers());
  }

  /**
   * The chain volume {@code claim} builds on; empty when it must be written as a full archive. A chain
   * whose archives are not all there, or whose file list cannot be read, is a warning.
   */
  Optional<Chain> chain(String claim, List<String> warnings) {
    Manifest.Volume volume = base == null ? null : base.volume(claim);
    if (volume == null) {
      return Optional.empty();
    }
    List<Manifest.Layer> layers = volume.layers(base.id());
    List<FileDigest> files;
    try {
      // A volume stored as one archive holds every file in "layer" 0.
      files = repository.fileList(base.id(), volume).files().stream()
          .map(f -> f.layer() == null ? f.inLayer(0) : f).toList();
    } catch (DamagedObjectException e) {
      warnings.add(claim + ": the file list of backup " + base.id() + " cannot be used (" + e.getMessage()
          + "); this backup holds a full copy");
      return Optional.empty();
    }
    if (LayerPlan.fullReason(layers, files, maxLayers) != null) {
      return Optional.empty();
    }
    for (Manifest.Layer layer : layers) {
      String key = repository.key(layer);
      Optional<Long> size = repository.store().size(key);
      if (size.isEmpty() || size.get() != layer.size()) {
        warnings.add(claim + ": " + key + ", which backup " + base.id() + " refers to, "
            + (size.isEmpty() ? "is missing" : "has " + size.get() + " bytes, its manifest says " + layer.size())
            + "; this backup holds a full copy");
        return Optional.empty();
      }
    }
    return Optional.of(new Chain(volume, layers, files));
  }

  /**
   * Right before the new manifest is written: every archive of an earlier backup it refers to is
   * still there. A prune elsewhere that read the pins just before this backup pinned its base may
   * have deleted them meanwhile; the backup then fails (and its retry writes full copies) rather than
   * stand as a backup that cannot be restored.
   */
  static void requireEarlierArchives(BackupRepository repository, String id, List<Manifest.Volume> volumes) {
    for (Manifest.Volume volume : volumes) {
      for (Manifest.Layer layer : volume.layers(id)) {
        if (!layer.backup().equals(id) && repository.store().size(repository.key(layer)).isEmpty()) {
          throw new IllegalStateException(repository.key(layer) + ", which volume "
              + volume.claim() + " of this backup refers to, was deleted while the backup ran (a prune"
              + " elsewhere); no manifest was written; run again");
        }
      }
    }
  }

  /** Why this backup could not build on an earlier one when it should have; null when nothing went wrong. */
  String warning() {
    return warning;
  }

  @Override
  public void close() {
    if (pin != null) {
      pin.close();
    }
  }
}
