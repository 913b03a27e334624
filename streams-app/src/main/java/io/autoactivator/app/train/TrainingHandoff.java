package io.autoactivator.app.train;

/**
 * How the task processor hands work off its stream thread: {@link #submit} must return at once; training happens
 * elsewhere and ends with a snapshot on the snapshot topic, which the topology reads back.
 */
public interface TrainingHandoff {

  /** Queues a task for training; a request already queued or running here is ignored. */
  void submit(TrainingRequest request);

  /**
   * True while this instance has the task queued or in training, and once it has published the task's snapshot:
   * the broker acknowledged it, so it is on its way back through the snapshot topic and nothing needs re-submitting.
   */
  boolean inFlight(String modelId, String taskId);

  /**
   * Why the task can never be trained, when this instance's last attempt found that out (its samples are gone from
   * the samples topic: retention deleted them); null otherwise. Handed over once: the hand-off forgets it, and the
   * task processor quarantines the task instead of trying again, with this as the cause kept in the task's state.
   */
  default String takeUnrecoverable(String modelId, String taskId) {
    return null;
  }
}
