package io.autoactivator.model.api;

/**
 * The answer of a model to a batch of inputs. Everything is indexed by row of the input batch.
 *
 * @param labels      predicted global class label per row
 * @param classScores per row, one score per class in the order of {@link ClassIncrementalModel#classes()};
 *                    higher is more likely (not necessarily probabilities)
 * @param firedTask   per row, the index into {@link ClassIncrementalModel#tasks()} of the unit that was
 *                    reactivated to answer, or -1 when the learner has no per-task units
 * @param taskScores  per row, the router's statistic for each task's unit (same order as tasks()); for the
 *                    paper's rule this is |threshold - test statistic| (lower wins), for the other routers
 *                    a score where higher wins; empty rows when the learner has no units
 */
public record Predictions(int[] labels, float[][] classScores, int[] firedTask, float[][] taskScores) {

  /** Number of rows answered. */
  public int size() {
    return labels.length;
  }
}
