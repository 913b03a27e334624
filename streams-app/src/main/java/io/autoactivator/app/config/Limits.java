package io.autoactivator.app.config;

/**
 * The bounds that keep one hostile or broken record from wedging the service: sizes checked at decode, before
 * anything is allocated from a record's own claims, and how often a task is tried before it is quarantined.
 *
 * @param maxRecordBytes       largest sample, boundary or query value accepted; larger ones are dead-lettered at
 *                             decode (their copies in the repartition topic and changelogs would not fit a broker's
 *                             default message size)
 * @param maxFeatures          longest feature vector accepted in a sample or query
 * @param maxSnapshotBytes     largest snapshot payload a chunk header may announce
 * @param maxTrainingAttempts  training attempts of one task before it is quarantined
 * @param deadLetterValueBytes bytes of the original value kept in a dead letter (the rest is cut off)
 * @param maxTaskSamples       samples one task may buffer or announce
 * @param maxModelBufferedBytes bytes of untrained samples one model may hold on the samples topic (the sum of the
 *                             accepted records' values over its untrained tasks)
 * @param retainedVersions     newest versions of each model kept in memory besides the serving and shadow ones
 * @param maxPendingSnapshotBytes bytes of incomplete snapshot copies held while their chunks arrive
 * @param maxPendingSnapshotAgeMs how long (in record time) an incomplete snapshot copy waits for its next chunk
 * @param abandonedTaskTimeoutMs how long a task that is not complete may go without a record before it is
 *                             quarantined (its buffer deleted, the model's later tasks proceed)
 */
public record Limits(int maxRecordBytes, int maxFeatures, long maxSnapshotBytes, int maxTrainingAttempts,
    int deadLetterValueBytes, long maxTaskSamples, long maxModelBufferedBytes, int retainedVersions,
    long maxPendingSnapshotBytes, long maxPendingSnapshotAgeMs, long abandonedTaskTimeoutMs) {

  public Limits {
    if (maxRecordBytes < 1024 || maxFeatures < 1 || maxSnapshotBytes < 1 || maxTrainingAttempts < 1
        || deadLetterValueBytes < 0 || maxTaskSamples < 1 || maxModelBufferedBytes < 1 || retainedVersions < 1
        || maxPendingSnapshotBytes < 1 || maxPendingSnapshotAgeMs < 1 || abandonedTaskTimeoutMs < 1) {
      throw new IllegalArgumentException("invalid limits " + maxRecordBytes + ", " + maxFeatures + ", "
          + maxSnapshotBytes + ", " + maxTrainingAttempts + ", " + deadLetterValueBytes + ", " + maxTaskSamples
          + ", " + maxModelBufferedBytes + ", " + retainedVersions + ", " + maxPendingSnapshotBytes + ", "
          + maxPendingSnapshotAgeMs + ", " + abandonedTaskTimeoutMs);
    }
  }

  /** The defaults of {@link AppConfig}. */
  public static Limits defaults() {
    return AppConfig.defaults("limits").appSettings().limits();
  }

  /** A copy that quarantines after {@code attempts} training attempts. */
  public Limits withMaxTrainingAttempts(int attempts) {
    return new Limits(maxRecordBytes, maxFeatures, maxSnapshotBytes, attempts, deadLetterValueBytes, maxTaskSamples,
        maxModelBufferedBytes, retainedVersions, maxPendingSnapshotBytes, maxPendingSnapshotAgeMs,
        abandonedTaskTimeoutMs);
  }

  /** A copy with another largest input record. */
  public Limits withMaxRecordBytes(int bytes) {
    return new Limits(bytes, maxFeatures, maxSnapshotBytes, maxTrainingAttempts, deadLetterValueBytes,
        maxTaskSamples, maxModelBufferedBytes, retainedVersions, maxPendingSnapshotBytes, maxPendingSnapshotAgeMs,
        abandonedTaskTimeoutMs);
  }

  /** A copy with another largest task. */
  public Limits withMaxTaskSamples(long samples) {
    return new Limits(maxRecordBytes, maxFeatures, maxSnapshotBytes, maxTrainingAttempts, deadLetterValueBytes,
        samples, maxModelBufferedBytes, retainedVersions, maxPendingSnapshotBytes, maxPendingSnapshotAgeMs,
        abandonedTaskTimeoutMs);
  }

  /** A copy with another bound on a model's buffered bytes. */
  public Limits withMaxModelBufferedBytes(long bytes) {
    return new Limits(maxRecordBytes, maxFeatures, maxSnapshotBytes, maxTrainingAttempts, deadLetterValueBytes,
        maxTaskSamples, bytes, retainedVersions, maxPendingSnapshotBytes, maxPendingSnapshotAgeMs,
        abandonedTaskTimeoutMs);
  }

  /** A copy that keeps {@code versions} newest versions of each model in memory. */
  public Limits withRetainedVersions(int versions) {
    return new Limits(maxRecordBytes, maxFeatures, maxSnapshotBytes, maxTrainingAttempts, deadLetterValueBytes,
        maxTaskSamples, maxModelBufferedBytes, versions, maxPendingSnapshotBytes, maxPendingSnapshotAgeMs,
        abandonedTaskTimeoutMs);
  }

  /** A copy that quarantines a task left incomplete for {@code timeoutMs} without a record. */
  public Limits withAbandonedTaskTimeoutMs(long timeoutMs) {
    return new Limits(maxRecordBytes, maxFeatures, maxSnapshotBytes, maxTrainingAttempts, deadLetterValueBytes,
        maxTaskSamples, maxModelBufferedBytes, retainedVersions, maxPendingSnapshotBytes, maxPendingSnapshotAgeMs,
        timeoutMs);
  }
}
