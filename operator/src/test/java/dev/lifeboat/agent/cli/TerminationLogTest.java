package dev.lifeboat.agent.cli;

import dev.lifeboat.api.v1alpha1.BackupPhase;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.common.AgentResult;
import dev.lifeboat.common.DamagedBackup;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TerminationLogTest {
  @Test
  void aLongPrunedListIsTrimmedToFitKubernetesLimitWhileCountsStayExact() {
    List<String> ids = IntStream.range(0, 400).mapToObj(i -> "2025%04dT020000Z".formatted(i)).toList();
    AgentResult result = new AgentResult(1, "backup", "20251109T020000Z", BackupPhase.Succeeded, null, null, 10L, 1L,
        null, 1.0, false, "ok", new AgentResult.Retention(7, 400, ids, null, null, 5L, null));

    String json = TerminationLog.fit(result);

    assertThat(json.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(AgentResult.MAX_BYTES);
    AgentResult read = AgentResult.parse(json);
    assertThat(read.retention().pruned()).isEqualTo(400);
    assertThat(read.retention().prunedIds()).isNotEmpty().hasSizeLessThan(400);
    assertThat(ids).containsAll(read.retention().prunedIds());
  }

  @Test
  void manyDamagedBackupsAreTrimmedNewestFirstWhileTheirCountStaysExact() {
    List<DamagedBackup> damaged = IntStream.range(0, 60).mapToObj(i -> "2025%04dT020000Z".formatted(9999 - i))
        .map(id -> new DamagedBackup(id, "prod/rose/rose-memory/" + id + "/manifest.json is not valid JSON (Unexpected"
            + " character ('x' (code 120)): expected a valid value)"))
        .toList();
    AgentResult result = new AgentResult(1, "prune", null, BackupPhase.Succeeded, null, null, null, null, null, null,
        null, "pruned 0", new AgentResult.Retention(3, 0, List.of(), null, null, 5L, null, null, damaged, 60, null));

    String json = TerminationLog.fit(result);

    assertThat(json.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(AgentResult.MAX_BYTES);
    AgentResult.Retention read = AgentResult.parse(json).retention();
    assertThat(read.damagedCount()).isEqualTo(60);
    assertThat(read.damaged()).isNotEmpty().hasSizeLessThan(60)
        .isEqualTo(damaged.subList(0, read.damaged().size()));
  }

  @Test
  void manyDumpsAreTrimmedBeforeTheMessage() {
    List<AgentResult.Dump> dumps = IntStream.range(0, 80)
        .mapToObj(i -> new AgentResult.Dump("database-number-" + i, 123_456_789L, 987_654_321L, 12.5)).toList();
    AgentResult result = new AgentResult(1, "backup", "20251109T020000Z", BackupPhase.Succeeded, null, null, 10L, 1L,
        null, 1.0, false, "backed up 0 files of 0 volume(s) and 80 dump(s)", null).withDumps(dumps);

    String json = TerminationLog.fit(result);

    assertThat(json.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(AgentResult.MAX_BYTES);
    AgentResult read = AgentResult.parse(json);
    assertThat(read.message()).isEqualTo(result.message());
    assertThat(read.dumps()).isNotEmpty().hasSizeLessThan(80).isEqualTo(dumps.subList(0, read.dumps().size()));
  }

  @Test
  void aHugeMessageIsShortenedToFit() {
    AgentResult result = new AgentResult(1, "backup", null, BackupPhase.Failed, null, null, null, null, null, null, null,
        "x".repeat(10_000), null);
    String json = TerminationLog.fit(result);
    assertThat(json.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(AgentResult.MAX_BYTES);
    assertThat(AgentResult.parse(json).message()).endsWith("...");
  }

  @Test
  void aSmallResultIsWrittenUnchanged() {
    AgentResult result = new AgentResult(1, "list", null, BackupPhase.Succeeded, null, null, null, null, null, null, null,
        "fine", null);
    assertThat(TerminationLog.fit(result)).isEqualTo(result.toJson());
  }
}
