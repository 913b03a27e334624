package io.autoactivator.model.api;

import java.util.Arrays;
import java.util.Objects;

/**
 * One task's labelled data, held only for the duration of a training call: the learner must not keep a
 * reference to it (AutoActivator is rehearsal-free), so everything a model needs later is derived from it
 * during {@link IncrementalLearner#learn}.
 *
 * <p>The constructor validates the data once, so every learner can trust it: at least one sample, one feature
 * dimension, finite values, and every label one of the task's announced classes.
 *
 * @param taskId   the task's id, unique within one model's task sequence
 * @param classes  the global class labels this task introduces (distinct, non-empty)
 * @param features row-major samples, {@code features[i].length == dimension} for every row
 * @param labels   global class label of each sample, each one of {@code classes}
 */
public record TaskData(String taskId, int[] classes, float[][] features, int[] labels) {

  public TaskData {
    Objects.requireNonNull(taskId, "taskId");
    Objects.requireNonNull(classes, "classes");
    Objects.requireNonNull(features, "features");
    Objects.requireNonNull(labels, "labels");
    if (classes.length == 0) {
      throw new InvalidTaskDataException("task " + taskId + " announces no classes");
    }
    if (Arrays.stream(classes).distinct().count() != classes.length) {
      throw new InvalidTaskDataException("task " + taskId + " announces duplicate classes " + Arrays.toString(classes));
    }
    if (features.length == 0) {
      throw new InvalidTaskDataException("task " + taskId + " has no samples");
    }
    if (features.length != labels.length) {
      throw new InvalidTaskDataException("task " + taskId + " has " + features.length + " samples but "
          + labels.length + " labels");
    }
    int dimension = features[0].length;
    if (dimension == 0) {
      throw new InvalidTaskDataException("task " + taskId + " has samples with no features");
    }
    for (int i = 0; i < features.length; i++) {
      float[] row = features[i];
      if (row == null || row.length != dimension) {
        throw new InvalidTaskDataException("task " + taskId + ": sample " + i + " has "
            + (row == null ? "no" : String.valueOf(row.length)) + " features, expected " + dimension);
      }
      for (int j = 0; j < dimension; j++) {
        if (!Float.isFinite(row[j])) {
          throw new InvalidTaskDataException("task " + taskId + ": sample " + i + " feature " + j + " is " + row[j]);
        }
      }
      if (indexOf(classes, labels[i]) < 0) {
        throw new InvalidTaskDataException("task " + taskId + ": sample " + i + " has label " + labels[i]
            + ", which is not one of the task's classes " + Arrays.toString(classes));
      }
    }
  }

  /** Number of samples. */
  public int size() {
    return features.length;
  }

  /** Number of features per sample. */
  public int dimension() {
    return features[0].length;
  }

  /** Position of {@code label} in {@link #classes()}, or -1. */
  public int classIndex(int label) {
    return indexOf(classes, label);
  }

  private static int indexOf(int[] values, int value) {
    for (int i = 0; i < values.length; i++) {
      if (values[i] == value) {
        return i;
      }
    }
    return -1;
  }
}
