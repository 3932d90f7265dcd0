package dev.lifeboat.agent.repo;

import dev.lifeboat.agent.s3.S3Store;
import dev.lifeboat.agent.s3.StoredObject;
import dev.lifeboat.common.DamagedBackup;
import dev.lifeboat.common.Times;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One policy's backups in S3: {@code <prefix>/<namespace>/<policy>/<backupId>/...}. Knows the
 * layout, nothing about archives. Only complete backups (manifest.json present) are listed. Pin
 * objects, which hold a backup back from retention while it is read, live beside the backups in
 * {@code <namespace>/<policy>/pins/}.
 */
public final class BackupRepository {
  public static final String MANIFEST = "manifest.json";
  /** The folder beside the backups that holds pin objects ({@link Pin}); never a backup id. */
  public static final String PINS = "pins";
  private static final Pattern BACKUP_ID = Pattern.compile("[0-9]{8}T[0-9]{6}Z");

  private final S3Store store;
  private final String namespace;
  private final String policy;

  public BackupRepository(S3Store store, String namespace, String policy) {
    this.store = store;
    this.namespace = namespace;
    this.policy = policy;
  }

  public S3Store store() {
    return store;
  }

  public String namespace() {
    return namespace;
  }

  public String policy() {
    return policy;
  }

  /** Key of one archive of a volume: {@code <layer's backup>/<object>}. */
  public String key(Manifest.Layer layer) {
    return key(layer.backup(), layer.object());
  }

  /** Whether {@code name} has the form of a backup id (yyyyMMdd'T'HHmmss'Z'). */
  public static boolean isBackupId(String name) {
    return BACKUP_ID.matcher(name).matches();
  }

  /** Key of an object of a backup, e.g. key(id, "memory-data.tar.zst"). */
  public String key(String backupId, String object) {
    return store.location().key(namespace, policy, backupId, object);
  }

  private String policyPrefix() {
    return store.location().key(namespace, policy) + "/";
  }

  /** Ids of every backup folder, complete or not, oldest first. */
  public List<String> allIds() {
    List<String> ids = new ArrayList<>();
    for (String prefix : store.listPrefixes(policyPrefix())) {
      String trimmed = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
      String id = trimmed.substring(trimmed.lastIndexOf('/') + 1);
      if (BACKUP_ID.matcher(id).matches()) {
        ids.add(id);
      }
    }
    ids.sort(Comparator.naturalOrder());
    return ids;
  }

  /**
   * Every backup folder: the complete backups newest first, and apart from them the damaged ones,
   * whose manifest exists but cannot be read, and the ids of incomplete ones, which have no
   * manifest (a run interrupted or still going, or a manifest deleted). One damaged backup must
   * never keep a reader from the others, so it is set aside and named, never thrown.
   */
  public record Listing(List<Manifest> complete, List<DamagedBackup> damaged, List<String> incomplete) {
    public Listing(List<Manifest> complete, List<DamagedBackup> damaged) {
      this(complete, damaged, List.of());
    }
  }

  public Listing scan() {
    List<Manifest> manifests = new ArrayList<>();
    List<DamagedBackup> damaged = new ArrayList<>();
    List<String> incomplete = new ArrayList<>();
    for (String id : allIds()) {
      try {
        manifest(id).ifPresentOrElse(manifests::add, () -> incomplete.add(id));
      } catch (DamagedManifestException e) {
        damaged.add(new DamagedBackup(id, e.getMessage()));
      }
    }
    // A folder whose backup retention deleted while later backups still refer to its archives is no leftover.
    Set<String> referenced = new HashSet<>();
    manifests.forEach(m -> m.allLayers().forEach(l -> referenced.add(l.backup())));
    incomplete.removeAll(referenced);
    manifests.sort(Comparator.comparing(Manifest::id).reversed());
    damaged.sort(Comparator.comparing(DamagedBackup::id).reversed());
    incomplete.sort(Comparator.<String>naturalOrder().reversed());
    return new Listing(List.copyOf(manifests), List.copyOf(damaged), List.copyOf(incomplete));
  }

  /** Why backup {@code id}, a folder without manifest.json, is no backup: one line naming the missing object. */
  public String incompleteProblem(String id) {
    return key(id, MANIFEST) + " is missing (a run that was interrupted or is still running, or the manifest was"
        + " deleted)";
  }

  /** Complete, readable backups, newest first; damaged ones are left out (see {@link #scan()}). */
  public List<Manifest> complete() {
    return scan().complete();
  }

