package io.autoactivator.app.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import io.autoactivator.app.config.AppSettings;
import io.autoactivator.app.config.Topics;
import io.autoactivator.app.kafka.KafkaClientConfigs;
import io.autoactivator.app.kafka.TopicProvisioner;
import io.autoactivator.app.serve.CountingModel;
import io.autoactivator.app.serve.ServingClients;
import io.autoactivator.app.serve.ServingLoop;
import io.autoactivator.app.snapshot.ModelCatalog;
import io.autoactivator.schemas.Prediction;
import io.autoactivator.schemas.PredictionStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The serving loop on the real broker, without the learner: it answers only once the models are caught up, skips
 * the requests a crashed owner had already answered (their answers are read back from the predictions topic), hands
 * a partition over without losing or repeating a request, and survives a queue far smaller than the load.
 */
class ServingLoopBrokerTest extends BrokerTestBase {

  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final ModelCatalog catalog = new ModelCatalog(meters);

  private static AppSettings settings(String prefix, int batch, int queue) {
    return AppSettings.defaults("it-" + prefix).withTopics(Topics.withPrefix(prefix + ".")).withServing(batch,
        Duration.ZERO).withServingLoop(new AppSettings.Serving(queue, 1, Duration.ofMillis(20)));
  }

  private ServingLoop loop(AppSettings settings, String app, java.util.function.BooleanSupplier caughtUp)
      throws Exception {
    Properties props = broker.appProperties(app, BrokerFixture.tempDir(app));
    KafkaClientConfigs clients = KafkaClientConfigs.forService(props);
    TopicProvisioner.provision(settings, clients);
    return ServingClients.loop(settings, clients, broker.codecs, catalog, new SimpleMeterRegistry(), caughtUp);
  }

  @Test
  void answersOnlyOnceTheModelsAreCaughtUpAndSkipsWhatACrashedOwnerAnswered() throws Exception {
    AppSettings settings = settings("takeover", 8, 64);
    Topics topics = settings.topics();
    catalog.install("m", 1, CountingModel.twoClasses(0));
    AtomicBoolean caughtUp = new AtomicBoolean(false);
    try (ServingLoop serving = loop(settings, "takeover-app", caughtUp::get)) {
      // a crashed owner answered q0..q4 (its answers are in the topic) but never committed
      for (int i = 0; i < 10; i++) {
        broker.query(topics, "m", "q" + i, new float[] {i % 2 * 5f, i % 2 * 5f});
      }
      try (KafkaProducer<String, byte[]> crashed = new KafkaProducer<>(Map.of(
          ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.cluster.bootstrapServers()), new StringSerializer(),
          new ByteArraySerializer())) {
        for (int i = 0; i < 5; i++) {
          RecordHeaders headers = new RecordHeaders();
          headers.add("autoactivator-query", ("0:" + i).getBytes());
          crashed.send(new ProducerRecord<>(topics.predictions(), null, System.currentTimeMillis(), "q" + i,
              answer("q" + i, 99, topics), headers));
        }
      }
      serving.start();
      assertThat(serving.ready()).as("not subscribed before the models are caught up").isFalse();
      caughtUp.set(true);
      await().atMost(WAIT).until(serving::ready);
      await().atMost(WAIT).until(() -> predictions(topics).size() >= 10);
      Map<String, List<Prediction>> byRequest = predictions(topics).stream()
          .collect(Collectors.groupingBy(p -> p.getRequestId().toString()));
      assertThat(byRequest).hasSize(10).allSatisfy((id, answers) -> assertThat(answers).as(id).hasSize(1));
      assertThat(byRequest.get("q2").get(0).getModelVersion()).as("the crashed owner's answer stands").isEqualTo(99);
      assertThat(byRequest.get("q7").get(0).getModelVersion()).isEqualTo(1);
      assertThat(byRequest.get("q7").get(0).getPredictedLabel()).isEqualTo(1);
    }
  }

  @Test
  void aGracefulHandoverUnderLoadAnswersEveryRequestExactlyOnceThroughATinyQueue() throws Exception {
    AppSettings settings = settings("handover", 4, 3);
    Topics topics = settings.topics();
    catalog.install("m", 1, CountingModel.twoClasses(0));
    try (ServingLoop first = loop(settings, "handover-app", () -> true)) {
      first.start();
      await().atMost(WAIT).until(first::ready);
      for (int i = 0; i < 150; i++) {
        broker.query(topics, "m", "a" + i, new float[] {0f, 0f});
      }
    } // closed at once: what it read is answered, the rest is left to the next owner
    try (ServingLoop second = loop(settings, "handover-app", () -> true)) {
      second.start();
      for (int i = 0; i < 50; i++) {
        broker.query(topics, "m", "b" + i, new float[] {5f, 5f});
      }
      await().atMost(WAIT).until(() -> predictions(topics).size() >= 200);
      Map<String, Long> counts = predictions(topics).stream()
          .collect(Collectors.groupingBy(p -> p.getRequestId().toString(), Collectors.counting()));
      assertThat(counts).hasSize(200).allSatisfy((id, n) -> assertThat(n).as(id).isEqualTo(1));
      assertThat(predictions(topics)).allSatisfy(p -> assertThat(p.getStatus()).isEqualTo(PredictionStatus.OK));
    }
  }

  private byte[] answer(String requestId, long version, Topics topics) {
    return broker.codecs.predictions().serializer().serialize(topics.predictions(), Prediction.newBuilder()
        .setRequestId(requestId).setModelId("m").setPredictedLabel(0).setModelVersion(version)
        .setStatus(PredictionStatus.OK).setReceivedAt(Instant.now()).setAnsweredAt(Instant.now())
        .setQueueMicros(0).setInferenceMicros(0).build());
  }

  private static List<Prediction> predictions(Topics topics) {
    Function<ConsumerRecord<byte[], byte[]>, Prediction> decode = r -> broker.codecs.predictions().deserializer()
        .deserialize(topics.predictions(), r.value());
    return broker.readAll(topics.predictions()).stream().map(decode).toList();
  }
}
