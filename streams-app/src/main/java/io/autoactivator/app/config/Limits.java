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
 */
public record Limits(int maxRecordBytes, int maxFeatures, long maxSnapshotBytes, int maxTrainingAttempts,
    int deadLetterValueBytes, long maxTaskSamples, long maxModelBufferedBytes) {

  public Limits {
    if (maxRecordBytes < 1024 || maxFeatures < 1 || maxSnapshotBytes < 1 || maxTrainingAttempts < 1
        || deadLetterValueBytes < 0 || maxTaskSamples < 1 || maxModelBufferedBytes < 1) {
      throw new IllegalArgumentException("invalid limits " + maxRecordBytes + ", " + maxFeatures + ", "
          + maxSnapshotBytes + ", " + maxTrainingAttempts + ", " + deadLetterValueBytes + ", " + maxTaskSamples
          + ", " + maxModelBufferedBytes);
    }
  }

  /** The defaults of {@link AppConfig}. */
  public static Limits defaults() {
    return AppConfig.defaults("limits").appSettings().limits();
  }

  /** A copy that quarantines after {@code attempts} training attempts. */
  public Limits withMaxTrainingAttempts(int attempts) {
    return new Limits(maxRecordBytes, maxFeatures, maxSnapshotBytes, attempts, deadLetterValueBytes, maxTaskSamples,
        maxModelBufferedBytes);
  }

  /** A copy with another largest input record. */
  public Limits withMaxRecordBytes(int bytes) {
    return new Limits(bytes, maxFeatures, maxSnapshotBytes, maxTrainingAttempts, deadLetterValueBytes,
        maxTaskSamples, maxModelBufferedBytes);
  }

  /** A copy with another largest task. */
  public Limits withMaxTaskSamples(long samples) {
    return new Limits(maxRecordBytes, maxFeatures, maxSnapshotBytes, maxTrainingAttempts, deadLetterValueBytes,
        samples, maxModelBufferedBytes);
  }

  /** A copy with another bound on a model's buffered bytes. */
  public Limits withMaxModelBufferedBytes(long bytes) {
    return new Limits(maxRecordBytes, maxFeatures, maxSnapshotBytes, maxTrainingAttempts, deadLetterValueBytes,
        maxTaskSamples, bytes);
  }
}
