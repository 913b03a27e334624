package io.autoactivator.app.cli;

import io.autoactivator.app.config.Topics;
import io.autoactivator.app.kafka.AppTopics;
import io.autoactivator.app.kafka.KafkaClientConfigs;
import io.autoactivator.app.kafka.RecordCodecs;
import io.autoactivator.app.kafka.TopicEnd;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Producers and consumers for the command-line tools, configured from the service's client properties. */
final class KafkaClients {

  private KafkaClients() {
  }

  /** An idempotent producer (acks=all) of raw values; records are serialized with {@link #serde}. */
  static KafkaProducer<String, byte[]> producer(Properties kafka) {
    Map<String, Object> props = KafkaClientConfigs.of(kafka).producer();
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "20");
    props.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(256 * 1024));
    props.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "autoactivator-cli-" + UUID.randomUUID().toString().substring(0, 8));
    return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
  }

  /** A group-less consumer reading committed data only. */
  static KafkaConsumer<String, byte[]> consumer(Properties kafka) {
    Map<String, Object> props = KafkaClientConfigs.of(kafka).consumer();
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    return new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
  }

  /** The topics called {@code names}, with the framing the service uses (schema.registry.url or not). */
  static AppTopics topics(Properties kafka, Topics names) {
    return AppTopics.of(names, RecordCodecs.from(KafkaClientConfigs.of(kafka).all()));
  }

  /** Every record of {@code topic} from the beginning up to its current end. */
  static List<ConsumerRecord<String, byte[]>> readAll(Properties kafka, String topic, Duration timeout) {
    try (KafkaConsumer<String, byte[]> consumer = consumer(kafka)) {
      return TopicEnd.readAll(consumer, topic, timeout);
    }
  }
}
