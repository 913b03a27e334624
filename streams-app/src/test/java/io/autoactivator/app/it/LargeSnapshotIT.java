package io.autoactivator.app.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;

import io.autoactivator.app.StreamingLearnerApp;
import io.autoactivator.app.config.AppSettings;
import io.autoactivator.app.config.Topics;
import io.autoactivator.model.data.Dataset;
import io.autoactivator.schemas.ModelSnapshot;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** A snapshot far above the broker's message size travels in chunks and is swapped in (real broker). */
class LargeSnapshotIT extends BrokerTestBase {

  private static AppSettings settings(String prefix, String learner, Map<String, String> options) {
    return AppSettings.defaults("it-" + prefix).withTopics(Topics.withPrefix(prefix + "."))
        .withLearner(learner, options).withServing(8, Duration.ofMillis(20));
  }

  @Test
  void snapshotOfMoreThanTwentyMegabytesIsPublishedInChunksAndSwappedIn() throws Exception {
    // analytic keeps a features x features Gram matrix of doubles: 1500^2 * 8 bytes = 18 MB, plus 784 x 1500 weights
    AppSettings settings = settings("large", "analytic", Map.of("features", "1500"))
        .withSnapshotChunkBytes(1024 * 1024);
    Topics topics = settings.topics();
    Dataset task = BrokerFixture.mnist(mnist, 5, 0, 1);
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (StreamingLearnerApp app = new StreamingLearnerApp(settings,
        broker.appProperties("large-app", BrokerFixture.tempDir("large")), meters)) {
      app.start();
      await().atMost(WAIT).until(app::isReady);
      broker.end(topics, "big", "t1", new int[] {0, 1}, task.size());
      broker.samples(topics, "big", "t1", task, 0, task.size());
      await().atMost(Duration.ofSeconds(90)).until(() -> app.models().servingVersion("big")
          .equals(OptionalLong.of(1)));
      List<ModelSnapshot> chunks = broker.readAll(topics.snapshots()).stream()
          .map(r -> broker.codecs.snapshots().deserializer().deserialize(topics.snapshots(), r.value())).toList();
      assertThat(chunks.get(0).getByteSize()).isGreaterThanOrEqualTo(20L * 1024 * 1024);
      assertThat(chunks).hasSize(chunks.get(0).getChunkCount()).hasSizeGreaterThanOrEqualTo(20);
      assertThat(meters.get("autoactivator.snapshot.bytes").summary().max())
          .isGreaterThanOrEqualTo(20.0 * 1024 * 1024);
      org.apache.kafka.clients.admin.Config config;
      try (var admin = broker.cluster.admin()) {
        config = admin.describeConfigs(List.of(new org.apache.kafka.common.config.ConfigResource(
            org.apache.kafka.common.config.ConfigResource.Type.TOPIC, topics.snapshots()))).all().get().values()
            .iterator().next();
      }
      assertThat(config.get("cleanup.policy").value()).isEqualTo("compact");
      assertThat(Integer.parseInt(config.get("max.message.bytes").value())).isGreaterThan(1024 * 1024);
      assertThat(app.models().model("big", 1)).get()
          .satisfies(m -> assertThat(m.predict(new float[][] {task.features()[0]}).labels()[0])
              .isEqualTo(task.labels()[0]));
    }
  }

}
