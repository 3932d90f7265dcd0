package dev.lifeboat.agent.repo;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.lifeboat.common.Times;
import java.time.Instant;

/**
 * A pin object (docs/repository-format.md): while it exists and has not expired, retention — run by
 * any agent, in any cluster sharing the bucket — keeps the backup it names. Written by a reader
 * (a restore drill, a restore) before it reads, removed when it is done; the expiry bounds what a
 * killed reader leaves behind.
 *
 * @param backupId the backup held
 * @param reason {@link #VERIFY} or {@link #RESTORE}: who holds it, for people looking into the bucket
 * @param created RFC 3339, the writer's clock
 * @param expires RFC 3339; from then on the pin is void and retention deletes it
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Pin(String backupId, String reason, String created, String expires) {
  public static final String VERIFY = "verify";
  public static final String RESTORE = "restore";
  /** A running backup builds on this one: its new layers will refer to the archives this one refers to. */
  public static final String BACKUP = "backup";

  /** Void from its expiry on; a pin whose expiry cannot be read is void too, or it would hold its backup forever. */
  public boolean expiredAt(Instant now) {
    try {
      return !now.isBefore(Times.parse(expires));
    } catch (RuntimeException unreadable) {
      return true;
    }
  }
}
