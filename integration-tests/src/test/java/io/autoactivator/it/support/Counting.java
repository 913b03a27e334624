package io.autoactivator.it.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.autoactivator.schemas.ModelSnapshot;

/** What went in against what came out: nothing lost, nothing duplicated. */
public final class Counting {

  private Counting() {
  }

  /** Occurrences of each key. */
  public static <T> Map<String, Long> countBy(Collection<T> items, Function<T, String> key) {
    return items.stream().collect(Collectors.groupingBy(key, TreeMap::new, Collectors.counting()));
  }

  /** Every expected key occurs exactly once in {@code items} and no other key occurs. */
  public static <T> void assertExactlyOnce(String what, Collection<String> expected, Collection<T> items,
      Function<T, String> key) {
    Map<String, Long> counts = countBy(items, key);
    assertThat(counts.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList())
        .as("%s answered more than once", what).isEmpty();
    assertThat(expected.stream().filter(k -> !counts.containsKey(k)).toList()).as("%s lost", what).isEmpty();
    assertThat(counts.keySet().stream().filter(k -> !expected.contains(k)).toList())
        .as("%s nobody sent", what).isEmpty();
  }

  /** Snapshot records of {@code modelId} by version: each version's chunks present exactly once. */
  public static Map<Long, List<ModelSnapshot>> snapshotsByVersion(List<ModelSnapshot> records, String modelId) {
    Map<Long, List<ModelSnapshot>> byVersion = records.stream()
        .filter(s -> s.getModelId().equals(modelId))
        .collect(Collectors.groupingBy(ModelSnapshot::getVersion, TreeMap::new, Collectors.toList()));
    byVersion.forEach((version, chunks) -> {
      int count = chunks.get(0).getChunkCount();
      assertThat(chunks.stream().map(ModelSnapshot::getChunkIndex).sorted().toList())
          .as("chunks of version %s (each exactly once)", version)
          .isEqualTo(java.util.stream.IntStream.range(0, count).boxed().toList());
      assertThat(chunks.stream().map(ModelSnapshot::getChecksum).distinct().count())
          .as("one checksum for version %s", version).isEqualTo(1);
    });
    return byVersion;
  }

  /** True once every chunk of {@code version} is in {@code records}. */
  public static boolean hasCompleteVersion(List<ModelSnapshot> records, String modelId, long version) {
    return records.stream().filter(s -> s.getModelId().equals(modelId) && s.getVersion() == version)
        .map(ModelSnapshot::getChunkIndex).distinct().count()
        == records.stream().filter(s -> s.getModelId().equals(modelId) && s.getVersion() == version)
        .mapToInt(ModelSnapshot::getChunkCount).findFirst().orElse(-1);
  }
}
