package io.autoactivator.app.config;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * What the streaming learner needs to know beyond the Kafka client settings. Built by the configuration layer
 * (properties file, environment, CLI flags) and handed to {@code StreamingLearnerApp}; tests build it directly.
 *
 * @param instanceId            names this instance in dead letters, logs and metrics
 * @param topics                topic names
 * @param learner               learner name from {@code Learners} (default {@code autoactivator})
 * @param learnerOptions        learner-specific options
 * @param seed                  seed of every learner (snapshots are deterministic given it)
 * @param servingBatchSize      most queries answered together in one matrix product (the serving loop batches
 *                              whatever is waiting, up to this)
 * @param servingLinger         unused since the serving loop (no fixed linger); kept for compatibility
 * @param incompleteTaskTimeout after this long without completing, an ended task is reported as incomplete
 * @param snapshotChunkBytes    snapshots larger than this are split into several records
 * @param topK                  scores returned per prediction
 * @param createTopics          whether {@code start()} creates missing topics (off where topics are managed elsewhere)
 * @param topicPartitions       partitions of the topics {@code start()} creates
 * @param topicReplicationFactor replicas of the topics {@code start()} creates; -1 means 1
 * @param limits                record, vector and snapshot size bounds, training attempts
 * @param snapshotSigningKey    HMAC key that signs published snapshots and is required of loaded ones; null: none
 * @param serving               the serving loop's queue, native threads and commit interval
 */
