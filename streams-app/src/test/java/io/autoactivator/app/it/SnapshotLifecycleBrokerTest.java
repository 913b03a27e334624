package io.autoactivator.app.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import io.autoactivator.app.StreamingLearnerApp;
import io.autoactivator.app.config.AppSettings;
import io.autoactivator.app.config.Limits;
import io.autoactivator.app.config.Topics;
import io.autoactivator.app.kafka.AppTopics;
import io.autoactivator.app.kafka.Topic;
import io.autoactivator.app.snapshot.SnapshotFormatCodec;
import io.autoactivator.app.snapshot.SnapshotHeaders;
import io.autoactivator.app.snapshot.SnapshotPublisher;
import io.autoactivator.model.api.ClassIncrementalModel;
import io.autoactivator.model.api.Learners;
import io.autoactivator.model.api.TaskData;
import io.autoactivator.model.api.TrainingListener;
import io.autoactivator.model.data.Dataset;
import io.autoactivator.model.snapshot.Provenance;
import io.autoactivator.schemas.ModelAction;
import io.autoactivator.schemas.ModelCommand;
import io.autoactivator.schemas.ModelSnapshot;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * Snapshot versions over a model's life, on the real in-process broker: only a few versions stay in memory, yet a
 * restart that replays many newer ones keeps the pinned one serving; two copies of one version with different bytes,
 * their chunks interleaved, leave one loaded copy, the same on every instance, and two whole copies on the topic;
 * a PIN given long before the broker's retention period still decides what a restarted instance serves.
 */
class SnapshotLifecycleBrokerTest extends BrokerTestBase {

  private static final SnapshotFormatCodec CODEC = new SnapshotFormatCodec();

  private static ClassIncrementalModel model(long seed, Dataset data) {
    return Learners.create("ncm", Map.of(), seed).learn(null, new TaskData("t", new int[] {0, 1}, data.features(),
        data.labels()), TrainingListener.NONE);
  }

  private static ModelSnapshot header(ClassIncrementalModel model, String modelId, long version, byte[] payload) {
    return SnapshotHeaders.of(provenance(model, modelId, version), Map.of(), CODEC.open(payload), Instant.now());
  }

  private static Provenance provenance(ClassIncrementalModel model, String modelId, long version) {
    return Provenance.of(model, modelId, version, version == 1 ? null : version - 1, 7L, Map.of(), "h", Map.of(),
        "dev");
  }

  private static byte[] payload(ClassIncrementalModel model, String modelId, long version) {
    return CODEC.write(model, provenance(model, modelId, version));
  }

