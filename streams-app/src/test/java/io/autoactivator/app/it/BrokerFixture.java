package io.autoactivator.app.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.IntStream;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.streams.StreamsConfig;

import io.autoactivator.app.config.Topics;
import io.autoactivator.app.kafka.RecordCodecs;
import io.autoactivator.app.kafka.TopicEnd;
import io.autoactivator.model.data.Dataset;
import io.autoactivator.schemas.BoundaryKind;
import io.autoactivator.schemas.LabelledSample;
import io.autoactivator.schemas.ModelAction;
import io.autoactivator.schemas.ModelCommand;
import io.autoactivator.schemas.PredictionRequest;
import io.autoactivator.schemas.TaskBoundary;

/** An in-process KRaft broker plus typed producers for the integration tests. */
final class BrokerFixture implements AutoCloseable {

  final KafkaClusterTestKit cluster;
  final RecordCodecs codecs = RecordCodecs.singleObject();
  private final KafkaProducer<byte[], byte[]> producer;

  BrokerFixture() throws Exception {
    this(1);
  }

  /** A cluster of {@code brokers} brokers (the first also its controller). */
  BrokerFixture(int brokers) throws Exception {
    cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
        .setCombined(true).setNumBrokerNodes(brokers).setNumControllerNodes(1).build())
        .setConfigProp("offsets.topic.replication.factor", "1")
        .setConfigProp("transaction.state.log.replication.factor", "1")
        .setConfigProp("transaction.state.log.min.isr", "1")
        .setConfigProp("group.initial.rebalance.delay.ms", "0")
        // time-based retention is checked every second rather than every 5 minutes, so a test can watch it run
        .setConfigProp("log.retention.check.interval.ms", "1000")
        .build();
    cluster.format();
    cluster.startup();
    cluster.waitForReadyBrokers();
    producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
        ProducerConfig.ACKS_CONFIG, "all"), new ByteArraySerializer(), new ByteArraySerializer());
  }

  /** Streams/client properties of one app instance. */
  Properties appProperties(String applicationId, Path stateDir) {
    Properties p = new Properties();
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 10_000);
    return p;
  }

  static Path tempDir(String name) throws Exception {
    return Files.createTempDirectory(name);
  }

  void start(Topics topics, String model, String task, int[] classes) {
    boundary(topics, model, task, BoundaryKind.START, classes, null);
  }

  void end(Topics topics, String model, String task, int[] classes, long count) {
    boundary(topics, model, task, BoundaryKind.END, classes, count);
  }

  private void boundary(Topics topics, String model, String task, BoundaryKind kind, int[] classes, Long count) {
    producer.send(new ProducerRecord<>(topics.taskEvents(), model.getBytes(), codecs.boundaries().serializer()
        .serialize(topics.taskEvents(), new TaskBoundary(model, task, kind,
            Arrays.stream(classes).boxed().toList(), count, null))));
    producer.flush();
  }

  /** Sends rows {@code from..to-1} of {@code data} as samples of one task, each with a key of its own. */
  void samples(Topics topics, String model, String task, Dataset data, int from, int to) {
    samples(topics, model, task, data, from, to, false);
  }

  /**
   * Sends rows {@code from..to-1} of {@code data} as samples of one task (ids {@code <task>-<row>}), keyed by the
   * model id (the producers' contract) when {@code keyedByModel}, else each by a key of its own.
   */
  void samples(Topics topics, String model, String task, Dataset data, int from, int to, boolean keyedByModel) {
    for (int i = from; i < to; i++) {
      List<Float> features = new ArrayList<>(data.dimension());
      for (float v : data.features()[i]) {
        features.add(v);
      }
      producer.send(new ProducerRecord<>(topics.samples(), (keyedByModel ? model : "producer-" + i).getBytes(),
          codecs.samples()
          .serializer().serialize(topics.samples(), new LabelledSample(model, task, task + "-" + i,
              data.labels()[i], features, null))));
    }
    producer.flush();
  }

  void query(Topics topics, String model, String requestId, float[] row) {
    List<Float> features = new ArrayList<>(row.length);
    for (float v : row) {
      features.add(v);
    }
    producer.send(new ProducerRecord<>(topics.queries(), model.getBytes(), codecs.queries().serializer()
        .serialize(topics.queries(), new PredictionRequest(requestId, model, features, null,
            Instant.now()))));
    producer.flush();
  }

  void command(Topics topics, String model, ModelAction action, Long version) {
    producer.send(new ProducerRecord<>(topics.commands(), model.getBytes(), codecs.commands().serializer()
        .serialize(topics.commands(), new ModelCommand("cmd-" + System.nanoTime(), model, action, version,
            "test", Instant.now()))));
    producer.flush();
  }

  /** Sends raw bytes to a topic (hostile input). */
  void raw(String topic, byte[] key, byte[] value) {
    producer.send(new ProducerRecord<>(topic, key, value));
    producer.flush();
  }

  /** Deletes every record of {@code topic}'s partition 0 before its end, as retention would. */
  void deleteRecords(String topic) throws Exception {
    try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(Map.of(
        "bootstrap.servers", cluster.bootstrapServers()))) {
      TopicPartition tp = new TopicPartition(topic, 0);
      long end = admin.listOffsets(Map.of(tp, org.apache.kafka.clients.admin.OffsetSpec.latest())).all().get()
          .get(tp).offset();
      admin.deleteRecords(Map.of(tp, org.apache.kafka.clients.admin.RecordsToDelete.beforeOffset(end))).all()
          .get();
    }
  }

  /** The first offset still on {@code topic}'s partition 0: above 0 once retention (or a deletion) removed some. */
  long earliestOffset(String topic) throws Exception {
    try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(Map.of(
        "bootstrap.servers", cluster.bootstrapServers()))) {
      TopicPartition tp = new TopicPartition(topic, 0);
      return admin.listOffsets(Map.of(tp, org.apache.kafka.clients.admin.OffsetSpec.earliest())).all().get()
          .get(tp).offset();
    }
  }

  /** Every record of a topic so far (from the beginning, read_committed). */
  List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new ByteArrayDeserializer(),
        new ByteArrayDeserializer())) {
      return TopicEnd.readAll(consumer, topic, Duration.ofSeconds(10));
    }
  }

  /** The first {@code perClass} rows of each of {@code classes} from MNIST t10k. */
  static Dataset mnist(Dataset all, int perClass, int... classes) {
    Dataset first = all.firstPerClass(perClass);
    int[] keep = IntStream.range(0, first.size())
        .filter(i -> Arrays.stream(classes).anyMatch(c -> c == first.labels()[i])).toArray();
    return first.select(keep, "mnist " + Arrays.toString(classes));
  }

  @Override
  public void close() throws Exception {
    producer.close(Duration.ofSeconds(5));
    cluster.close();
  }
}
