package io.autoactivator.app.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
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
 * <p>The consumer is Kafka's {@link MockConsumer}, made to fail on demand: a broker cannot be made to fail one poll.
 */
class SnapshotFollowerTest {

  private static final Topics TOPICS = Topics.defaults();
  private static final AppTopics APP_TOPICS = AppTopics.of(TOPICS, RecordCodecs.singleObject());
  private static final TopicPartition SNAPSHOTS = new TopicPartition(TOPICS.snapshots(), 0);
  private static final TopicPartition COMMANDS = new TopicPartition(TOPICS.commands(), 0);
  private static final Duration WAIT = Duration.ofSeconds(20);

  /** A consumer whose polls throw {@link #failure} while it is set: the broker is out of reach, or worse. */
  private static final class FailingConsumer extends MockConsumer<byte[], byte[]> {
    final AtomicReference<Throwable> failure = new AtomicReference<>();

    FailingConsumer() {
      super("earliest");
    }

    @Override
    public synchronized ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
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

  private final FailingConsumer consumer = new FailingConsumer();
  private final ModelCatalog catalog = new ModelCatalog(new SimpleMeterRegistry());
  private final SnapshotFollower follower = new SnapshotFollower(consumer, APP_TOPICS.snapshots(),
      APP_TOPICS.commands(), new SnapshotFormatCodec(), catalog, "test");
  private long offset;

  SnapshotFollowerTest() {
    for (TopicPartition tp : List.of(SNAPSHOTS, COMMANDS)) {
      consumer.updatePartitions(tp.topic(), List.of(new PartitionInfo(tp.topic(), 0, Node.noNode(),
          new Node[0], new Node[0])));
    }
    consumer.updateBeginningOffsets(Map.of(SNAPSHOTS, 0L, COMMANDS, 0L));
    consumer.updateEndOffsets(Map.of(SNAPSHOTS, 0L, COMMANDS, 0L));
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
      record(SNAPSHOTS, APP_TOPICS.snapshots().serialize(chunk));
    }
  }

  private void record(TopicPartition tp, byte[] value) {
    consumer.schedulePollTask(() -> consumer.addRecord(new ConsumerRecord<>(tp.topic(), tp.partition(), offset++,
        "m".getBytes(), value)));
  }

  private void startCaughtUp() {
    follower.start();
    await().atMost(WAIT).until(follower::healthy);
  }

  @Test
  void aRecordThatCannotBeUsedIsSkippedAndTheNextOneApplies() {
    startCaughtUp();
    record(SNAPSHOTS, new byte[] {0, 1, 2, 3});
    record(COMMANDS, new byte[] {(byte) 0xC3, 1});
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
