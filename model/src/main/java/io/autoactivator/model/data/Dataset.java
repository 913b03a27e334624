package io.autoactivator.model.data;

import java.util.Arrays;
import java.util.Objects;

/**
 * A labelled table of samples: what every reader returns and what the class-incremental splitter cuts into tasks.
 * Labels are integer class ids; {@code classNames} (optional) names them for reports.
 *
 * @param name       where the data came from, for messages ("mnist/train", "vowel.csv")
 * @param features   row-major samples, all of the same length
 * @param labels     class id per row
 * @param classNames name per class id, or an empty array when the source has none
 */
public record Dataset(String name, float[][] features, int[] labels, String[] classNames) {

  public Dataset {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(features, "features");
    Objects.requireNonNull(labels, "labels");
    Objects.requireNonNull(classNames, "classNames");
    if (features.length != labels.length) {
      throw new IllegalArgumentException(name + ": " + features.length + " rows but " + labels.length + " labels");
    }
  }

  /** Number of rows. */
  public int size() {
    return labels.length;
  }

  /** Features per row (0 for an empty dataset). */
  public int dimension() {
    return features.length == 0 ? 0 : features[0].length;
  }

  /** The distinct class ids, ascending. */
  public int[] classes() {
    return Arrays.stream(labels).distinct().sorted().toArray();
  }

  /** The rows at {@code indices}, in that order (rows are shared, not copied). */
  public Dataset select(int[] indices, String newName) {
    float[][] rows = new float[indices.length][];
    int[] selected = new int[indices.length];
    for (int i = 0; i < indices.length; i++) {
      rows[i] = features[indices[i]];
      selected[i] = labels[indices[i]];
    }
    return new Dataset(newName, rows, selected, classNames);
  }

  /** The first {@code count} rows of each class, in their original order: a small, stratified, reproducible slice. */
  public Dataset firstPerClass(int count) {
    int maxLabel = Arrays.stream(labels).max().orElse(-1);
    int[] taken = new int[maxLabel + 1];
    int[] keep = new int[labels.length];
    int kept = 0;
    for (int i = 0; i < labels.length; i++) {
      if (taken[labels[i]]++ < count) {
        keep[kept++] = i;
      }
    }
    return select(Arrays.copyOf(keep, kept), name + "[first " + count + "/class]");
  }
}
