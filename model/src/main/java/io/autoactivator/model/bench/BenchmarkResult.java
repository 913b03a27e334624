package io.autoactivator.model.bench;

import java.util.List;

import io.autoactivator.model.metrics.Stat;

/**
 * Everything a benchmark measured. Accuracies are fractions in [0,1]; NaN means "does not apply" (BWT of the joint
 * upper bound, task-id accuracy of learners without per-task units).
 *
 * @param dataset        dataset name
 * @param tasks          tasks per sequence
 * @param classesPerTask classes per task
 * @param orders         class orders run
 * @param methods        per method, in the order they were run
 */
public record BenchmarkResult(String dataset, int tasks, int classesPerTask, int orders, List<MethodResult> methods) {

  /**
   * One method over all orders.
   *
   * @param name    learner name
   * @param options options it ran with in order 0 (after sizing)
   * @param runs    one entry per class order that completed
   * @param note    what the bench changed about this method, e.g. a capped size ("" when nothing)
   * @param error   why the method failed (it then has fewer runs, maybe none), null when it did not
   */
  public record MethodResult(String name, java.util.Map<String, String> options, List<OrderResult> runs, String note,
      String error) {

    public MethodResult {
      note = note == null ? "" : note;
    }

    /** A method that ran without notes or errors. */
    public MethodResult(String name, java.util.Map<String, String> options, List<OrderResult> runs) {
      this(name, options, runs, "", null);
    }

    /** True when the bench capped this method's size (see {@link #note}). */
    public boolean capped() {
      return note.startsWith("capped");
    }

    public Stat acc() {
      return Stat.of(runs.stream().mapToDouble(OrderResult::acc).toArray());
    }

    public Stat aia() {
      return Stat.of(runs.stream().mapToDouble(OrderResult::aia).toArray());
    }

    public Stat bwt() {
      return Stat.of(runs.stream().mapToDouble(OrderResult::bwt).toArray());
    }

    public Stat forgetting() {
      return Stat.of(runs.stream().mapToDouble(OrderResult::forgetting).toArray());
    }

    public Stat taskIdAccuracy() {
      return Stat.of(runs.stream().mapToDouble(OrderResult::taskIdAccuracy).toArray());
    }

    public Stat units() {
      return Stat.of(runs.stream().mapToDouble(OrderResult::units).toArray());
    }

    public Stat params() {
      return Stat.of(runs.stream().mapToDouble(OrderResult::params).toArray());
    }

    public Stat trainSeconds() {
      return Stat.of(runs.stream().mapToDouble(OrderResult::trainSeconds).toArray());
    }

    /** True for the offline upper bound, trained once on all classes. */
    public boolean joint() {
      return !runs.isEmpty() && runs.get(0).joint();
    }
  }

  /**
   * One method in one class order.
   *
   * @param order               order index (0 = natural)
   * @param classOrder          the class order
   * @param joint               trained once on all classes (then {@code matrix} has one row: accuracy per task)
   * @param matrix              R[i][j], NaN above the diagonal
   * @param accuracyAfterTask   mean_{j<=i} R[i][j] per task i (one value for joint)
   * @param acc                 final average accuracy (mean over tasks)
   * @param aia                 average incremental accuracy (NaN for joint)
   * @param bwt                 backward transfer (NaN for joint or a single task)
   * @param forgetting          average forgetting (NaN for joint or a single task)
   * @param taskIdAccuracy      fraction of all test rows routed to their own task's unit after the last task
   * @param units               hidden units of the final model
   * @param unitsPerTask        units recruited per task
   * @param params              parameters of the final model
   * @param trainSeconds        total training time (evaluation excluded)
   * @param trainSecondsPerTask training time per task
   */
  public record OrderResult(int order, int[] classOrder, boolean joint, double[][] matrix, double[] accuracyAfterTask,
      double acc, double aia, double bwt, double forgetting, double taskIdAccuracy, int units, int[] unitsPerTask,
      long params, double trainSeconds, double[] trainSecondsPerTask) {
  }
}
