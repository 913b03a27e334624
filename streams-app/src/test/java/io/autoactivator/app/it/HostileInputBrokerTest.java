package io.autoactivator.app.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
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
import io.autoactivator.app.kafka.KafkaClientConfigs;
import io.autoactivator.app.snapshot.SnapshotFormatCodec;
import io.autoactivator.app.snapshot.SnapshotHeaders;
import io.autoactivator.app.snapshot.SnapshotPublisher;
import io.autoactivator.app.kafka.TopicProvisioner;
import io.autoactivator.model.data.Dataset;
import io.autoactivator.schemas.DeadLetter;
import io.autoactivator.schemas.LabelledSample;
import io.autoactivator.schemas.ModelAction;
import io.autoactivator.schemas.ModelSnapshot;
import io.autoactivator.schemas.Provenance;
import io.autoactivator.schemas.TaskSummary;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * Hostile records on the real in-process broker, all against one running instance that must keep learning and
 * serving through every one: a forged chunk with an impossible header on the snapshot topic, a forged commit marker
 * for a task still buffering, a 1 MB poison sample, and a PIN of a future version followed by an emergency ROLLBACK.
 * Beside it: well-formed snapshots of versions no instance trained, which never load (without a key because their
 * parent is not loaded, with a key because they are unsigned).
 */
class HostileInputBrokerTest extends BrokerTestBase {

  private static ModelSnapshot forged(String model, long version, long byteSize, int index, int count,
      String... tasks) {
    return ModelSnapshot.newBuilder().setModelId(model).setVersion(version).setParentVersion(null)
        .setLearner("ncm").setTasks(java.util.Arrays.stream(tasks).map(t -> new TaskSummary(t, List.of(0), 1, 1L))
            .toList())
        .setClasses(List.of(0)).setParameterCount(0).setByteSize(byteSize).setChecksum("sha256:forged")
        .setProvenance(new Provenance(42L, "h", Map.of(), "dev")).setCreatedAt(Instant.EPOCH)
        .setChunkIndex(index).setChunkCount(count).setPayload(ByteBuffer.allocate(0)).build();
  }

  private static List<DeadLetter> deadLetters(Topics topics) {
    return broker.readAll(topics.deadLetters()).stream()
        .map(r -> broker.codecs.deadLetters().deserializer().deserialize(topics.deadLetters(), r.value()))
        .toList();
  }

  private static List<String> deadLetterReasons(Topics topics) {
    return deadLetters(topics).stream().map(DeadLetter::getReason).toList();
  }

  @Test
  void theInstanceKeepsLearningAndServingThroughHostileRecords() throws Exception {
    AppSettings settings = AppSettings.defaults("it-hostile").withTopics(Topics.withPrefix("hostile."))
        .withLearner("ncm", Map.of()).withServing(8, Duration.ofMillis(20));
    Topics topics = settings.topics();
    Dataset task1 = BrokerFixture.mnist(mnist, 10, 0, 1, 2, 3, 4);
    Dataset task2 = BrokerFixture.mnist(mnist, 10, 5, 6, 7, 8, 9);
    try (StreamingLearnerApp app = new StreamingLearnerApp(settings,
        broker.appProperties("hostile-app", BrokerFixture.tempDir("hostile")), new SimpleMeterRegistry())) {
      app.start();
      await().atMost(WAIT).until(app::isReady);

      // 1. a chunk announcing 2^31-1 chunks and 2 GiB, written by anyone who can write the snapshot topic
      ModelSnapshot bomb = forged("mnist", 50, Integer.MAX_VALUE, 0, Integer.MAX_VALUE);
      broker.raw(topics.snapshots(), "mnist/50/0".getBytes(),
          broker.codecs.snapshots().serializer().serialize(topics.snapshots(), bomb));

      // 2. a forged commit of task t1 while t1 is still buffering
      broker.start(topics, "mnist", "t1", new int[] {0, 1, 2, 3, 4});
      broker.samples(topics, "mnist", "t1", task1, 0, task1.size() - 1);
      broker.raw(topics.snapshots(), "mnist/1/0".getBytes(), broker.codecs.snapshots().serializer()
          .serialize(topics.snapshots(), forged("mnist", 1, 0, 0, 1, "t1")));

      // 3. a 1 MB poison sample: its copy into the repartition topic or a changelog would not fit the broker
      List<Float> huge = new ArrayList<>(250_000);
      for (int i = 0; i < 250_000; i++) {
        huge.add(0.5f);
      }
      broker.raw(topics.samples(), "poison".getBytes(), broker.codecs.samples().serializer()
          .serialize(topics.samples(), new LabelledSample("mnist", "t1", "poison", 0, huge, null)));

      broker.samples(topics, "mnist", "t1", task1, task1.size() - 1, task1.size());
      broker.end(topics, "mnist", "t1", new int[] {0, 1, 2, 3, 4}, task1.size());
      await().atMost(WAIT).until(() -> app.models().servingVersion("mnist").equals(OptionalLong.of(1)));
      assertThat(app.models().header("mnist", 1)).get()
          .satisfies(h -> assertThat(h.getChecksum()).isNotEqualTo("sha256:forged"));
      await().atMost(WAIT).until(() -> deadLetterReasons(topics).containsAll(List.of("INVALID_SNAPSHOT",
          "TOO_LARGE")));
      assertThat(app.isLive()).isTrue();

      // 4. a second task, then a PIN of a version that does not exist yet, then an emergency ROLLBACK
      broker.samples(topics, "mnist", "t2", task2, 0, task2.size());
      broker.end(topics, "mnist", "t2", new int[] {5, 6, 7, 8, 9}, task2.size());
      await().atMost(WAIT).until(() -> app.models().servingVersion("mnist").equals(OptionalLong.of(2)));
      broker.command(topics, "mnist", ModelAction.PIN, 99L);
      broker.command(topics, "mnist", ModelAction.ROLLBACK, null);
      await().atMost(WAIT).until(() -> app.models().servingVersion("mnist").equals(OptionalLong.of(1)));

      assertThat(app.isLive()).isTrue();
      assertThat(app.isReady()).isTrue();
    }
  }

