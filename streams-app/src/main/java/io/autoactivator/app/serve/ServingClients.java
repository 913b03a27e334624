package io.autoactivator.app.serve;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;

import io.autoactivator.app.config.AppSettings;
import io.autoactivator.app.kafka.AppTopics;
import io.autoactivator.app.kafka.DeadLetters;
import io.autoactivator.app.kafka.KafkaClientConfigs;
import io.autoactivator.app.kafka.RecordCodecs;
import io.autoactivator.app.ingest.QueryDecoder;
import io.autoactivator.app.snapshot.ModelRegistry;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Builds the serving loop of one instance from the service's client settings: the consumer (group
 * {@code <application.id>-serving}, no auto-commit, from the earliest offset on a first start, as Kafka Streams
 * read queries before), a group-less read_uncommitted reader for the read-back, an idempotent {@code acks=all}
 * producer with {@code linger.ms=0} (answers go out as soon as they exist; batches form while a send is in
 * flight) and {@code compression.type=none} (an answer is ~100 bytes; the app's lz4 default for its other producers
 * cost ~130 KB of garbage per batch here), and, for a deployment upgraded from the topology that answered queries, the query offsets that
 * topology had committed in its own group.
 */
public final class ServingClients {

  /** The serving loop's consumer group is the application id plus this. */
  public static final String GROUP_SUFFIX = "-serving";

  private ServingClients() {
  }

  /** The serving loop of an instance; not started. */
  public static ServingLoop loop(AppSettings settings, KafkaClientConfigs clients, RecordCodecs codecs,
      ModelRegistry registry, MeterRegistry meters, java.util.function.BooleanSupplier modelsCaughtUp) {
    String applicationId = String.valueOf(clients.get(StreamsConfig.APPLICATION_ID_CONFIG));
    AppTopics topics = AppTopics.of(settings.topics(), codecs);
    DeadLetters deadLetters = new DeadLetters(settings.instanceId(), topics.deadLetters(), meters,
        settings.limits().deadLetterValueBytes());
    ServingLoop[] self = new ServingLoop[1];
    ServingMetrics metrics = new ServingMetrics(meters, () -> self[0] == null ? 0 : self[0].queueDepth(),
        () -> self[0] != null && self[0].paused() ? 1 : 0);
    BatchAnswerer answerer = new BatchAnswerer(registry, deadLetters, topics.predictions(),
        topics.shadowPredictions(), settings.topK(), metrics);
    ServingLoop.Clients kafka = new ServingLoop.Clients(new KafkaConsumer<>(consumer(settings, clients,
        applicationId)), new KafkaConsumer<>(reader(settings, clients)), new KafkaProducer<>(producer(settings,
        clients)), partitions -> topologyOffsets(clients, applicationId, partitions));
    self[0] = new ServingLoop(kafka, settings.topics().queries(), settings.topics().predictions(),
        new QueryDecoder(codecs, deadLetters, settings.limits()), answerer, metrics, modelsCaughtUp,
        settings.servingBatchSize(), settings.serving().queueSize(), settings.serving().commitInterval(),
        settings.instanceId());
    return self[0];
  }

  static Map<String, Object> consumer(AppSettings settings, KafkaClientConfigs clients, String applicationId) {
    Map<String, Object> config = clients.servingConsumer();
    config.put(ConsumerConfig.GROUP_ID_CONFIG, applicationId + GROUP_SUFFIX);
    config.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.putIfAbsent(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Math.max(1, settings.servingBatchSize()));
    config.put(ConsumerConfig.CLIENT_ID_CONFIG, settings.instanceId() + "-serving");
    config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    return config;
  }

  static Map<String, Object> reader(AppSettings settings, KafkaClientConfigs clients) {
    return KafkaClientConfigs.groupless(clients.servingConsumer(), settings.instanceId() + "-serving-readback",
        "read_uncommitted");
  }

  static Map<String, Object> producer(AppSettings settings, KafkaClientConfigs clients) {
    Map<String, Object> config = clients.servingProducer();
    config.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    if (!clients.servingProducerSets(ProducerConfig.LINGER_MS_CONFIG)) {
      config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    }
    if (!clients.servingProducerSets(ProducerConfig.COMPRESSION_TYPE_CONFIG)) {
      // answers are ~100 bytes and, without linger, one per batch: nothing to compress, while every lz4 batch
      // allocated ~130 KB of buffers (JFR, BENCHMARKS.md issue 12 session 6), young-GC pauses of 20-90 ms in the tail
      config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
    }
    config.put(ProducerConfig.CLIENT_ID_CONFIG, settings.instanceId() + "-serving");
    config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    return config;
  }

  /** The query offsets the topology (Kafka Streams group {@code applicationId}) committed, if any. */
  static Map<TopicPartition, OffsetAndMetadata> topologyOffsets(KafkaClientConfigs clients, String applicationId,
      Set<TopicPartition> partitions) {
    try (Admin admin = Admin.create(clients.admin())) {
      Map<TopicPartition, OffsetAndMetadata> all = admin.listConsumerGroupOffsets(Map.of(applicationId,
          new ListConsumerGroupOffsetsSpec().topicPartitions(partitions))).partitionsToOffsetAndMetadata()
          .get(10, TimeUnit.SECONDS);
      Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
      all.forEach((tp, o) -> {
        if (o != null && partitions.contains(tp)) {
          out.put(tp, o);
        }
      });
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Map.of();
    } catch (Exception e) {
      throw new IllegalStateException("listing the offsets of group " + applicationId + ": " + e, e);
    }
  }

}