public record AppSettings(String instanceId, Topics topics, String learner, Map<String, String> learnerOptions,
    long seed, int servingBatchSize, Duration servingLinger, Duration incompleteTaskTimeout, int snapshotChunkBytes,
    int topK, boolean createTopics, int topicPartitions, short topicReplicationFactor, Limits limits,
    String snapshotSigningKey, Serving serving) {

  /**
   * The serving loop's settings beyond the batch size.
   *
   * @param queueSize      requests read from Kafka and not yet answered; at this many the consumer pauses
   * @param nativeThreads  threads per ND4J/OpenBLAS call in this process (0: leave ND4J's defaults)
   * @param commitInterval how often the offsets of acknowledged answers are committed
   */
  public record Serving(int queueSize, int nativeThreads, Duration commitInterval) {

    public Serving {
      Objects.requireNonNull(commitInterval, "commitInterval");
      if (queueSize < 1 || nativeThreads < 0) {
        throw new IllegalArgumentException("invalid serving settings: queue " + queueSize + ", threads "
            + nativeThreads);
      }
    }
  }

  /** The settings of a build before the serving loop, with its defaults for the loop. */
  public AppSettings(String instanceId, Topics topics, String learner, Map<String, String> learnerOptions,
      long seed, int servingBatchSize, Duration servingLinger, Duration incompleteTaskTimeout, int snapshotChunkBytes,
      int topK, boolean createTopics, int topicPartitions, short topicReplicationFactor, Limits limits,
      String snapshotSigningKey) {
    this(instanceId, topics, learner, learnerOptions, seed, servingBatchSize, servingLinger, incompleteTaskTimeout,
        snapshotChunkBytes, topK, createTopics, topicPartitions, topicReplicationFactor, limits, snapshotSigningKey,
        new Serving(1024, 1, Duration.ofMillis(100)));
  }

  public AppSettings {
    Objects.requireNonNull(serving, "serving");
    Objects.requireNonNull(instanceId, "instanceId");
    Objects.requireNonNull(topics, "topics");
    Objects.requireNonNull(learner, "learner");
    learnerOptions = Map.copyOf(learnerOptions);
    Objects.requireNonNull(servingLinger, "servingLinger");
    Objects.requireNonNull(incompleteTaskTimeout, "incompleteTaskTimeout");
    Objects.requireNonNull(limits, "limits");
    if (servingBatchSize < 1) {
      throw new IllegalArgumentException("servingBatchSize must be >= 1, was " + servingBatchSize);
    }
    if (snapshotChunkBytes < 1024) {
      throw new IllegalArgumentException("snapshotChunkBytes must be >= 1024, was " + snapshotChunkBytes);
    }
    if (topK < 1) {
      throw new IllegalArgumentException("topK must be >= 1, was " + topK);
    }
    if (topicPartitions < 1) {
      throw new IllegalArgumentException("topicPartitions must be >= 1, was " + topicPartitions);
    }
  }

  /** The defaults of {@link AppConfig} for one instance (AutoActivator, seed 42, batches of 256 within 5 ms, ...). */
  public static AppSettings defaults(String instanceId) {
    return AppConfig.defaults(instanceId).appSettings();
  }

  /** A copy with other topics. */
  public AppSettings withTopics(Topics newTopics) {
    return new AppSettings(instanceId, newTopics, learner, learnerOptions, seed, servingBatchSize, servingLinger,
        incompleteTaskTimeout, snapshotChunkBytes, topK, createTopics, topicPartitions,
        topicReplicationFactor, limits, snapshotSigningKey, serving);
  }

  /** A copy with another learner. */
  public AppSettings withLearner(String newLearner, Map<String, String> options) {
    return new AppSettings(instanceId, topics, newLearner, options, seed, servingBatchSize, servingLinger,
        incompleteTaskTimeout, snapshotChunkBytes, topK, createTopics, topicPartitions,
        topicReplicationFactor, limits, snapshotSigningKey, serving);
  }

  /** A copy with other serving batch settings. */
  public AppSettings withServing(int batchSize, Duration linger) {
    return new AppSettings(instanceId, topics, learner, learnerOptions, seed, batchSize, linger,
        incompleteTaskTimeout, snapshotChunkBytes, topK, createTopics, topicPartitions,
        topicReplicationFactor, limits, snapshotSigningKey, serving);
  }

  /** A copy with other serving loop settings. */
  public AppSettings withServingLoop(Serving loop) {
    return new AppSettings(instanceId, topics, learner, learnerOptions, seed, servingBatchSize, servingLinger,
        incompleteTaskTimeout, snapshotChunkBytes, topK, createTopics, topicPartitions,
        topicReplicationFactor, limits, snapshotSigningKey, loop);
  }

  /** A copy with another incompleteness timeout. */
  public AppSettings withIncompleteTaskTimeout(Duration timeout) {
    return new AppSettings(instanceId, topics, learner, learnerOptions, seed, servingBatchSize, servingLinger,
        timeout, snapshotChunkBytes, topK, createTopics, topicPartitions,
        topicReplicationFactor, limits, snapshotSigningKey, serving);
  }

  /** A copy with another snapshot chunk size. */
  public AppSettings withSnapshotChunkBytes(int chunkBytes) {
    return new AppSettings(instanceId, topics, learner, learnerOptions, seed, servingBatchSize, servingLinger,
        incompleteTaskTimeout, chunkBytes, topK, createTopics, topicPartitions,
        topicReplicationFactor, limits, snapshotSigningKey, serving);
  }

  /** A copy that does or does not create missing topics on start. */
  public AppSettings withCreateTopics(boolean create) {
    return new AppSettings(instanceId, topics, learner, learnerOptions, seed, servingBatchSize, servingLinger,
        incompleteTaskTimeout, snapshotChunkBytes, topK, create, topicPartitions,
        topicReplicationFactor, limits, snapshotSigningKey, serving);
  }

  /** A copy with other limits. */
  public AppSettings withLimits(Limits newLimits) {
    return new AppSettings(instanceId, topics, learner, learnerOptions, seed, servingBatchSize, servingLinger,
        incompleteTaskTimeout, snapshotChunkBytes, topK, createTopics, topicPartitions, topicReplicationFactor,
        newLimits, snapshotSigningKey, serving);
  }

  /** A copy with another snapshot signing key (null: unsigned). */
  public AppSettings withSnapshotSigningKey(String key) {
    return new AppSettings(instanceId, topics, learner, learnerOptions, seed, servingBatchSize, servingLinger,
        incompleteTaskTimeout, snapshotChunkBytes, topK, createTopics, topicPartitions, topicReplicationFactor,
        limits, key, serving);
  }

  @Override
  public String toString() {
    return "AppSettings[instanceId=" + instanceId + ", topics=" + topics + ", learner=" + learner + ", seed=" + seed
        + ", limits=" + limits + ", serving=" + serving + ", snapshotSigningKey=" + (snapshotSigningKey == null ? "none" : "[hidden]") + "]";
  }
}
