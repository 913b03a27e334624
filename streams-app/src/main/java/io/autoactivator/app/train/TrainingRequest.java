package io.autoactivator.app.train;

/**
 * One task to train on top of one committed snapshot. The version it will produce is fixed by the request
 * ({@code parentVersion + 1}), so a request repeated after a crash produces the same snapshot, not a new one.
 */
public record TrainingRequest(String modelId, String taskId, long parentVersion, int[] classes, long expected) {

  /** The version the snapshot of this task gets. */
  public long version() {
    return parentVersion + 1;
  }
}