  /** Trains task {@code task} of model mnist on {@code classes} and waits until {@code version} serves. */
  private static void train(StreamingLearnerApp app, Topics topics, String task, long version, int... classes) {
    Dataset data = BrokerFixture.mnist(mnist, 10, classes);
    broker.start(topics, "mnist", task, classes);
    broker.samples(topics, "mnist", task, data, 0, data.size());
    broker.end(topics, "mnist", task, classes, data.size());
    await().atMost(WAIT).until(() -> app.models().knownVersions("mnist").contains(version));
  }

  @Test
  void aPinOfAVersionNotYetPublishedIsDroppedAsItsDeadLetterSaysAndNeverFiresLater() throws Exception {
    AppSettings settings = AppSettings.defaults("it-pin").withTopics(Topics.withPrefix("pin."))
        .withLearner("ncm", Map.of());
    Topics topics = settings.topics();
    try (StreamingLearnerApp app = new StreamingLearnerApp(settings,
        broker.appProperties("pin-app", BrokerFixture.tempDir("pin")), new SimpleMeterRegistry())) {
      app.start();
      await().atMost(WAIT).until(app::isReady);
      train(app, topics, "t1", 1, 0, 1);

      broker.command(topics, "mnist", ModelAction.PIN, 2L);
      await().atMost(WAIT).until(() -> deadLetterReasons(topics).contains("UNKNOWN_VERSION"));
      assertThat(deadLetters(topics)).singleElement().satisfies(d -> assertThat(d.getMessage())
          .contains("the followers drop it"));

      train(app, topics, "t2", 2, 2, 3);
      await().atMost(WAIT).until(() -> app.models().servingVersion("mnist").equals(OptionalLong.of(2)));
      assertThat(app.models().view("mnist").orElseThrow().pinned()).as("the dropped PIN did not fire").isFalse();

      // a PIN of a version that exists applies, and nothing says otherwise
      broker.command(topics, "mnist", ModelAction.PIN, 2L);
      await().atMost(WAIT).until(() -> app.models().view("mnist").orElseThrow().pinned());
      train(app, topics, "t3", 3, 4, 5);
      assertThat(app.models().servingVersion("mnist")).hasValue(2);
      assertThat(deadLetterReasons(topics)).containsExactly("UNKNOWN_VERSION");
    }
  }

