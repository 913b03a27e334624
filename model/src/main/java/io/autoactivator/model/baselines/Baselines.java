package io.autoactivator.model.baselines;

import java.util.Arrays;
import java.util.List;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import io.autoactivator.model.api.ClassIncrementalModel;
import io.autoactivator.model.api.InvalidTaskDataException;
import io.autoactivator.model.api.LearnedTask;
import io.autoactivator.model.api.LearnerProvider;
import io.autoactivator.model.api.Predictions;
import io.autoactivator.model.api.TaskData;
import io.autoactivator.model.api.TaskSource;

/**
 * The comparison learners of the benchmark, each registered in {@link io.autoactivator.model.api.Learners} after the
 * AutoActivator entries: {@code joint} (offline upper bound), {@code analytic} (rehearsal-free analytic ridge,
 * ACIL/RanPAC style), {@code ncm} (nearest class mean) and {@code finetune} (MLP fine-tuned task after task, lower
 * bound).
 */
public final class Baselines {

  private Baselines() {
  }

  /** The providers, in registration order. */
  public static List<LearnerProvider> providers() {
    return List.of(AnalyticLearner.joint(), AnalyticLearner.analytic(), new NcmLearner.Provider(),
        new FinetuneLearner.Provider());
  }

  // ---- helpers shared by the models ----

  /** Validates rows and stacks them into an n x dimension float matrix. */
  static INDArray matrix(float[][] rows, int dimension) {
    float[] flat = new float[rows.length * dimension];
    for (int i = 0; i < rows.length; i++) {
      float[] row = rows[i];
      if (row == null || row.length != dimension) {
        throw new InvalidTaskDataException("row " + i + " has " + (row == null ? "no" : String.valueOf(row.length))
            + " features, expected " + dimension);
      }
      for (int j = 0; j < dimension; j++) {
        if (!Float.isFinite(row[j])) {
          throw new InvalidTaskDataException("row " + i + " feature " + j + " is " + row[j]);
        }
      }
      System.arraycopy(row, 0, flat, i * dimension, dimension);
    }
    return Nd4j.create(flat, new long[] {rows.length, dimension}, 'c');
  }

  /** Checks an INDArray input and returns it as a float c-order matrix. */
  static INDArray checked(INDArray features, int dimension) {
    if (features.rank() != 2 || features.columns() != dimension) {
      throw new InvalidTaskDataException("expected an N x " + dimension + " matrix, got "
          + Arrays.toString(features.shape()));
    }
    INDArray floats = features.dataType() == DataType.FLOAT ? features : features.castTo(DataType.FLOAT);
    if (floats.isInfinite().any() || floats.isNaN().any()) {
      throw new InvalidTaskDataException("input holds a non-finite value");
    }
    return floats;
  }

  /** Checks that {@code task} can be learned on top of {@code previous} (same dimension, all classes new). */
  static void checkNewTask(ClassIncrementalModel previous, TaskData task) {
    checkNewTask(previous, TaskSource.of(task));
  }

  /** {@link #checkNewTask(ClassIncrementalModel, TaskData)} for a task read from a source. */
  static void checkNewTask(ClassIncrementalModel previous, TaskSource task) {
    if (previous == null) {
      return;
    }
    if (previous.inputDimension() != task.dimension()) {
      throw new InvalidTaskDataException("task " + task.taskId() + " has " + task.dimension()
          + " features but the model takes " + previous.inputDimension());
    }
    for (int c : task.classes()) {
      if (Arrays.stream(previous.classes()).anyMatch(k -> k == c)) {
        throw new InvalidTaskDataException("task " + task.taskId() + ": class " + c + " is already learned");
      }
    }
    for (LearnedTask learned : previous.tasks()) {
      if (learned.taskId().equals(task.taskId())) {
        throw new InvalidTaskDataException("task id " + task.taskId() + " is already learned");
      }
    }
  }

  /** Predictions from a score matrix (n x classes), argmax over all classes; no per-task units. */
  static Predictions fromScores(INDArray scores, int[] classes) {
    float[][] s = scores.castTo(DataType.FLOAT).toFloatMatrix();
    int[] labels = new int[s.length];
    int[] fired = new int[s.length];
    float[][] taskScores = new float[s.length][0];
    for (int i = 0; i < s.length; i++) {
      int best = 0;
      for (int k = 1; k < s[i].length; k++) {
        if (s[i][k] > s[i][best]) {
          best = k;
        }
      }
      labels[i] = classes[best];
      fired[i] = -1;
    }
    return new Predictions(labels, s, fired, taskScores);
  }

  /** Predictions restricted, row by row, to the classes of the given task. */
  static Predictions restrictedToTask(Predictions all, int[] classes, List<LearnedTask> tasks, int[] taskIndex) {
    if (taskIndex.length != all.size()) {
      throw new InvalidTaskDataException(all.size() + " rows but " + taskIndex.length + " task indices");
    }
    int[] labels = new int[all.size()];
    for (int i = 0; i < all.size(); i++) {
      if (taskIndex[i] < 0 || taskIndex[i] >= tasks.size()) {
        throw new InvalidTaskDataException("row " + i + ": task index " + taskIndex[i] + " is not one of the "
            + tasks.size() + " learned tasks");
      }
      float best = Float.NEGATIVE_INFINITY;
      for (int c : tasks.get(taskIndex[i]).classes()) {
        int column = indexOf(classes, c);
        if (all.classScores()[i][column] > best) {
          best = all.classScores()[i][column];
          labels[i] = c;
        }
      }
    }
    return new Predictions(labels, all.classScores(), taskIndex.clone(), all.taskScores());
  }

  static int indexOf(int[] values, int value) {
    for (int i = 0; i < values.length; i++) {
      if (values[i] == value) {
        return i;
      }
    }
    return -1;
  }

  static int[] concat(int[] a, int[] b) {
    int[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
