package io.autoactivator.app.records;

/**
 * Why a record was dead-lettered. The names are the {@code reason} field of {@code DeadLetter} and the
 * {@code reason} tag of the {@code autoactivator.dead.letters} counter; decoding failures use the decoder's own
 * reason prefixed with {@code UNDECODABLE_} ({@code UNDECODABLE_MALFORMED}, ...).
 */
public enum Reason {
  /** Bytes that are not a record of the expected type (see the decoder's reason in the message). */
  UNDECODABLE,
  /** A null value (tombstone) on an input topic, where nothing can be deleted. */
  TOMBSTONE,
  /** Feature vector length differs from the model's input dimension (fixed by its first sample). */
  WRONG_DIMENSION,
  /** A feature is NaN or infinite, or the vector is empty. */
  NON_FINITE,
  /** A model, task or sample id is empty or contains '/', the separator of store keys. */
  INVALID_ID,
  /** A sample's label is not one of its task's classes. */
  UNKNOWN_LABEL,
  /** A boundary contradicts the task: classes differ from the START's, END without a count, empty classes. */
  INCONSISTENT_BOUNDARY,
  /** A START or END seen twice for the same task. */
  DUPLICATE_BOUNDARY,
  /** A sample id seen twice in the same task. */
  DUPLICATE_SAMPLE,
  /** A sample or boundary for a task that is already queued for, in, or done with training. */
  TASK_ALREADY_TRAINED,
  /** An END announcing fewer samples than are already buffered for the task. */
  COUNT_MISMATCH,
  /** A task announces a class an earlier task of the model already introduced. */
  CLASS_ALREADY_LEARNED,
  /** A command for a model this deployment has no snapshot of. */
  UNKNOWN_MODEL,
  /** A command for a version this deployment has no snapshot of. */
  UNKNOWN_VERSION,
  /** A prediction request that cannot be answered: wrong dimension or non-finite features. */
  INVALID_QUERY,
  /**
   * A record larger than {@code input.max.record.bytes}, a vector longer than {@code input.max.features}, a task
   * beyond {@code task.max.samples}, a model beyond {@code model.max.buffered.bytes} (the quotas are also counted by
   * {@code autoactivator.quota.rejections}, tagged with the setting).
   */
  TOO_LARGE,
  /** A snapshot chunk whose metadata is impossible (size, chunk count or index out of bounds, no checksum). */
  INVALID_SNAPSHOT,
  /** A record a processor failed on (caught by the processing exception handler; the record is skipped). */
  PROCESSING_ERROR,
  /** A record the producer could not write (too large for the broker, say); skipped by the production handler. */
  PRODUCTION_ERROR,
  /** A task that failed training {@code training.max.attempts} times; its model's later tasks proceed. */
  TASK_QUARANTINED,
  /**
   * A task that stayed incomplete (its END never came, or fewer samples than its END announced) without a record for
   * {@code task.abandoned.timeout.ms}: quarantined, its buffer deleted, so its model's later tasks proceed.
   */
  TASK_ABANDONED,
  /** A task an operator aborted (a task-events ABORT); its buffer is deleted and later tasks proceed. */
  TASK_ABORTED,
  /**
   * A task whose samples the samples topic deleted (retention) before it trained: quarantined instead of trained on
   * part of its data; raise the samples topic's retention.ms (see the README) and publish the task again.
   */
  SAMPLES_EXPIRED
}
