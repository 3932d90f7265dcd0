package dev.lifeboat.agent.ops;

import dev.lifeboat.agent.repo.BackupRepository;
import dev.lifeboat.agent.repo.Pin;
import dev.lifeboat.common.Times;
import java.io.PrintStream;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Pin objects in the repository: a reader holds a backup with {@link #hold} while it reads it, and
 * retention asks {@link #held} which backups it must keep. The pin lives in the bucket, not in a
 * command line, so it reaches a retention pass that started before it, or that runs in another
 * cluster sharing the bucket.
 */
public final class Pins {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final BackupRepository repository;
  private final Clock clock;

  public Pins(BackupRepository repository, Clock clock) {
    this.repository = repository;
    this.clock = clock;
  }

  /** A written pin; closing removes it. */
  public final class Hold implements AutoCloseable {
    private final String key;
    private final Pin pin;
    private final PrintStream err;

    private Hold(String key, Pin pin, PrintStream err) {
      this.key = key;
      this.pin = pin;
      this.err = err;
    }

    public String key() {
      return key;
    }

    public Pin pin() {
      return pin;
    }

    /**
     * Removes the pin. A failure here does not fail the reader, whose work is done: the line goes to
     * {@code err} and the pin ends at its expiry.
     */
    @Override
    public void close() {
      try {
        repository.deletePin(key);
      } catch (RuntimeException e) {
        err.println("lifeboat agent: could not remove pin " + key + " (it expires at " + pin.expires() + "): "
            + e.getMessage());
      }
    }
  }

  /**
   * Writes a pin on {@code backupId} that expires after {@code ttl}: the bound on how long a reader
   * that was killed (its Job's deadline, OOM) keeps the backup from retention.
   *
   * @param reason {@link Pin#VERIFY} or {@link Pin#RESTORE}
   */
  public Hold hold(String backupId, String reason, Duration ttl, PrintStream err) {
    if (ttl == null || ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("a pin needs a positive time to live, got " + ttl);
    }
    Instant now = clock.instant();
    byte[] random = new byte[4];
    RANDOM.nextBytes(random); // two readers of one backup each hold, and remove, their own pin
    String pinId = reason + "-" + backupId + "-" + HexFormat.of().formatHex(random);
    Pin pin = new Pin(backupId, reason, Times.rfc3339(now), Times.rfc3339(now.plus(ttl)));
    try {
      repository.writePin(pinId, pin);
    } catch (RuntimeException e) {
      throw new IllegalStateException("cannot pin backup " + backupId + " against retention while it is read: "
          + e.getMessage(), e);
    }
    return new Hold(repository.pinKey(pinId), pin, err);
  }

  /**
   * The ids of the backups unexpired pins hold, read from the bucket now: call it right before
   * deleting. With {@code deleteExpired}, expired pins are deleted on the way. A pin object that is
   * not a readable pin holds nothing and is left alone.
   */
  public Set<String> held(boolean deleteExpired) {
    Instant now = clock.instant();
    Set<String> ids = new TreeSet<>();
    for (String key : repository.pinKeys()) {
      Optional<Pin> pin;
      try {
        pin = repository.pin(key);
      } catch (IllegalStateException notAPin) {
        continue;
      }
      if (pin.isEmpty()) {
        continue; // removed by its reader since the listing
      }
      if (!pin.get().expiredAt(now)) {
        if (pin.get().backupId() != null) {
          ids.add(pin.get().backupId());
        }
      } else if (deleteExpired) {
        repository.deletePin(key);
      }
    }
    return ids;
  }
}
