package io.autoactivator.model.metrics;

import java.util.Arrays;

/**
 * The accuracy matrix of a class-incremental run: {@code R[i][j]} is the accuracy (a fraction in [0,1]) on task j's
 * test data after training task i, defined for {@code j <= i}; entries above the diagonal are NaN. Mutable while a
 * run fills it; {@link #toArray()} copies.
 */
public final class AccuracyMatrix {

  private final double[][] r;

  /** An empty T x T matrix. */
  public AccuracyMatrix(int tasks) {
    if (tasks < 1) {
      throw new IllegalArgumentException("need at least one task, got " + tasks);
    }
    r = new double[tasks][tasks];
    for (double[] row : r) {
      Arrays.fill(row, Double.NaN);
    }
  }

  /** A matrix with the lower triangle of {@code values} (entries above the diagonal are ignored). */
  public static AccuracyMatrix of(double[][] values) {
    AccuracyMatrix matrix = new AccuracyMatrix(values.length);
    for (int i = 0; i < values.length; i++) {
      for (int j = 0; j <= i; j++) {
        matrix.set(i, j, values[i][j]);
      }
    }
    return matrix;
  }

  /** Number of tasks T. */
  public int tasks() {
    return r.length;
  }

  /** Records the accuracy on task j after training task i. */
  public void set(int i, int j, double accuracy) {
    if (j > i) {
      throw new IllegalArgumentException("R[" + i + "][" + j + "]: task " + j + " is not learned after task " + i);
    }
    if (!(accuracy >= 0 && accuracy <= 1)) {
      throw new IllegalArgumentException("accuracy must be a fraction in [0,1], got " + accuracy);
    }
    r[i][j] = accuracy;
  }

  /** R[i][j] (NaN when not recorded or above the diagonal). */
  public double get(int i, int j) {
    return r[i][j];
  }

  /** Mean accuracy over the tasks seen after training task i: mean_{j<=i} R[i][j]. */
  public double averageAfter(int i) {
    double sum = 0;
    for (int j = 0; j <= i; j++) {
      sum += r[i][j];
    }
    return sum / (i + 1);
  }

  /** A copy, NaN above the diagonal. */
  public double[][] toArray() {
    double[][] copy = new double[r.length][];
    for (int i = 0; i < r.length; i++) {
      copy[i] = r[i].clone();
    }
    return copy;
  }

  @Override
  public String toString() {
    StringBuilder out = new StringBuilder();
    for (double[] row : r) {
      for (double v : row) {
        out.append(Double.isNaN(v) ? "     -" : String.format(java.util.Locale.ROOT, "%6.1f", 100 * v));
      }
      out.append('\n');
    }
    return out.toString();
  }
}
