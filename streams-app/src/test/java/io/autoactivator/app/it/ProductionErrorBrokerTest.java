package io.autoactivator.app.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.SplittableRandom;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

import io.autoactivator.app.StreamingLearnerApp;
import io.autoactivator.app.config.AppSettings;
import io.autoactivator.app.config.Topics;
import io.autoactivator.app.topology.TopologyFactory;
import io.autoactivator.model.data.Dataset;
import io.autoactivator.schemas.DeadLetter;
import io.autoactivator.schemas.LabelledSample;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * A record the decode check lets through but the broker refuses to take as a copy (an internal topic that takes less
 * than the app knows: created or altered by hand, or before an operator raised the limits), on the real broker under
 * each processing guarantee; and the same record when the app is told what its internal topics take.
 *
 * <p>Under {@code at_least_once} the production exception handler dead-letters the refused copy
 * ({@code PRODUCTION_ERROR}, the exception's class, a truncated original) and the app goes on with the records
 * after it: the task trains and serves. Under {@code exactly_once_v2} the refused copy aborts the transaction that
 * holds it, which no handler can resume: the instance stops (liveness false, so an orchestrator restarts it) rather
 * than skip records silently; the README says so, and that is why the size check at decode exists.
 */
class ProductionErrorBrokerTest extends BrokerTestBase {

  /** What the internal topics (repartition, changelogs) take in this test: less than the samples topic. */
  private static final int INTERNAL_TOPIC_BYTES = 32 * 1024;

  private static List<DeadLetter> deadLetters(Topics topics) {
    return broker.readAll(topics.deadLetters()).stream()
        .map(r -> broker.codecs.deadLetters().deserializer().deserialize(topics.deadLetters(), r.value()))
        .toList();
  }

  /**
   * Sends a sample of task t1 with 16,000 random features (64 KB that no compression shrinks), keyed by its own id;
   * answers its encoded value.
   */
  private static byte[] wideSample(Topics topics, String sampleId) {
    SplittableRandom random = new SplittableRandom(3);
    List<Float> features = new ArrayList<>(16_000);
    for (int i = 0; i < 16_000; i++) {
      features.add((float) random.nextDouble());
    }
    byte[] value = broker.codecs.samples().serializer()
        .serialize(topics.samples(), new LabelledSample("mnist", "t1", sampleId, 0, features, null));
    broker.raw(topics.samples(), sampleId.getBytes(), value);
    return value;
  }

  private static Properties properties(String name, String guarantee) throws Exception {
    Properties properties = broker.appProperties(name, BrokerFixture.tempDir(name));
    properties.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee);
    return properties;
  }

  /** The app's repartition topic, made by hand before it starts, taking at most 32 KiB per record batch. */
  private static void smallRepartitionTopic(String applicationId) throws Exception {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
        broker.cluster.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(applicationId + "-" + TopologyFactory.BY_MODEL + "-repartition", 1,
          (short) 1).configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(INTERNAL_TOPIC_BYTES)))))
          .all().get();
    }
  }

  @Test
  void underAtLeastOnceACopyTheBrokerRefusesIsDeadLetteredAndLaterRecordsStillTrain() throws Exception {
    AppSettings settings = AppSettings.defaults("it-alo").withTopics(Topics.withPrefix("alo."))
        .withLearner("ncm", Map.of());
    Topics topics = settings.topics();
    Dataset task1 = BrokerFixture.mnist(mnist, 10, 0, 1);
    smallRepartitionTopic("alo-app");
    try (StreamingLearnerApp app = new StreamingLearnerApp(settings, properties("alo-app", "at_least_once"),
        new SimpleMeterRegistry())) {
      app.start();
      await().atMost(WAIT).until(app::isReady);
      broker.start(topics, "mnist", "t1", new int[] {0, 1});
      broker.samples(topics, "mnist", "t1", task1, 0, task1.size() / 2);
      // keyed by something else than its model id: it is copied into the by-model repartition topic, which takes
      // at most 32 KiB; the decode check (512 KiB) lets it through
      byte[] wide = wideSample(topics, "wide");
      broker.samples(topics, "mnist", "t1", task1, task1.size() / 2, task1.size());
      broker.end(topics, "mnist", "t1", new int[] {0, 1}, task1.size());

      await().atMost(WAIT).until(() -> deadLetters(topics).stream()
          .anyMatch(d -> d.getReason().equals("PRODUCTION_ERROR")));
      DeadLetter letter = deadLetters(topics).stream().filter(d -> d.getReason().equals("PRODUCTION_ERROR"))
          .findFirst().orElseThrow();
      assertThat(letter.getErrorClass()).isEqualTo(RecordTooLargeException.class.getName());
      assertThat(letter.getSourceTopic()).as("the original, not its copy").isEqualTo(topics.samples());
      assertThat(letter.getSourceOffset()).isEqualTo(task1.size() / 2);
      assertThat(new String(letter.getOriginalKey().array())).isEqualTo("wide");
      int kept = Math.min(wide.length, settings.limits().deadLetterValueBytes());
      byte[] value = new byte[letter.getOriginalValue().remaining()];
      letter.getOriginalValue().get(value);
      assertThat(value).as("the original value, cut to the dead letters' budget")
          .isEqualTo(java.util.Arrays.copyOf(wide, kept));
      assertThat(letter.getMessage()).contains("-by-model-repartition");
      await().atMost(WAIT).until(() -> app.models().servingVersion("mnist").equals(OptionalLong.of(1)));
      assertThat(app.isLive()).isTrue();
      assertThat(app.isReady()).isTrue();
    }
  }

  @Test
  void underExactlyOnceACopyTheBrokerRefusesStopsTheInstanceInsteadOfSkippingRecords() throws Exception {
    AppSettings settings = AppSettings.defaults("it-eos").withTopics(Topics.withPrefix("eos."))
        .withLearner("ncm", Map.of());
    Topics topics = settings.topics();
    Dataset task1 = BrokerFixture.mnist(mnist, 10, 0, 1);
    smallRepartitionTopic("eos-app");
    try (StreamingLearnerApp app = new StreamingLearnerApp(settings, properties("eos-app", "exactly_once_v2"),
        new SimpleMeterRegistry())) {
      app.start();
      await().atMost(WAIT).until(app::isReady);
      broker.start(topics, "mnist", "t1", new int[] {0, 1});
      broker.samples(topics, "mnist", "t1", task1, 0, task1.size());
      wideSample(topics, "wide");
      await().atMost(WAIT).until(() -> !app.isLive());
      assertThat(app.kafkaStreams().state()).isIn(KafkaStreams.State.ERROR, KafkaStreams.State.PENDING_ERROR);
      assertThat(app.isReady()).isFalse();
    }
  }

  @Test
  void toldWhatItsInternalTopicsTakeTheAppRefusesTheLargerRecordAtDecodeAndGoesOnUnderExactlyOnce() throws Exception {
    AppSettings settings = AppSettings.defaults("it-told").withTopics(Topics.withPrefix("told."))
        .withLearner("ncm", Map.of());
    Topics topics = settings.topics();
    Dataset task1 = BrokerFixture.mnist(mnist, 10, 0, 1);
    Properties properties = properties("told-app", "exactly_once_v2");
    properties.put(StreamsConfig.topicPrefix(TopicConfig.MAX_MESSAGE_BYTES_CONFIG),
        String.valueOf(INTERNAL_TOPIC_BYTES));
    try (StreamingLearnerApp app = new StreamingLearnerApp(settings, properties, new SimpleMeterRegistry())) {
      app.start();
      await().atMost(WAIT).until(app::isReady);
      broker.start(topics, "mnist", "t1", new int[] {0, 1});
      broker.samples(topics, "mnist", "t1", task1, 0, task1.size() / 2);
      wideSample(topics, "wide");
      broker.samples(topics, "mnist", "t1", task1, task1.size() / 2, task1.size());
      broker.end(topics, "mnist", "t1", new int[] {0, 1}, task1.size());

      await().atMost(WAIT).until(() -> app.models().servingVersion("mnist").equals(OptionalLong.of(1)));
      assertThat(deadLetters(topics)).extracting(DeadLetter::getReason).containsExactly("TOO_LARGE");
      assertThat(app.isLive()).isTrue();
    }
  }
}