  /** The samples topic, made by hand to take records of up to 4 MiB (as an operator raising the limits would). */
  private void createSamplesTopicTakingLargeRecords(Topics topics) throws Exception {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
        broker.cluster.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(topics.samples(), 1, (short) 1)
          .configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(4 << 20))))).all().get();
    }
  }

  /** A producer that sends records of up to 4 MiB. */
  private KafkaProducer<byte[], byte[]> largeRecordProducer() {
    return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.cluster.bootstrapServers(),
        ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 << 20), new ByteArraySerializer(), new ByteArraySerializer());
  }

  /** A sample of task t1 of model mnist with 300,000 features from {@code values} (over 1 MiB encoded). */
  private byte[] wideSample(Topics topics, String sampleId, java.util.function.DoubleSupplier values) {
    List<Float> features = new ArrayList<>(300_000);
    for (int i = 0; i < 300_000; i++) {
      features.add((float) values.getAsDouble());
    }
    return broker.codecs.samples().serializer().serialize(topics.samples(),
        new LabelledSample("mnist", "t1", sampleId, 0, features, null));
  }

  @Test
  void aRaisedProducerRequestSizeLetsTheInternalTopicsTakeTheLargerRecordsItLetsThrough() throws Exception {
    // an operator raised producer.max.request.size to 4 MiB and input.max.record.bytes with it: a 1.2 MB record then
    // passes the decode check and is copied into the repartition topic, which the broker (message.max.bytes 1 MiB by
    // default) would refuse, failing the transaction, unless the internal topic was created to take it
    AppSettings settings = AppSettings.defaults("it-raised").withTopics(Topics.withPrefix("raised."))
        .withLearner("ncm", Map.of()).withLimits(Limits.defaults().withMaxRecordBytes(3 << 20));
    Topics topics = settings.topics();
    Dataset task1 = BrokerFixture.mnist(mnist, 10, 0, 1);
    createSamplesTopicTakingLargeRecords(topics);
    java.util.Properties properties = broker.appProperties("raised-app", BrokerFixture.tempDir("raised"));
    properties.put("producer.max.request.size", String.valueOf(4 << 20));
    try (StreamingLearnerApp app = new StreamingLearnerApp(settings, properties, new SimpleMeterRegistry());
        KafkaProducer<byte[], byte[]> big = largeRecordProducer()) {
      app.start();
      await().atMost(WAIT).until(app::isReady);
      broker.start(topics, "mnist", "t1", new int[] {0, 1});
      broker.samples(topics, "mnist", "t1", task1, 0, task1.size() / 2);
      // random values: the producers' lz4 cannot shrink the copy below 1 MiB
      java.util.SplittableRandom random = new java.util.SplittableRandom(5);
      byte[] large = wideSample(topics, "wide", random::nextDouble);
      assertThat(large.length).isBetween(1 << 20, 3 << 20);
      // keyed by something else than its model id: it is copied into the by-model repartition topic, and refused
      // there only for its length (the model reads 784 features)
      big.send(new ProducerRecord<>(topics.samples(), "wide".getBytes(), large)).get();
      broker.samples(topics, "mnist", "t1", task1, task1.size() / 2, task1.size());
      broker.end(topics, "mnist", "t1", new int[] {0, 1}, task1.size());

      await().atMost(WAIT).until(() -> app.models().servingVersion("mnist").equals(OptionalLong.of(1)));
      await().atMost(WAIT).until(() -> deadLetters(topics).stream()
          .anyMatch(d -> d.getReason().equals("WRONG_DIMENSION")));
      assertThat(deadLetters(topics)).noneMatch(d -> d.getReason().equals("TOO_LARGE"));
      assertThat(app.isLive()).isTrue();
      assertThat(app.isReady()).isTrue();
    }
  }

  @Test
  void aSampleTooLargeToCopyIsRefusedAtDecodeEvenWhenTheConfiguredLimitWouldTakeIt() throws Exception {
    // an operator raised input.max.record.bytes above what the app's producer takes, and made the samples topic
    // accept such records: a 1.2 MB sample keyed by another key than its model id would be copied into the
    // repartition topic, and a copy the producer refuses fails the transaction (no handler can resume it), so the
    // stream thread dies and its successor replays the same offset; the limit is lowered to what can be copied
    AppSettings settings = AppSettings.defaults("it-copy").withTopics(Topics.withPrefix("copy."))
        .withLearner("ncm", Map.of()).withLimits(Limits.defaults().withMaxRecordBytes(4 << 20));
    Topics topics = settings.topics();
    Dataset task1 = BrokerFixture.mnist(mnist, 10, 0, 1);
    createSamplesTopicTakingLargeRecords(topics);
    try (StreamingLearnerApp app = new StreamingLearnerApp(settings,
        broker.appProperties("copy-app", BrokerFixture.tempDir("copy")), new SimpleMeterRegistry());
        KafkaProducer<byte[], byte[]> big = largeRecordProducer()) {
      app.start();
      await().atMost(WAIT).until(app::isReady);
      broker.start(topics, "mnist", "t1", new int[] {0, 1});
      broker.samples(topics, "mnist", "t1", task1, 0, task1.size() / 2);
      byte[] poison = wideSample(topics, "poison", () -> 0.5);
      assertThat(poison.length).isGreaterThan(1 << 20);
      // keyed by something else than its model id: it is copied into the by-model repartition topic
      big.send(new ProducerRecord<>(topics.samples(), "poison".getBytes(), poison)).get();
      broker.samples(topics, "mnist", "t1", task1, task1.size() / 2, task1.size());
      broker.end(topics, "mnist", "t1", new int[] {0, 1}, task1.size());

      await().atMost(WAIT).until(() -> app.models().servingVersion("mnist").equals(OptionalLong.of(1)));
      await().atMost(WAIT).until(() -> deadLetters(topics).stream().anyMatch(d -> d.getReason().equals("TOO_LARGE")));
      DeadLetter letter = deadLetters(topics).stream().filter(d -> d.getReason().equals("TOO_LARGE"))
          .findFirst().orElseThrow();
      assertThat(letter.getOriginalValue().remaining()).as("a truncated copy").isLessThan(poison.length)
          .isEqualTo(Limits.defaults().deadLetterValueBytes());
      assertThat(letter.getMessage()).contains("cut");
      assertThat(app.isLive()).isTrue();
      assertThat(app.isReady()).isTrue();
    }
  }

  @Test
  void theCommandTopicKeepsCommandsForeverAndMisconfiguredTopicsAreReported() throws Exception {
    AppSettings settings = AppSettings.defaults("it-topics").withTopics(Topics.withPrefix("topics."));
    Topics good = settings.topics();
    Topics bad = Topics.withPrefix("bad.");
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
        broker.cluster.bootstrapServers()))) {
      TopicProvisioner.provision(settings, KafkaClientConfigs.forService(
          broker.appProperties("topics-app", BrokerFixture.tempDir("topics"))));
      ConfigResource commands = new ConfigResource(ConfigResource.Type.TOPIC, good.commands());
      assertThat(admin.describeConfigs(List.of(commands)).all().get().get(commands)
          .get(TopicConfig.RETENTION_MS_CONFIG).value()).isEqualTo("-1");
      assertThat(TopicProvisioner.check(admin, good)).isEmpty();

      admin.createTopics(List.of(new NewTopic(bad.snapshots(), 1, (short) 1),
          new NewTopic(bad.commands(), 1, (short) 1))).all().get();
      await().atMost(WAIT).until(() -> TopicProvisioner.check(admin, bad).size() == 2);
      assertThat(TopicProvisioner.check(admin, bad)).anySatisfy(w -> assertThat(w)
          .contains("cleanup.policy=delete")).anySatisfy(w -> assertThat(w).contains("retention.ms=604800000"));
    }
  }

  @Test
  void aSamplesTopicThatCouldDeleteABufferedTaskAndMismatchedPartitionsAreReported() throws Exception {
    Topics bad = Topics.withPrefix("badbuf.");
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
        broker.cluster.bootstrapServers()))) {
      admin.createTopics(List.of(
          new NewTopic(bad.samples(), 1, (short) 1).configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, "3600000")),
          new NewTopic(bad.taskEvents(), 2, (short) 1))).all().get();
      await().atMost(WAIT).until(() -> TopicProvisioner.check(admin, bad).size() == 2);
      assertThat(TopicProvisioner.check(admin, bad))
          .anySatisfy(w -> assertThat(w).contains("samples topic " + bad.samples(), "retention.ms=3600000",
              "SAMPLES_EXPIRED"))
          .anySatisfy(w -> assertThat(w).contains("different partition counts", bad.samples() + "=1",
              bad.taskEvents() + "=2"));
    }
  }

  /** A well-formed, correctly checksummed, unsigned snapshot of {@code version}, as anyone could publish. */
  private static void publishWellFormed(KafkaProducer<String, byte[]> producer, Topics topics, long version,
      Long parent) throws Exception {
    var model = io.autoactivator.model.api.Learners.create("ncm", Map.of(), 7L).learn(null,
        new io.autoactivator.model.api.TaskData("x", new int[] {0, 1}, new float[][] {{0f}, {1f}},
            new int[] {0, 1}), io.autoactivator.model.api.TrainingListener.NONE);
    var provenance = io.autoactivator.model.snapshot.Provenance.of(model, "mnist", version, parent, 7L, Map.of(),
        "h", Map.of(), "dev");
    var payload = new SnapshotFormatCodec().encode(model, provenance);
    new SnapshotPublisher(producer, AppTopics.of(topics, broker.codecs).snapshots(), 1 << 20,
        new SimpleMeterRegistry()).publish(SnapshotHeaders.of(provenance, Map.of(), payload, Instant.now()),
            payload.bytes());
  }

  @Test
  void withoutAKeyAForgedHighVersionNeitherServesNorBecomesTheTrainersParent() throws Exception {
    AppSettings settings = AppSettings.defaults("it-lineage").withTopics(Topics.withPrefix("lineage."))
        .withLearner("ncm", Map.of());
    Topics topics = settings.topics();
    Dataset task1 = BrokerFixture.mnist(mnist, 10, 0, 1);
    Dataset task2 = BrokerFixture.mnist(mnist, 10, 2, 3);
    try (StreamingLearnerApp app = new StreamingLearnerApp(settings,
        broker.appProperties("lineage-app", BrokerFixture.tempDir("lineage")), new SimpleMeterRegistry());
        KafkaProducer<String, byte[]> attacker = new KafkaProducer<>(Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.cluster.bootstrapServers()), new StringSerializer(),
            new ByteArraySerializer())) {
      app.start();
      await().atMost(WAIT).until(app::isReady);
      // versions no instance trained: 50 "continues" 49 and 7 "continues" 6, neither of which exists
      publishWellFormed(attacker, topics, 50, 49L);
      publishWellFormed(attacker, topics, 7, 6L);

      broker.start(topics, "mnist", "t1", new int[] {0, 1});
      broker.samples(topics, "mnist", "t1", task1, 0, task1.size());
      broker.end(topics, "mnist", "t1", new int[] {0, 1}, task1.size());
      await().atMost(WAIT).until(() -> app.models().servingVersion("mnist").equals(OptionalLong.of(1)));
      broker.start(topics, "mnist", "t2", new int[] {2, 3});
      broker.samples(topics, "mnist", "t2", task2, 0, task2.size());
      broker.end(topics, "mnist", "t2", new int[] {2, 3}, task2.size());
      await().atMost(WAIT).until(() -> app.models().servingVersion("mnist").equals(OptionalLong.of(2)));

      assertThat(app.models().knownVersions("mnist")).containsExactly(1L, 2L);
      assertThat(app.models().header("mnist", 2)).get().satisfies(h -> assertThat(h.getParentVersion())
          .as("the trainer's parent is the version it trained").isEqualTo(1L));
      assertThat(app.isLive()).isTrue();
    }
  }

  @Test
  void withASigningKeyAForgedButWellFormedSnapshotIsNotLoadedAndTheSignedOneIs() throws Exception {
    AppSettings settings = AppSettings.defaults("it-signed").withTopics(Topics.withPrefix("signed."))
        .withLearner("ncm", Map.of()).withSnapshotSigningKey("s3cret");
    Topics topics = settings.topics();
    Dataset task1 = BrokerFixture.mnist(mnist, 10, 0, 1);
    try (StreamingLearnerApp app = new StreamingLearnerApp(settings,
        broker.appProperties("signed-app", BrokerFixture.tempDir("signed")), new SimpleMeterRegistry());
        KafkaProducer<String, byte[]> attacker = new KafkaProducer<>(Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.cluster.bootstrapServers()), new StringSerializer(),
            new ByteArraySerializer())) {
      app.start();
      await().atMost(WAIT).until(app::isReady);

      // an attacker's well-formed, correctly checksummed, unsigned version 1, and a forged high version
      publishWellFormed(attacker, topics, 1, null);
      publishWellFormed(attacker, topics, 50, 49L);

      broker.start(topics, "mnist", "t1", new int[] {0, 1});
      broker.samples(topics, "mnist", "t1", task1, 0, task1.size());
      broker.end(topics, "mnist", "t1", new int[] {0, 1}, task1.size());
      await().atMost(WAIT).until(() -> app.models().header("mnist", 1)
          .map(h -> h.getSignature() != null).orElse(false));
      assertThat(app.models().servingVersion("mnist")).hasValue(1);
      assertThat(app.models().knownVersions("mnist")).containsExactly(1L);
    }
  }
}
