package io.autoactivator.model.api;

/**
 * Progress of a training call, for progress bars, logs and metrics. Called on the training thread; keep it cheap.
 */
public interface TrainingListener {

  /** A listener that ignores everything. */
  TrainingListener NONE = new TrainingListener() {
  };

  /** Training of a task began. */
  default void taskStarted(String taskId, int samples, int maxUnits) {
  }

  /**
   * A block of units joined the task's unit (or, for learners without units, a step of work finished).
   *
   * @param unitsSoFar    units recruited for this task so far
   * @param maxUnits      the cap (L_max) for this task
   * @param residual      root-mean-square training residual after the step
   * @param trainAccuracy training accuracy of the task's head after the step, in [0,1]
   */
  default void progress(String taskId, int unitsSoFar, int maxUnits, double residual, double trainAccuracy) {
  }

  /** Training of a task ended. */
  default void taskFinished(String taskId, int units, double seconds) {
  }
}
