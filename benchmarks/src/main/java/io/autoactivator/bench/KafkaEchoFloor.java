package io.autoactivator.bench;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Figure 3's floor: the same requests, at the same rate, through the same two Kafka hops as the service (client ->
 * requests topic -> relay -> answers topic -> client), where the relay only copies each record: a consumer and an
 * idempotent producer configured as the serving loop's (acks all, no linger, no compression), no decoding, no model.
 * Run beside the service's latency runs, in the same JVM and broker, it says how much of an answer's latency is
 * Kafka's and the machine's at that load, and how much is the service's own.
 */
final class KafkaEchoFloor {

  private static final Duration POLL = Duration.ofMillis(50);

  private final String bootstrap;
  private final String likeTopic;

  /** {@code likeTopic}: the service's requests topic, whose partition count the relay's two topics take. */
  KafkaEchoFloor(String bootstrap, String likeTopic) {
    this.bootstrap = bootstrap;
    this.likeTopic = likeTopic;
  }

  /** Percentiles (ms) of send -> receipt for read_uncommitted and read_committed readers of the relayed copies. */
  Map<String, Object> measure(String name, List<byte[]> payloads, double rate, int seconds, String compression)
      throws Exception {
    String in = "echo-" + name + "-in";
    String out = "echo-" + name + "-out";
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      int partitions = admin.describeTopics(List.of(likeTopic)).allTopicNames().get().get(likeTopic).partitions()
          .size();
      admin.createTopics(List.of(new NewTopic(in, partitions, (short) 1), new NewTopic(out, partitions, (short) 1)))
          .all().get();
    }
    int planned = (int) Math.ceil(rate * seconds) + 1;
    Map<String, Long> sent = new ConcurrentHashMap<>();
    Histogram uncommitted = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
    Histogram committed = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
    AtomicLong total = new AtomicLong();
    AtomicBoolean relaying = new AtomicBoolean(true);
    try (KafkaConsumer<String, byte[]> relayIn = reader(in, "read_uncommitted");
         KafkaProducer<String, byte[]> relayOut = producer(0, "none");
         KafkaConsumer<String, byte[]> readUncommitted = reader(out, "read_uncommitted");
         KafkaConsumer<String, byte[]> readCommitted = reader(out, "read_committed");
         KafkaProducer<String, byte[]> client = producer(0, compression)) {
      Thread relay = new Thread(() -> {
        while (relaying.get()) {
          for (ConsumerRecord<String, byte[]> r : relayIn.poll(POLL)) {
            relayOut.send(new ProducerRecord<>(out, r.key(), r.value()));
          }
        }
      }, "echo-relay");
      Thread sender = new Thread(() -> total.set(PacedRequests.send(client, rate, seconds, planned,
          i -> name + "-" + i, i -> new ProducerRecord<>(in, name + "-" + i, payloads.get(i % payloads.size())), sent)),
          "echo-sender");
      Thread other = new Thread(() -> collect(readUncommitted, sent, uncommitted, total), "echo-uncommitted");
      relay.start();
      sender.start();
      other.start();
      collect(readCommitted, sent, committed, total);
      sender.join();
      other.join();
      relaying.set(false);
      relay.join();
    }
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("ratePerSecond", rate);
    r.put("sent", total.get());
    r.put("readUncommitted", PacedRequests.percentiles(uncommitted));
    r.put("readCommitted", PacedRequests.percentiles(committed));
    return r;
  }

  private static void collect(KafkaConsumer<String, byte[]> consumer, Map<String, Long> sent, Histogram histogram,
      AtomicLong total) {
    long idleSince = System.nanoTime();
    while (true) {
      var records = consumer.poll(POLL);
      long now = System.nanoTime();
      for (ConsumerRecord<String, byte[]> rec : records) {
        Long at = sent.get(rec.key());
        if (at != null) {
          histogram.recordValue(Math.max(0, (now - at) / 1000));
        }
      }
      if (!records.isEmpty()) {
        idleSince = now;
      }
      long expected = total.get();
      if ((expected > 0 && histogram.getTotalCount() >= expected) || now - idleSince > 10_000_000_000L) {
        return;
      }
    }
  }

  private KafkaProducer<String, byte[]> producer(int lingerMs, String compression) {
    Map<String, Object> props = new HashMap<>();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.LINGER_MS_CONFIG, lingerMs);
    props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression);
    return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
  }

  private KafkaConsumer<String, byte[]> reader(String topic, String isolation) {
    return readerAtEnd(bootstrap, topic, isolation);
  }

  /** A group-less consumer of every partition of {@code topic}, positioned at its end (what is written from now). */
  static KafkaConsumer<String, byte[]> readerAtEnd(String bootstrap, String topic, String isolation) {
    Map<String, Object> props = new HashMap<>();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
    KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
        new ByteArrayDeserializer());
    List<TopicPartition> assigned = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
        .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
    consumer.assign(assigned);
    consumer.seekToEnd(assigned);
    assigned.forEach(consumer::position);
    return consumer;
  }
}
