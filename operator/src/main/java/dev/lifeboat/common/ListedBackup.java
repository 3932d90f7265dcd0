package dev.lifeboat.common;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;

/**
 * One complete backup as {@code lifeboat agent list} prints it (a JSON array, newest first). The
 * agent writes these and the operator reads them back from the list Job's log, so both sides
 * share this one type.
 *
 * @param time when the backup completed (RFC 3339)
 * @param kind scheduled, manual (spec.trigger.manual), or pre-restore for a safety backup taken before a restore
 * @param keyId id of the client-side encryption key, null when not encrypted
 * @param partial the backup left data out (PartiallyFailed): restored only when named by id
 * @param dumps the names of the dumps it holds; absent (null) when none
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ListedBackup(String id, String time, String kind, long bytes, long files, boolean suspicious,
    List<String> volumes, String keyId, boolean partial, List<String> dumps) {

  public static final String KIND_PRE_RESTORE = "pre-restore";
  public static final String KIND_MANUAL = "manual";
  private static final ObjectMapper JSON = new ObjectMapper()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /** A backup without dumps. */
  public ListedBackup(String id, String time, String kind, long bytes, long files, boolean suspicious,
      List<String> volumes, String keyId, boolean partial) {
    this(id, time, kind, bytes, files, suspicious, volumes, keyId, partial, null);
  }

  /** A backup that left nothing out. */
  public ListedBackup(String id, String time, String kind, long bytes, long files, boolean suspicious,
      List<String> volumes, String keyId) {
    this(id, time, kind, bytes, files, suspicious, volumes, keyId, false);
  }

  /** Safety backups are kept 7 days outside retention and never count as the latest backup. */
  public boolean preRestore() {
    return KIND_PRE_RESTORE.equals(kind);
  }

  /** Whole and scheduled: never a safety backup nor one that left data out, which "latest" skips. */
  public boolean regular() {
    return !preRestore() && !partial;
  }

  /**
   * The listing inside a list Job's log. The log may carry other lines (JVM warnings) before the
   * array, which starts on a line of its own.
   */
  public static List<ListedBackup> parseLog(String log) {
    if (log == null) {
      throw new IllegalArgumentException("the list Job left no log");
    }
    int start = log.startsWith("[") ? 0 : log.indexOf("\n[");
    if (start < 0) {
      throw new IllegalArgumentException("the list Job's log holds no backup listing");
    }
    try {
      return List.of(JSON.readValue(log.substring(start).strip(), ListedBackup[].class));
    } catch (Exception e) {
      throw new IllegalArgumentException("the list Job's log holds no readable backup listing: " + e.getMessage(), e);
    }
  }
}
