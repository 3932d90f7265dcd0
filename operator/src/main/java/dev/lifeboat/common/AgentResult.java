package dev.lifeboat.common;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeboat.api.v1alpha1.BackupPhase;
import java.util.List;

/**
 * What the agent writes to its termination message and the operator reads back from the pod
 * (schema in docs/termination-message.md). At most 4096 bytes: lists are trimmed, counts stay exact.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record AgentResult(
    Integer version,
    String command,
    String id,
    BackupPhase phase,
    String startTime,
    String completionTime,
    Long bytes,
    Long files,
    String checksum,
    Double durationSeconds,
    Boolean suspicious,
    String message,
    Retention retention,
    List<String> warnings,
    List<String> omissions,
    List<Dump> dumps) {

  public static final int CURRENT_VERSION = 1;
  /** At most this many warning and omission lines travel in the result; the message says how many there were. */
  public static final int MAX_LINES = 5;
  public static final int MAX_BYTES = 4096;
  /**
   * The agent's exit code when it stored a backup that left data out (phase PartiallyFailed): not
   * 0, so nobody mistakes it for a success, and not 1, so a Job does not retry a run whose backup
   * already exists.
   */
  public static final int EXIT_PARTIAL = 3;
  /**
   * The agent's exit code when running it again cannot change the outcome: the backup is damaged or
   * was altered (a checksum, a manifest, an archive entry that would leave the target), or the
   * command was given something it refuses. A Job fails at once instead of downloading it again.
   */
  public static final int EXIT_PERMANENT = 4;
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Outcome of the retention pass that followed the backup.
   *
   * @param pinned backups the rules would have pruned but a pin object in the repository held (a
   *     restore drill or a restore was reading them); counted in {@code kept}; absent when none
   * @param damaged backups whose manifest.json cannot be read, each with one line naming the object
   *     and what is wrong: never deleted by retention, never counted by it, reported so someone
   *     looks (the operator shows them in the policy's status); absent when none; may be trimmed
   *     to fit the termination message, {@code damagedCount} stays exact
   * @param leftovers ids of folders without manifest.json (interrupted runs) older than a day that
   *     retention deleted; absent when none
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Retention(Integer kept, Integer pruned, List<String> prunedIds, String oldest, String newest, Long bytes,
      String error, List<String> pinned, List<DamagedBackup> damaged, Integer damagedCount, List<String> leftovers) {
    /** Without damaged backups nor leftovers (as before they were reported). */
    public Retention(Integer kept, Integer pruned, List<String> prunedIds, String oldest, String newest, Long bytes,
        String error, List<String> pinned) {
      this(kept, pruned, prunedIds, oldest, newest, bytes, error, pinned, null, null, null);
    }

    /** Without pins held by pin objects (as before they existed). */
    public Retention(Integer kept, Integer pruned, List<String> prunedIds, String oldest, String newest, Long bytes,
        String error) {
      this(kept, pruned, prunedIds, oldest, newest, bytes, error, null);
    }
  }

  /**
   * One dump of a backup, compact (the termination message has 4096 bytes): size stored, bytes the
   * command wrote, seconds it took. The manifest has the rest.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Dump(String name, Long size, Long bytes, Double seconds) {}

  /** A result without dumps. */
  public AgentResult(Integer version, String command, String id, BackupPhase phase, String startTime,
      String completionTime, Long bytes, Long files, String checksum, Double durationSeconds, Boolean suspicious,
      String message, Retention retention, List<String> warnings, List<String> omissions) {
    this(version, command, id, phase, startTime, completionTime, bytes, files, checksum, durationSeconds, suspicious,
        message, retention, warnings, omissions, null);
  }

  /** A result without warnings or omissions (every command but backup). */
  public AgentResult(Integer version, String command, String id, BackupPhase phase, String startTime,
      String completionTime, Long bytes, Long files, String checksum, Double durationSeconds, Boolean suspicious,
      String message, Retention retention) {
    this(version, command, id, phase, startTime, completionTime, bytes, files, checksum, durationSeconds, suspicious,
        message, retention, null, null);
  }

  public AgentResult withMessage(String text) {
    return new AgentResult(version, command, id, phase, startTime, completionTime, bytes, files, checksum,
        durationSeconds, suspicious, text, retention, warnings, omissions, dumps);
  }

  public AgentResult withRetention(Retention trimmed) {
    return new AgentResult(version, command, id, phase, startTime, completionTime, bytes, files, checksum,
        durationSeconds, suspicious, message, trimmed, warnings, omissions, dumps);
  }

  public AgentResult withDumps(List<Dump> list) {
    return new AgentResult(version, command, id, phase, startTime, completionTime, bytes, files, checksum,
        durationSeconds, suspicious, message, retention, warnings, omissions, list);
  }

  public boolean succeeded() {
    return phase == BackupPhase.Succeeded;
  }

  public static AgentResult parse(String json) {
    try {
      return JSON.readValue(json, AgentResult.class);
    } catch (Exception e) {
      throw new IllegalArgumentException("termination message is not an agent result: " + e.getMessage(), e);
    }
  }

  public String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
