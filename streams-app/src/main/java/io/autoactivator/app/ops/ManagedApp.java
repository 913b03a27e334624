package io.autoactivator.app.ops;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.Properties;
import org.apache.kafka.streams.KafkaStreams;
import io.autoactivator.app.config.AppSettings;
import io.autoactivator.app.snapshot.ModelRegistry;

/** What {@link LearnerService} runs: the streaming learner, seen through its lifecycle. */
public interface ManagedApp extends AutoCloseable {

  /** Builds the app; the production factory creates {@code StreamingLearnerApp}. */
  @FunctionalInterface
  interface Factory {
    ManagedApp create(AppSettings settings, Properties kafkaProperties, MeterRegistry meters);
  }

  void start();

  /** The process is worth keeping (Streams not failed). */
  boolean isLive();

  /** Streams RUNNING, the snapshot topic caught up and the serving loop subscribed: ready to answer queries. */
  boolean isReady();

  /** The model versions this instance serves. */
  ModelRegistry models();

  /** The Kafka Streams instance, for its metrics; null before start. */
  KafkaStreams kafkaStreams();

  /** Stops consuming and abandons training cleanly. */
  @Override
  void close();
}
