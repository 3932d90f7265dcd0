package dev.lifeboat.agent.cli;

import dev.lifeboat.agent.repo.Json;
import dev.lifeboat.agent.repo.Manifest;
import dev.lifeboat.agent.s3.S3Store;
import dev.lifeboat.common.ListedBackup;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "list", mixinStandardHelpOptions = true,
    description = "Print the complete backups as a JSON array, newest first.")
public final class ListCommand implements Callable<Integer> {
  @Mixin
  RepositoryOptions repository;

  @Override
  public Integer call() {
    try (S3Store store = repository.store(null, null)) {
      List<ListedBackup> entries = repository.open(store).complete().stream()
          .map(m -> new ListedBackup(m.id(), m.endTime(), m.kind(), m.bytes(), m.files(), m.suspicious(),
              m.volumes().stream().map(Manifest.Volume::claim).toList(),
              m.encryption() == null ? null : m.encryption().keyId(), m.partial()))
          .toList();
      System.out.println(new String(Json.write(entries), java.nio.charset.StandardCharsets.UTF_8));
      return 0;
    } catch (RuntimeException e) {
      System.err.println("lifeboat agent list: " + Failures.describe(e));
      return 1;
    }
  }
}