  /**
   * The backup's manifest; empty when there is none (no such backup, or an incomplete one).
   *
   * @throws DamagedManifestException when it exists but cannot be read, naming the object
   */
  public Optional<Manifest> manifest(String backupId) {
    String key = key(backupId, MANIFEST);
    return store.getSmall(key).map(bytes -> ManifestReader.read(backupId, key, bytes));
  }

  /**
   * The volume's file list, once its SHA-256 matches the manifest's {@code fileListSha256}: every
   * file of a restore is checked against it, so an altered list must fail before it is trusted.
   */
  public FileList fileList(String backupId, Manifest.Volume volume) {
    String key = key(backupId, volume.fileList());
    byte[] bytes = store.getSmall(key)
        .orElseThrow(() -> new DamagedObjectException(key + " is missing; the manifest of backup " + backupId + " lists it"));
    String actual = HexFormat.of().formatHex(sha256(bytes));
    if (!actual.equalsIgnoreCase(volume.fileListSha256())) {
      throw new DamagedObjectException(key + " does not match its manifest (SHA-256 " + actual + ", manifest says "
          + volume.fileListSha256() + "): the file list is damaged or was altered");
    }
    try {
      return Json.MAPPER.readValue(bytes, FileList.class);
    } catch (java.io.IOException e) {
      throw new DamagedObjectException(key + " is not a valid file list: " + ManifestReader.firstLine(e.getMessage()), e);
    }
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available in this Java runtime", e);
    }
  }

  public void writeManifest(Manifest manifest) {
    store.putSmall(key(manifest.id(), MANIFEST), Json.write(manifest), "application/json");
  }

  /** Deletes the manifest first, so an interrupted delete leaves an incomplete backup, never a broken complete one. */
  public void delete(String backupId) {
    delete(backupId, Set.of());
  }

  /**
   * Deletes a backup but for the objects in {@code keep}, the archives later backups refer to: they stay
   * in the folder, without a manifest, for as long as a backup refers to them. The manifest goes first.
   *
   * @return how many objects were kept
   */
  public int delete(String backupId, Set<String> keep) {
    store.delete(key(backupId, MANIFEST));
    String folder = store.location().key(namespace, policy, backupId) + "/";
    if (keep.stream().noneMatch(k -> k.startsWith(folder))) {
      store.deletePrefix(folder);
      return 0;
    }
    int kept = 0;
    for (StoredObject object : store.list(folder)) {
      if (keep.contains(object.key())) {
        kept++;
      } else {
        store.delete(object.key());
      }
    }
    return kept;
  }

  /** The keys of every archive the backups refer to, their own and those of earlier backups they share. */
  public Set<String> referencedKeys(Collection<Manifest> manifests) {
    Set<String> keys = new HashSet<>();
    manifests.forEach(m -> m.allLayers().forEach(l -> keys.add(key(l))));
    return keys;
  }

  /** Backups without a manifest whose id is older than the cutoff: leftovers of interrupted runs. */
  public List<String> incompleteOlderThan(Instant cutoff) {
    List<String> stale = new ArrayList<>();
    for (String id : allIds()) {
      if (Times.fromBackupId(id).isBefore(cutoff) && store.getSmall(key(id, MANIFEST)).isEmpty()) {
        stale.add(id);
      }
    }
    return stale;
  }

  public int abortIncompleteUploads(Instant cutoff) {
    return store.abortIncompleteUploads(policyPrefix(), cutoff);
  }

  /** Key of the pin object named {@code pinId}: {@code <prefix>/<namespace>/<policy>/pins/<pinId>.json}. */
  public String pinKey(String pinId) {
    return store.location().key(namespace, policy, PINS, pinId + ".json");
  }

  public void writePin(String pinId, Pin pin) {
    store.putSmall(pinKey(pinId), Json.write(pin), "application/json");
  }

  /** Every pin object's key; read each with {@link #pin}. */
  public List<String> pinKeys() {
    return store.list(store.location().key(namespace, policy, PINS) + "/").stream()
        .map(StoredObject::key).filter(k -> k.endsWith(".json")).toList();
  }

  /** The pin stored at {@code key}; empty when it is gone (removed by its writer meanwhile). */
  public Optional<Pin> pin(String key) {
    return store.getSmall(key).map(bytes -> Json.read(bytes, Pin.class));
  }

  public void deletePin(String key) {
    store.delete(key);
  }

  public List<StoredObject> objects(String backupId) {
    return store.list(store.location().key(namespace, policy, backupId) + "/");
  }
}
