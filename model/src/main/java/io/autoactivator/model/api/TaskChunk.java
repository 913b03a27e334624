package io.autoactivator.model.api;

import java.util.Objects;

/**
 * Consecutive samples of a {@link TaskSource}, as one read hands them over. Each sample carries its row: its
 * position in the task's canonical order (0 to {@code size - 1}, each row exactly once per pass), so a learner can
 * pick a deterministic subset (a held-out slice, candidates) or rebuild the task in order whatever order the
 * source reads its storage in.
 *
 * @param rows     the row of each sample in the task
 * @param features the samples, {@code features[i].length == dimension}
 * @param labels   the global class label of each sample
 */
public record TaskChunk(int[] rows, float[][] features, int[] labels) {

  public TaskChunk {
    Objects.requireNonNull(rows, "rows");
    Objects.requireNonNull(features, "features");
    Objects.requireNonNull(labels, "labels");
    if (rows.length != features.length || rows.length != labels.length) {
      throw new IllegalArgumentException("a chunk of " + rows.length + " rows has " + features.length
          + " feature vectors and " + labels.length + " labels");
    }
  }

  /** Samples in this chunk. */
  public int size() {
    return rows.length;
  }
}
