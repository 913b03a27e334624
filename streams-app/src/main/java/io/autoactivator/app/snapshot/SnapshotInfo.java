package io.autoactivator.app.snapshot;

import java.util.List;
import java.util.Map;

/**
 * Where a snapshot came from, as the app knows it when it writes one: recorded in the payload's provenance and in
 * the {@code ModelSnapshot} records that carry it.
 *
 * @param parentVersion 0 for a model's first snapshot
 * @param dataOffsets   "topic-partition" -> offset after the last sample of the newest task (exclusive end)
 */
public record SnapshotInfo(String modelId, long version, long parentVersion, String learner, long seed,
    Map<String, String> options, String configHash, List<String> taskIds, Map<String, Long> dataOffsets,
    String codeVersion) {

  /** The version of this code: the jar's Implementation-Version, or "dev" when run from classes. */
  public static String currentCodeVersion() {
    String version = SnapshotInfo.class.getPackage().getImplementationVersion();
    return version == null ? "dev" : version;
  }
}
