package io.autoactivator.model.bench;

/**
 * Progress of a benchmark, for a progress bar or log lines. A step is training one task of one method in one order
 * (plus its evaluation); {@code joint} counts one step per order.
 */
public interface BenchmarkListener {

  /** A listener that ignores everything. */
  BenchmarkListener NONE = new BenchmarkListener() {
  };

  /** The run begins; {@code totalSteps} steps will follow. */
  default void started(int totalSteps) {
  }

  /** A step begins. */
  default void stepStarted(String method, int order, String taskId) {
  }

  /** A step ended after {@code trainSeconds} of training. */
  default void stepFinished(String method, int order, String taskId, double trainSeconds, double accuracySoFar) {
  }

  /** The run ended. */
  default void finished() {
  }
}
