package io.autoactivator.app.snapshot;

import java.util.Map;
import java.util.TreeMap;

/**
 * A set of versions stored as closed ranges, so that remembering every version a model ever evicted costs a few
 * entries (evictions are nearly contiguous), not one per version. Thread-safe.
 */
final class VersionRanges {

  /** first version of a range -> last version of it. */
  private final TreeMap<Long, Long> ranges = new TreeMap<>();

  synchronized void add(long version) {
    if (contains(version)) {
      return;
    }
    long start = version;
    long end = version;
    Map.Entry<Long, Long> below = ranges.floorEntry(version - 1);
    if (below != null && below.getValue() == version - 1) {
      start = below.getKey();
      ranges.remove(below.getKey());
    }
    Long aboveEnd = ranges.remove(version + 1);
    if (aboveEnd != null) {
      end = aboveEnd;
    }
    ranges.put(start, end);
  }

  synchronized boolean contains(long version) {
    Map.Entry<Long, Long> range = ranges.floorEntry(version);
    return range != null && range.getValue() >= version;
  }

  /** Ranges held (for tests: contiguous versions share one). */
  synchronized int ranges() {
    return ranges.size();
  }
}
