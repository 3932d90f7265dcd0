package dev.lifeboat.common;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import java.math.BigDecimal;
import java.util.Collection;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a backup Job puts the consistent copy of each SQLite database before archiving it: an
 * emptyDir of its own (on the node's disk, never memory, never the container's read-only root),
 * with a size limit of the largest claim backed up — no database can be larger than its volume,
 * and the agent copies one database at a time and deletes each copy once archived. The limit is
 * not requested from the scheduler: that would keep a Job of a large, mostly non-SQLite volume
 * from ever being placed. A copy that does not fit is left out and named (SQLITE_FULL), never
 * archived torn.
 */
public final class SqliteScratch {
  public static final String VOLUME = "sqlite-scratch";
  public static final String DIR = "/scratch/sqlite";

  private SqliteScratch() {}

  /** The scratch emptyDir; {@code sizeLimit} null when no claim's size is known. */
  public static Volume volume(Quantity sizeLimit) {
    return new VolumeBuilder().withName(VOLUME).withNewEmptyDir().withSizeLimit(sizeLimit).endEmptyDir().build();
  }

  public static VolumeMount mount() {
    return new VolumeMountBuilder().withName(VOLUME).withMountPath(DIR).build();
  }

  /** The largest capacity among {@code claims}: the bound status gives, else what the claim requests; empty if none is known. */
  public static Optional<Quantity> largest(Collection<PersistentVolumeClaim> claims) {
    return claims.stream().map(SqliteScratch::capacity).filter(Objects::nonNull)
        .max(Comparator.comparing(Quantity::getAmountInBytes, BigDecimal::compareTo));
  }

  /** What a claim holds: its bound capacity, else its request; null if neither is known. */
  public static Quantity capacity(PersistentVolumeClaim claim) {
    if (claim.getStatus() != null && claim.getStatus().getCapacity() != null
        && claim.getStatus().getCapacity().get("storage") != null) {
      return claim.getStatus().getCapacity().get("storage");
    }
    var spec = claim.getSpec();
    return spec == null || spec.getResources() == null || spec.getResources().getRequests() == null ? null
        : spec.getResources().getRequests().get("storage");
  }
}