  private static KafkaProducer<String, byte[]> producer() {
    return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.cluster.bootstrapServers()),
        new StringSerializer(), new ByteArraySerializer());
  }

  @Test
  void aPinnedOldVersionSurvivesARestartThatReplaysManyNewerOnesWhileOnlyTwoStayInMemory() throws Exception {
    AppSettings settings = AppSettings.defaults("it-retain").withTopics(Topics.withPrefix("retain."))
        .withLearner("ncm", Map.of()).withLimits(Limits.defaults().withRetainedVersions(2));
    Topics topics = settings.topics();
    Path stateDir = BrokerFixture.tempDir("retain");
    ClassIncrementalModel model = model(7, BrokerFixture.mnist(mnist, 5, 0, 1));
    try (KafkaProducer<String, byte[]> producer = producer()) {
      SnapshotPublisher publisher = new SnapshotPublisher(producer, AppTopics.of(topics, broker.codecs).snapshots(),
          1 << 20, new SimpleMeterRegistry());
      try (StreamingLearnerApp app = new StreamingLearnerApp(settings,
          broker.appProperties("retain-app", stateDir), new SimpleMeterRegistry())) {
        app.start();
        await().atMost(WAIT).until(app::isReady);
        for (long v = 1; v <= 2; v++) {
          publisher.publish(header(model, "m", v, payload(model, "m", v)), payload(model, "m", v));
        }
        await().atMost(WAIT).until(() -> app.models().knownVersions("m").contains(2L));
        broker.command(topics, "m", ModelAction.PIN, 1L);
        await().atMost(WAIT).until(() -> app.models().servingVersion("m").equals(OptionalLong.of(1)));
        for (long v = 3; v <= 6; v++) {
          publisher.publish(header(model, "m", v, payload(model, "m", v)), payload(model, "m", v));
        }
        await().atMost(WAIT).until(() -> app.models().knownVersions("m").contains(6L));
        assertThat(app.models().knownVersions("m")).as("the newest two and the pinned one")
            .containsExactly(1L, 5L, 6L);
        assertThat(app.models().servingVersion("m")).hasValue(1);
      }

      // a real restart: same application id and state, the follower replays both topics from the beginning
      try (StreamingLearnerApp app = new StreamingLearnerApp(settings,
          broker.appProperties("retain-app", stateDir), new SimpleMeterRegistry())) {
        app.start();
        await().atMost(WAIT).until(app::isReady);
        assertThat(app.models().servingVersion("m")).as("the PIN read before the versions it outlived")
            .hasValue(1);
        assertThat(app.models().knownVersions("m")).containsExactly(1L, 5L, 6L);
        broker.command(topics, "m", ModelAction.UNPIN, null);
        await().atMost(WAIT).until(() -> app.models().servingVersion("m").equals(OptionalLong.of(6)));
        assertThat(app.models().knownVersions("m")).containsExactly(5L, 6L);
        broker.command(topics, "m", ModelAction.ROLLBACK, null);
        await().atMost(WAIT).until(() -> app.models().servingVersion("m").equals(OptionalLong.of(5)));
        assertThat(app.isLive()).isTrue();
      }

      // and again: the ROLLBACK read after the PIN and UNPIN, folded in their order
      try (StreamingLearnerApp app = new StreamingLearnerApp(settings,
          broker.appProperties("retain-app", stateDir), new SimpleMeterRegistry())) {
        app.start();
        await().atMost(WAIT).until(app::isReady);
        assertThat(app.models().servingVersion("m")).hasValue(5);
        assertThat(app.models().knownVersions("m")).containsExactly(5L, 6L);
      }
    }
  }

  @Test
  void aPinOlderThanTheBrokersRetentionStillDecidesWhatARestartedInstanceServes() throws Exception {
    AppSettings settings = AppSettings.defaults("it-retention").withTopics(Topics.withPrefix("retention."))
        .withLearner("ncm", Map.of());
    Topics topics = settings.topics();
    Path stateDir = BrokerFixture.tempDir("retention");
    ClassIncrementalModel model = model(7, BrokerFixture.mnist(mnist, 5, 0, 1));
    Topic<String, ModelSnapshot> snapshots = AppTopics.of(topics, broker.codecs).snapshots();
    long monthAgo = System.currentTimeMillis() - Duration.ofDays(30).toMillis();
    try (KafkaProducer<String, byte[]> producer = producer()) {
      try (StreamingLearnerApp app = new StreamingLearnerApp(settings,
          broker.appProperties("retention-app", stateDir), new SimpleMeterRegistry())) {
        app.start(); // creates the topics as a deployment gets them
        await().atMost(WAIT).until(app::isReady);
        // a month ago, versions 1 and 2 were published and then the operator pinned version 1
        int partition = SnapshotPublisher.partition("m", producer.partitionsFor(snapshots.name()).size());
        for (long v = 1; v <= 2; v++) {
          byte[] payload = payload(model, "m", v);
          for (ModelSnapshot chunk : SnapshotPublisher.chunks(header(model, "m", v, payload), payload, 1 << 20)) {
            producer.send(new ProducerRecord<>(snapshots.name(), partition, monthAgo + v,
                SnapshotPublisher.key(chunk), snapshots.serialize(chunk)));
          }
        }
        ModelCommand pin = new ModelCommand("pin-1", "m", ModelAction.PIN, 1L, "month-old pin",
            Instant.ofEpochMilli(monthAgo + 10));
        producer.send(new ProducerRecord<>(topics.commands(), null, monthAgo + 10, "m",
            broker.codecs.commands().serializer().serialize(topics.commands(), pin)));
        producer.flush();
        await().atMost(WAIT).until(() -> app.models().servingVersion("m").equals(OptionalLong.of(1)));
      }

      // the broker's time-based retention (7 days unless a topic says otherwise) runs over every log: a topic
      // created without the app's settings loses its month-old records, twice, so a whole pass has gone by
      String control = "retention.created-by-hand";
      try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
          broker.cluster.bootstrapServers()))) {
        admin.createTopics(List.of(new NewTopic(control, 1, (short) 1))).all().get();
      }
      for (long deleted = 1; deleted <= 2; deleted++) {
        producer.send(new ProducerRecord<>(control, 0, monthAgo, "m", new byte[1])).get();
        long atLeast = deleted;
        await().atMost(WAIT).until(() -> broker.earliestOffset(control) >= atLeast);
      }

      // a real restart after that: the follower replays both topics from the beginning
      try (StreamingLearnerApp app = new StreamingLearnerApp(settings,
          broker.appProperties("retention-app", stateDir), new SimpleMeterRegistry())) {
        app.start();
        await().atMost(WAIT).until(app::isReady);
        assertThat(app.models().knownVersions("m")).containsExactly(1L, 2L);
        assertThat(app.models().servingVersion("m")).as("the month-old PIN").hasValue(1);
      }
      assertThat(broker.earliestOffset(topics.commands())).as("the command topic kept every command").isZero();
    }
  }

  @Test
  void twoCopiesOfOneVersionWithInterleavedChunksLoadOneCopyEverywhereAndStayWholeOnTheTopic() throws Exception {
    AppSettings settings = AppSettings.defaults("it-copies").withTopics(Topics.withPrefix("copies."))
        .withLearner("ncm", Map.of());
    Topics topics = settings.topics();
    Dataset data = BrokerFixture.mnist(mnist, 5, 0, 1);
    ClassIncrementalModel first = model(7, data);
    ClassIncrementalModel second = model(7, BrokerFixture.mnist(mnist, 6, 0, 1));
    byte[] a = payload(first, "m", 1);
    byte[] b = payload(second, "m", 1);
    assertThat(CODEC.checksum(a)).isNotEqualTo(CODEC.checksum(b));
    List<ModelSnapshot> chunksA = SnapshotPublisher.chunks(header(first, "m", 1, a), a, 1024);
    List<ModelSnapshot> chunksB = SnapshotPublisher.chunks(header(second, "m", 1, b), b, 1024);
    assertThat(chunksA).hasSizeGreaterThan(2);
    assertThat(chunksB).hasSameSizeAs(chunksA);

    try (KafkaProducer<String, byte[]> producer = producer();
        StreamingLearnerApp app = new StreamingLearnerApp(settings,
            broker.appProperties("copies-app", BrokerFixture.tempDir("copies")), new SimpleMeterRegistry())) {
      app.start();
      await().atMost(WAIT).until(app::isReady);
      // the old owner (copy a) and the new one (copy b) publish version 1 at once: a0 b0 a1 b1 ...
      Topic<String, ModelSnapshot> topic = AppTopics.of(topics, broker.codecs).snapshots();
      int partition = SnapshotPublisher.partition("m", producer.partitionsFor(topic.name()).size());
      for (int i = 0; i < chunksA.size(); i++) {
        for (ModelSnapshot chunk : List.of(chunksA.get(i), chunksB.get(i))) {
          producer.send(new ProducerRecord<>(topic.name(), partition, SnapshotPublisher.key(chunk),
              topic.serialize(chunk)));
        }
      }
      producer.flush();
      await().atMost(WAIT).until(() -> app.models().servingVersion("m").equals(OptionalLong.of(1)));
      assertThat(app.models().header("m", 1)).get().satisfies(h -> assertThat(h.getChecksum())
          .as("the copy that completed first").isEqualTo(CODEC.checksum(a)));

      try (StreamingLearnerApp late = new StreamingLearnerApp(settings.withTopics(topics),
          broker.appProperties("copies-late", BrokerFixture.tempDir("copies-late")), new SimpleMeterRegistry())) {
        late.start();
        await().atMost(WAIT).until(late::isReady);
        assertThat(late.models().header("m", 1)).get().satisfies(h -> assertThat(h.getChecksum())
            .as("an instance replaying the topic loads the same copy").isEqualTo(CODEC.checksum(a)));
      }

      Set<String> keys = new HashSet<>();
      List<String> all = new ArrayList<>();
      broker.readAll(topics.snapshots()).forEach(r -> all.add(new String(r.key())));
      keys.addAll(all);
      assertThat(keys).as("no key shared by the two copies: compaction keeps both whole")
          .hasSize(chunksA.size() + chunksB.size());
      assertThat(app.isLive()).isTrue();
    }
  }
}
