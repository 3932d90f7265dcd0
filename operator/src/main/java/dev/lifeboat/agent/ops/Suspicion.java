package dev.lifeboat.agent.ops;

import dev.lifeboat.agent.repo.Manifest;

/** A backup far smaller than expected usually means an emptied or unmounted volume, not less data. */
record Suspicion(boolean suspicious, String reason) {
  static Suspicion judge(long stored, long minSize, Manifest previousGood) {
    if (stored < minSize) {
      return new Suspicion(true, "stored " + stored + " bytes, below --min-size " + minSize);
    }
    if (previousGood != null && stored * 10 < previousGood.bytes()) {
      return new Suspicion(true, "stored " + stored + " bytes, under 10% of backup " + previousGood.id() + " ("
          + previousGood.bytes() + " bytes)");
    }
    return new Suspicion(false, null);
  }
}
