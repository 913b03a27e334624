package io.autoactivator.app.buffer;

/** Where a task is on its way from first record to trained snapshot. */
public enum TaskStatus {
  /** Samples (and maybe a START) arrived; no END yet. */
  OPEN,
  /** END arrived; waiting for the samples it announced. */
  ENDED,
  /** END and every announced sample are buffered; waiting for its turn to train. */
  READY,
  /** Handed to the training coordinator; the snapshot is not committed yet. */
  TRAINING,
  /** Its snapshot is committed to the snapshot topic; its buffer is deleted. */
  TRAINED,
  /** Not complete after the incompleteness timeout: reported, never trained on part of its data. */
  INCOMPLETE,
  /**
   * Taken out of its model's queue for good: training failed {@code training.max.attempts} times, or an operator
   * aborted it (task-events ABORT). Its buffer is deleted, its classes are free again, later tasks proceed.
   */
  QUARANTINED
}
