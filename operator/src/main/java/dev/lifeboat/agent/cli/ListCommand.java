package dev.lifeboat.agent.cli;

import dev.lifeboat.agent.repo.BackupRepository;
import dev.lifeboat.agent.repo.Json;
import dev.lifeboat.agent.repo.Manifest;
import dev.lifeboat.agent.s3.S3Store;
import dev.lifeboat.common.DamagedBackup;
import dev.lifeboat.common.ListedBackup;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "list", mixinStandardHelpOptions = true,
    description = "Print the complete backups as a JSON array, newest first; damaged ones are named on stderr.")
public final class ListCommand implements Callable<Integer> {
  @Mixin
  RepositoryOptions repository;

  @Override
  public Integer call() {
    try (S3Store store = repository.store(null, null)) {
      BackupRepository backups = repository.open(store);
      BackupRepository.Listing listing = backups.scan();
      // On stderr and before the array: the array stays what the operator parses (ListedBackup),
      // and a person or the Job's log still sees which backup is damaged and why.
      for (DamagedBackup damaged : listing.damaged()) {
        System.err.println(damaged.listLine());
      }
      for (String id : listing.incomplete()) {
        System.err.println("lifeboat agent list: incomplete backup " + id + " skipped: "
            + backups.incompleteProblem(id));
      }
      List<ListedBackup> entries = listing.complete().stream()
          .map(m -> new ListedBackup(m.id(), m.endTime(), m.kind(), m.bytes(), m.files(), m.suspicious(),
              m.volumes().stream().map(Manifest.Volume::claim).toList(),
              m.encryption() == null ? null : m.encryption().keyId(), m.partial(),
              m.dumpList().isEmpty() ? null : m.dumpList().stream().map(Manifest.Dump::name).toList()))
          .toList();
      System.out.println(new String(Json.write(entries), java.nio.charset.StandardCharsets.UTF_8));
      return 0;
    } catch (RuntimeException e) {
      System.err.println("lifeboat agent list: " + Failures.describe(e));
      return 1;
    }
  }
}
