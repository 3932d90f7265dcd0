package dev.lifeboat.agent.repo;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * manifest.json, written last: a backup without one does not exist (docs/repository-format.md).
 *
 * @param kind scheduled (counts for retention) or pre-restore (a safety backup, kept 7 days)
 * @param warnings what the backup noticed but holds all data of (a file that kept changing, a socket)
 * @param omissions data left out (a file the agent could not read); absent when none
 * @param volumes never null once read (an absent list reads as empty)
 * @param dumps the dump sources' streams; absent (null) in backups without any
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Manifest(
    int formatVersion,
    String id,
    String namespace,
    String policy,
    String kind,
    String startTime,
    String endTime,
    String compression,
    Encryption encryption,
    long bytes,
    long files,
    boolean suspicious,
    String suspiciousReason,
    List<Volume> volumes,
    List<Dump> dumps,
    List<String> warnings,
    List<String> omissions,
    String lifeboatVersion) {

  /** What a backup without dumps is written as; every agent since the first reads it. */
  public static final int FORMAT_VERSION = 1;
  /** What a backup holding dumps is written as, so an agent that knows no dumps refuses it by name. */
  public static final int FORMAT_VERSION_DUMPS = 2;
  /** The newest format this agent reads. */
  public static final int NEWEST_FORMAT_VERSION = FORMAT_VERSION_DUMPS;

  public Manifest {
    volumes = volumes == null ? List.of() : volumes;
  }
  public static final String KIND_SCHEDULED = "scheduled";
  public static final String KIND_PRE_RESTORE = "pre-restore";

  /** Client-side encryption: algorithm and the id (not the key) of the key used. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Encryption(String algorithm, String keyId) {}

  /**
   * One volume's archive. size/sha256 are of the stored object; bytes is the files' content.
   * fileList names the object holding the per-file path/size/SHA-256 list.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Volume(String claim, String object, long size, String sha256, long files, long bytes, String fileList,
      String fileListSha256) {}

  /**
   * One dump source's standard output, stored as {@code <name>.dump<compression>[.enc]}. size/sha256
   * are of the stored object; bytes is what the command wrote; seconds how long it ran.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Dump(String name, String object, long size, String sha256, long bytes, double seconds) {}

  /** The dumps, never null (empty for a backup without any). */
  public List<Dump> dumpList() {
    return dumps == null ? List.of() : dumps;
  }

  public Dump dump(String name) {
    return dumpList().stream().filter(d -> d.name().equals(name)).findFirst().orElse(null);
  }

  /** Data was left out (see omissions): kept 7 days for inspection, never counted by retention, never "latest". */
  public boolean partial() {
    return omissions != null && !omissions.isEmpty();
  }

  /** A whole, scheduled backup: what retention counts, "latest" means and the size rules compare with. */
  public boolean regular() {
    return !KIND_PRE_RESTORE.equals(kind) && !partial();
  }

  public Volume volume(String claim) {
    return volumes.stream().filter(v -> v.claim().equals(claim)).findFirst().orElse(null);
  }
}
