package io.autoactivator.app.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.autoactivator.app.config.Topics;
import io.autoactivator.app.kafka.AppTopics;
import io.autoactivator.app.kafka.RecordCodecs;
import io.autoactivator.model.api.ClassIncrementalModel;
import io.autoactivator.model.api.Learners;
import io.autoactivator.model.api.TaskData;
import io.autoactivator.model.api.TrainingListener;
import io.autoactivator.model.snapshot.Provenance;
import io.autoactivator.schemas.ModelSnapshot;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The follower is what keeps every instance serving, so nothing read or met on the way may stop it: a record it
 * cannot use is skipped and the next one applies; a consumer that keeps failing (a broker out of reach) makes the
 * instance unready while it lasts, and the follower goes on from where it was once polls succeed again; only an
 * Error ends its thread, and then it reports itself dead, which {@code /health/live} turns into a restart.
 *
 * <p>On a real broker, read by a real {@link KafkaConsumer} whose polls can be made to throw on demand (a broker
 * cannot be made to fail one poll): every other call, and every poll while no failure is set, is the real client's.
 * Each test has topics of its own.
 */
class SnapshotFollowerTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static KafkaClusterTestKit cluster;
  private static KafkaProducer<byte[], byte[]> producer;

  /** A real consumer whose polls throw {@link #failure} while it is set: the broker is out of reach, or worse. */
  private static final class FailingConsumer extends KafkaConsumer<byte[], byte[]> {
    final AtomicReference<Throwable> failure = new AtomicReference<>();

    FailingConsumer() {
      super(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
          ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new ByteArrayDeserializer(),
          new ByteArrayDeserializer());
    }

    @Override
    public ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
      Throwable t = failure.get();
      if (t instanceof RuntimeException e) {
        throw e;
      }
      if (t instanceof Error e) {
        throw e;
      }
      return super.poll(timeout);
    }
  }

  private final Topics topics = Topics.withPrefix("follower-" + UUID.randomUUID() + ".");
  private final AppTopics appTopics = AppTopics.of(topics, RecordCodecs.singleObject());
  private final FailingConsumer consumer;
  private final ModelCatalog catalog = new ModelCatalog(new SimpleMeterRegistry());
  private final SnapshotFollower follower;

  @BeforeAll
  static void startBroker() throws Exception {
    cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
        .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build()).build();
    cluster.format();
    cluster.startup();
    cluster.waitForReadyBrokers();
    producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
        ProducerConfig.ACKS_CONFIG, "all"), new ByteArraySerializer(), new ByteArraySerializer());
  }

  @AfterAll
  static void stopBroker() throws Exception {
    producer.close(Duration.ofSeconds(5));
    cluster.close();
  }

  SnapshotFollowerTest() throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(topics.snapshots(), 1, (short) 1),
          new NewTopic(topics.commands(), 1, (short) 1))).all().get();
    }
    consumer = new FailingConsumer();
    follower = new SnapshotFollower(consumer, appTopics.snapshots(), appTopics.commands(), new SnapshotFormatCodec(),
        catalog, "test");
  }

  @AfterEach
  void close() throws InterruptedException {
    consumer.failure.set(null);
    follower.close();
  }

  /** Version {@code version} of model m (parent version - 1), as the trainer publishes it, on the topic. */
  private void publish(long version) {
    ClassIncrementalModel model = Learners.create("ncm", Map.of(), 7L).learn(null, new TaskData("t",
        new int[] {0, 1}, new float[][] {{0f}, {1f}}, new int[] {0, 1}), TrainingListener.NONE);
    Provenance provenance = Provenance.of(model, "m", version, version == 1 ? null : version - 1, 7L, Map.of(),
        "h", Map.of(), "dev");
    SnapshotFormatCodec codec = new SnapshotFormatCodec();
    byte[] payload = codec.write(model, provenance);
    ModelSnapshot header = SnapshotHeaders.of(provenance, Map.of(), codec.open(payload), Instant.now());
    for (ModelSnapshot chunk : SnapshotPublisher.chunks(header, payload, 1 << 20)) {
      record(topics.snapshots(), appTopics.snapshots().serialize(chunk));
    }
  }

  private void record(String topic, byte[] value) {
    try {
      producer.send(new ProducerRecord<>(topic, "m".getBytes(), value)).get();
    } catch (Exception e) {
      throw new IllegalStateException("could not write to " + topic, e);
    }
  }

  private void startCaughtUp() {
    follower.start();
    await().atMost(WAIT).until(follower::healthy);
  }

  @Test
  void aRecordThatCannotBeUsedIsSkippedAndTheNextOneApplies() {
    startCaughtUp();
    record(topics.snapshots(), new byte[] {0, 1, 2, 3});
    record(topics.commands(), new byte[] {(byte) 0xC3, 1});
    publish(1);
    await().atMost(WAIT).until(() -> catalog.servingVersion("m").equals(OptionalLong.of(1)));
    assertThat(follower.rejected()).isEqualTo(2);
    assertThat(follower.healthy()).isTrue();
  }

  @Test
  void whilePollsFailTheInstanceIsNotReadyAndTheFollowerGoesOnWhereItWasOnceTheyWorkAgain() {
    startCaughtUp();
    publish(1);
    await().atMost(WAIT).until(() -> catalog.loaded("m", 1));

    consumer.failure.set(new KafkaException("the broker is out of reach"));
    await().atMost(WAIT).until(() -> !follower.healthy());
    assertThat(follower.live()).as("failing polls do not end the thread").isTrue();

    consumer.failure.set(null);
    publish(2);
    await().atMost(WAIT).until(() -> catalog.servingVersion("m").equals(OptionalLong.of(2)));
    assertThat(follower.healthy()).isTrue();
    assertThat(follower.rejected()).isZero();
  }

  @Test
  void anErrorEndsTheThreadAndTheFollowerSaysItIsDead() {
    startCaughtUp();
    assertThat(follower.live()).isTrue();
    consumer.failure.set(new NoClassDefFoundError("simulated: a class missing from the image"));
    await().dontCatchUncaughtExceptions().atMost(WAIT).until(() -> !follower.live());
    assertThat(follower.healthy()).isFalse();
  }
}
