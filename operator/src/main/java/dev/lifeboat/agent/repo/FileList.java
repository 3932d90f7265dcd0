package dev.lifeboat.agent.repo;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.lifeboat.agent.archive.FileDigest;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * <claim>.files.json: every regular file of one volume with its size and SHA-256, what it was read as
 * (times, inode) and, for a layered volume, which layer holds it.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record FileList(String claim, List<FileDigest> files) {
  public Map<String, String> sha256ByPath() {
    return files.stream().collect(Collectors.toMap(FileDigest::path, FileDigest::sha256, (a, b) -> b));
  }

  /** Which layer holds each file; empty for a volume stored as one archive. */
  public Map<String, Integer> layerByPath() {
    return files.stream().filter(f -> f.layer() != null)
        .collect(Collectors.toMap(FileDigest::path, FileDigest::layer, (a, b) -> b));
  }
}
