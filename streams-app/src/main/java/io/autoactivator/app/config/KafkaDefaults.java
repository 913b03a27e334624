package io.autoactivator.app.config;

import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Kafka client settings the app chooses when the user did not. Kafka's defaults are tuned for small records; ours
 * carry a whole feature vector (an MNIST sample is ~3.3 KB), so a 16 KB producer batch holds five of them and a
 * 1 MB partition fetch three hundred, and exactly-once processing then spends its time on round trips. Measured on
 * the ingest figure of BENCHMARKS.md: 1,500 samples/s with Kafka's defaults, 6,100/s with these.
 *
 * <p>Kafka Streams' own {@link #STREAMS} defaults are changed only where measured, never the processing guarantee
 * (exactly-once) or the commit interval.
 *
 * <p>A default applies only when neither the plain key nor any prefixed form of it is set, so a user's
 * {@code batch.size} is never shadowed by our {@code producer.batch.size}.
 */
public final class KafkaDefaults {

  /** Producer settings: large batches, lz4 (feature vectors compress well), and a linger of 5 ms, not Streams' 100. */
  public static final Map<String, String> PRODUCER = Map.of(
      "batch.size", "1048576",
      "compression.type", "lz4",
      "linger.ms", "5");

  /** Consumer settings: fetch up to 16 MB per partition (Kafka's default is 1 MB). */
  public static final Map<String, String> CONSUMER = Map.of(
      "max.partition.fetch.bytes", "16777216");

  /**
   * Kafka Streams settings. {@code max.task.idle.ms=-1}: a task processes whatever it has buffered without first
   * checking, per record, that its empty partitions (task-events and snapshot markers, next to a busy samples
   * partition) have nothing older; Kafka Streams 4.3 formats a log line for every empty partition on every such
   * check, 13 % of the ingest thread's time (BENCHMARKS.md, issue 14 session 5). Nothing here depends on the order
   * between those topics: the task processor accepts samples, boundaries and snapshot hints in any interleaving.
   */
  public static final Map<String, String> STREAMS = Map.of(
      "max.task.idle.ms", "-1");

  private static final List<String> STREAMS_PREFIXES = List.of("");
  private static final List<String> PRODUCER_PREFIXES = List.of("", "producer.");
  private static final List<String> CONSUMER_PREFIXES = List.of("", "consumer.", "main.consumer.",
      "restore.consumer.", "global.consumer.");

  private KafkaDefaults() {
  }

  /** Adds every default whose key the properties do not set in any form. */
  public static void applyTo(Properties properties) {
    STREAMS.forEach((key, value) -> setIfAbsent(properties, STREAMS_PREFIXES, "", key, value));
    PRODUCER.forEach((key, value) -> setIfAbsent(properties, PRODUCER_PREFIXES, "producer.", key, value));
    CONSUMER.forEach((key, value) -> setIfAbsent(properties, CONSUMER_PREFIXES, "consumer.", key, value));
  }

  private static void setIfAbsent(Properties properties, List<String> prefixes, String prefix, String key,
      String value) {
    if (prefixes.stream().noneMatch(p -> properties.containsKey(p + key))) {
      properties.setProperty(prefix + key, value);
    }
  }
}
