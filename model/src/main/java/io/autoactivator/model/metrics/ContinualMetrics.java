package io.autoactivator.model.metrics;

/**
 * The class-incremental metrics of one accuracy matrix R (T tasks; {@link AccuracyMatrix}). All values are
 * fractions; BWT and forgetting are NaN for a single task (no earlier task to compare with).
 *
 * <ul>
 *   <li>{@code ACC} (final average accuracy, the paper's ACA) = mean_j R[T-1][j]: the MEAN OVER TASKS of the
 *       accuracy after the last task. With equal-size test sets per task (split MNIST: nearly) it equals the
 *       accuracy over all test samples of the seen classes; with unequal tasks they differ, and this is the one we
 *       compute.</li>
 *   <li>{@code AIA} (average incremental accuracy) = mean_i ( mean_{j<=i} R[i][j] ).</li>
 *   <li>{@code BWT} (backward transfer) = mean_{j<T-1} ( R[T-1][j] - R[j][j] ); negative means forgetting.</li>
 *   <li>{@code forgetting} = mean_{j<T-1} ( max_{i in [j, T-2]} R[i][j] - R[T-1][j] ).</li>
 * </ul>
 *
 * @param acc        final average accuracy
 * @param aia        average incremental accuracy
 * @param bwt        backward transfer
 * @param forgetting average forgetting
 */
public record ContinualMetrics(double acc, double aia, double bwt, double forgetting) {

  /** Computes all four from {@code r}. */
  public static ContinualMetrics of(AccuracyMatrix r) {
    return new ContinualMetrics(acc(r), aia(r), bwt(r), forgetting(r));
  }

  /** mean_j R[T-1][j]. */
  public static double acc(AccuracyMatrix r) {
    return r.averageAfter(r.tasks() - 1);
  }

  /** mean_i mean_{j<=i} R[i][j]. */
  public static double aia(AccuracyMatrix r) {
    double sum = 0;
    for (int i = 0; i < r.tasks(); i++) {
      sum += r.averageAfter(i);
    }
    return sum / r.tasks();
  }

  /** mean_{j<T-1} (R[T-1][j] - R[j][j]); NaN for T = 1. */
  public static double bwt(AccuracyMatrix r) {
    int last = r.tasks() - 1;
    if (last == 0) {
      return Double.NaN;
    }
    double sum = 0;
    for (int j = 0; j < last; j++) {
      sum += r.get(last, j) - r.get(j, j);
    }
    return sum / last;
  }

  /** mean_{j<T-1} (max_{i in [j,T-2]} R[i][j] - R[T-1][j]); NaN for T = 1. */
  public static double forgetting(AccuracyMatrix r) {
    int last = r.tasks() - 1;
    if (last == 0) {
      return Double.NaN;
    }
    double sum = 0;
    for (int j = 0; j < last; j++) {
      double best = Double.NEGATIVE_INFINITY;
      for (int i = j; i < last; i++) {
        best = Math.max(best, r.get(i, j));
      }
      sum += best - r.get(last, j);
    }
    return sum / last;
  }
}
