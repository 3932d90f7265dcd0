package dev.lifeboat.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A running process as Linux's /proc tells it: resident memory now and at its peak, and the CPU
 * time it has used. For measuring the operator in its own JVM.
 */
record ProcessStats(long rssKib, long peakRssKib, long cpuTicks) {
  /** Clock ticks per second of /proc/PID/stat's utime and stime (USER_HZ, 100 on Linux). */
  static final int TICKS_PER_SECOND = 100;

  static ProcessStats of(long pid) throws IOException {
    long rss = 0;
    long peak = 0;
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith("VmRSS:")) {
        rss = kib(line);
      } else if (line.startsWith("VmHWM:")) {
        peak = kib(line);
      }
    }
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    // Fields after the command name (which may hold spaces, so split after its closing parenthesis):
    // state is field 3, utime 14 and stime 15.
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    long cpu = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    return new ProcessStats(rss, peak, cpu);
  }

  private static long kib(String line) {
    return Long.parseLong(line.replaceAll("[^0-9]", ""));
  }

  /** The CPU (user and system) the process has used, in seconds. */
  double cpuSeconds() {
    return (double) cpuTicks / TICKS_PER_SECOND;
  }

  static double mib(long kib) {
    return kib / 1024.0;
  }
}
