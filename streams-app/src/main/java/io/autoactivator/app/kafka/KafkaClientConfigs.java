package io.autoactivator.app.kafka;

import io.autoactivator.app.config.KafkaDefaults;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The settings of every Kafka client, derived in this one place from the Kafka client properties of
 * {@code AppConfig#kafkaProperties()}, the way {@code StreamsConfig} derives its producer, consumer and admin
 * configs: a client takes the plain keys it knows, and the keys with its prefix ({@code producer.},
 * {@code consumer.}, {@code admin.}) win over them. Kafka Streams itself gets every property and applies the same
 * rule to its own clients.
 */
public final class KafkaClientConfigs {

  /** Prefix of the keys that configure only the serving loop's clients. */
  public static final String SERVING_PREFIX = "serving.";

  private final Properties properties;

  private KafkaClientConfigs(Properties properties) {
    this.properties = properties;
  }

  /** The clients of the command-line tools: the properties as given. */
  public static KafkaClientConfigs of(Properties kafkaProperties) {
    Properties copy = new Properties();
    copy.putAll(kafkaProperties);
    return new KafkaClientConfigs(copy);
  }

  /**
   * The clients of the service: processing.guarantee defaults to exactly_once_v2, and {@link KafkaDefaults} fills in
   * batching, compression and fetch sizes the user did not set.
   */
  public static KafkaClientConfigs forService(Properties kafkaProperties) {
    Properties copy = new Properties();
    copy.putAll(kafkaProperties);
    copy.putIfAbsent(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    KafkaDefaults.applyTo(copy);
    KafkaClientConfigs clients = new KafkaClientConfigs(copy);
    clients.internalTopicsTakeWhatTheProducerSends();
    clients.atLeastOnceSendsOneRequestAtATime();
    return clients;
  }

  /**
   * Under {@code at_least_once} the producers send one request at a time per broker
   * ({@code producer.max.in.flight.requests.per.connection=1}, unless either form is given). A record the broker
   * refuses as too large is dead-lettered by the production exception handler and processing goes on, but Kafka's
   * idempotent producer (4.3), after splitting the refused batch with further requests in flight, retries the rest with
   * out-of-order sequence numbers until its delivery timeout fails the stream thread (ProductionErrorBrokerTest).
   * Under {@code exactly_once_v2} such a record fails the transaction anyway, and nothing changes.
   */
  private void atLeastOnceSendsOneRequestAtATime() {
    String key = ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION;
    if (StreamsConfig.AT_LEAST_ONCE.equals(String.valueOf(properties.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)))
        && !properties.containsKey(key) && !properties.containsKey(StreamsConfig.producerPrefix(key))) {
      properties.setProperty(StreamsConfig.producerPrefix(key), "1");
    }
  }

  /** Kafka's default {@code max.request.size}, which the broker's default {@code message.max.bytes} matches. */
  static final int DEFAULT_MAX_REQUEST_SIZE = 1024 * 1024;

  /**
   * When the operator raised the producers' {@code max.request.size} above Kafka's 1 MiB, the internal topics Kafka
   * Streams creates (repartition, changelogs) take records that large too ({@code topic.max.message.bytes}, unless
   * set). The decode check lets records through up to that size ({@link CopyableRecordSize}), and under
   * exactly-once a copy the broker then refused on the repartition topic would fail the transaction. Internal topics
   * that exist already keep their setting: alter them.
   */
  private void internalTopicsTakeWhatTheProducerSends() {
    String key = StreamsConfig.topicPrefix(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
    Object size = producer().get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
    if (properties.containsKey(key) || size == null) {
      return;
    }
    int bytes = Integer.parseInt(size.toString().trim());
    if (bytes > DEFAULT_MAX_REQUEST_SIZE) {
      properties.setProperty(key, Integer.toString(bytes));
    }
  }

  /** Everything, for Kafka Streams (which honours the prefixes for its own clients). */
  public Properties streams() {
    Properties copy = new Properties();
    copy.putAll(properties);
    return copy;
  }

  /** Every property as a map: serde settings (schema.registry.url, ...). */
  public Map<String, Object> all() {
    Map<String, Object> map = new HashMap<>();
    properties.forEach((k, v) -> map.put(k.toString(), v));
    return map;
  }

  /** A producer's settings: known producer keys, {@code producer.} keys winning. */
  public Map<String, Object> producer() {
    return select(ProducerConfig.configNames(), StreamsConfig.PRODUCER_PREFIX);
  }

  /** A plain consumer's settings: known consumer keys, {@code consumer.} keys winning. */
  public Map<String, Object> consumer() {
    return select(ConsumerConfig.configNames(), StreamsConfig.CONSUMER_PREFIX);
  }

  /** The serving loop's producer: {@link #producer()}, then {@code serving.producer.} keys winning. */
  public Map<String, Object> servingProducer() {
    Map<String, Object> config = producer();
    config.putAll(select(ProducerConfig.configNames(), SERVING_PREFIX + StreamsConfig.PRODUCER_PREFIX, false));
    return config;
  }

  /** The serving loop's consumer: {@link #consumer()}, then {@code serving.consumer.} keys winning. */
  public Map<String, Object> servingConsumer() {
    Map<String, Object> config = consumer();
    config.putAll(select(ConsumerConfig.configNames(), SERVING_PREFIX + StreamsConfig.CONSUMER_PREFIX, false));
    return config;
  }

  /**
   * The settings of a consumer that assigns its partitions itself and commits nothing (the snapshot follower, the
   * training's task reader, the serving loop's read-back): {@code consumer} (a consumer's settings from here) without
   * a group or a static member id, auto-commit off, the given isolation level and client id, records as bytes.
   */
  public static Map<String, Object> groupless(Map<String, Object> consumer, String clientId, String isolation) {
    Map<String, Object> config = new HashMap<>(consumer);
    config.remove(ConsumerConfig.GROUP_ID_CONFIG);
    config.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
    config.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
    config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    return config;
  }

  /** True when {@code key} is set for the serving producer ({@code serving.producer.<key>}). */
  public boolean servingProducerSets(String key) {
    return properties.containsKey(SERVING_PREFIX + StreamsConfig.PRODUCER_PREFIX + key);
  }

  /** An admin client's settings: known admin keys, {@code admin.} keys winning. */
  public Map<String, Object> admin() {
    return select(AdminClientConfig.configNames(), StreamsConfig.ADMIN_CLIENT_PREFIX);
  }

  /** True when the operator chose static membership ({@code group.instance.id}, plain or for the consumer). */
  public boolean staticMembership() {
    return properties.containsKey(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG)
        || properties.containsKey(StreamsConfig.consumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG));
  }

  /** A property as given, or null. */
  public Object get(String key) {
    return properties.get(key);
  }

  private Map<String, Object> select(Set<String> known, String prefix) {
    return select(known, prefix, true);
  }

  private Map<String, Object> select(Set<String> known, String prefix, boolean plainKeys) {
    Map<String, Object> config = new HashMap<>();
    properties.forEach((k, v) -> {
      String key = k.toString();
      if (plainKeys && known.contains(key)) {
        config.put(key, v);
      }
    });
    properties.forEach((k, v) -> {
      String key = k.toString();
      if (key.startsWith(prefix) && known.contains(key.substring(prefix.length()))) {
        config.put(key.substring(prefix.length()), v);
      }
    });
    return config;
  }
}
