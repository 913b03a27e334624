package io.autoactivator.app.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import io.autoactivator.app.StreamingLearnerApp;
import io.autoactivator.app.buffer.TaskStatus;
import io.autoactivator.app.config.AppSettings;
import io.autoactivator.app.config.Topics;
import io.autoactivator.model.data.Dataset;
import io.autoactivator.schemas.ModelAction;
import io.autoactivator.schemas.ModelSnapshot;
import io.autoactivator.schemas.Prediction;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The runtime against a real in-process broker: off-thread training of real MNIST tasks, snapshots published,
 * loaded and hot-swapped, rollout commands applied by the follower.
 */
class StreamingLearnerAppIT extends BrokerTestBase {

  private static AppSettings settings(String prefix, String learner, Map<String, String> options) {
    return AppSettings.defaults("it-" + prefix).withTopics(Topics.withPrefix(prefix + "."))
        .withLearner(learner, options).withServing(8, Duration.ofMillis(20));
  }

  private static Prediction answer(Topics topics, String requestId) {
    return broker.readAll(topics.predictions()).stream()
        .map(r -> broker.codecs.predictions().deserializer().deserialize(topics.predictions(), r.value()))
        .filter(p -> p.getRequestId().equals(requestId)).findFirst().orElse(null);
  }

  @Test
  void twoMnistTasksTrainOffThreadAndPredictionsSwitchFromVersionOneToTwo() throws Exception {
    AppSettings settings = settings("swap", "ncm", Map.of());
    Topics topics = settings.topics();
    Dataset task1 = BrokerFixture.mnist(mnist, 20, 0, 1, 2, 3, 4);
    Dataset task2 = BrokerFixture.mnist(mnist, 20, 5, 6, 7, 8, 9);
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (StreamingLearnerApp app = new StreamingLearnerApp(settings,
        broker.appProperties("swap-app", BrokerFixture.tempDir("swap")), meters)) {
      app.start();
      await().atMost(WAIT).until(app::isReady);

      broker.start(topics, "mnist", "t1", new int[] {0, 1, 2, 3, 4});
      broker.samples(topics, "mnist", "t1", task1, 0, task1.size());
      broker.end(topics, "mnist", "t1", new int[] {0, 1, 2, 3, 4}, task1.size());
      await().atMost(WAIT).until(() -> app.models().servingVersion("mnist").equals(OptionalLong.of(1)));
      broker.query(topics, "mnist", "before", task2.features()[0]);
      await().atMost(WAIT).until(() -> answer(topics, "before") != null);
      assertThat(answer(topics, "before").getModelVersion()).isEqualTo(1L);

      broker.samples(topics, "mnist", "t2", task2, 0, task2.size()); // samples before the boundaries
      broker.end(topics, "mnist", "t2", new int[] {5, 6, 7, 8, 9}, task2.size());
      await().atMost(WAIT).until(() -> app.models().servingVersion("mnist").equals(OptionalLong.of(2)));
      broker.query(topics, "mnist", "after", task2.features()[0]);
      await().atMost(WAIT).until(() -> answer(topics, "after") != null);
      Prediction after = answer(topics, "after");
      assertThat(after.getModelVersion()).isEqualTo(2L);
      assertThat(after.getPredictedLabel()).isEqualTo(task2.labels()[0]);

      await().atMost(WAIT).until(() -> app.tasks().stream().filter(t -> t.status() == TaskStatus.TRAINED)
          .count() == 2);
      assertThat(meters.get("autoactivator.training.seconds").timer().count()).isEqualTo(2);
      assertThat(meters.get("autoactivator.buffered.samples").gauge().value()).isZero();
      assertThat(app.isLive()).isTrue();
      List<ModelSnapshot> snapshots = snapshots(topics);
      assertThat(snapshots).extracting(ModelSnapshot::getVersion).containsExactly(1L, 2L);
      assertThat(snapshots.get(1).getParentVersion()).isEqualTo(1L);
      assertThat(snapshots.get(1).getTasks()).extracting(t -> t.getTaskId()).containsExactly("t1", "t2");
      assertThat(snapshots.get(1).getProvenance().getDataOffsets()).containsKey(topics.samples() + "-0");
      ModelSnapshot v2 = snapshots.get(1);
      assertThat(v2.getChunkCount()).isEqualTo(1);
      byte[] payload = new byte[v2.getPayload().remaining()];
      v2.getPayload().duplicate().get(payload);
      var provenance = io.autoactivator.model.snapshot.SnapshotFormat.readHeader(payload);
      assertThat(provenance.version()).isEqualTo(2);
      assertThat(provenance.parentVersion()).isEqualTo(1L);
      assertThat(provenance.modelId()).isEqualTo("mnist");
      assertThat(provenance.dataOffsets()).containsKey(topics.samples() + "-0");

      broker.command(topics, "mnist", ModelAction.ROLLBACK, null); // applied by the follower, in log order
      await().atMost(WAIT).until(() -> app.models().servingVersion("mnist").equals(OptionalLong.of(1)));
      broker.command(topics, "mnist", ModelAction.PROMOTE, 2L);
      await().atMost(WAIT).until(() -> app.models().servingVersion("mnist").equals(OptionalLong.of(2)));
    }
  }

  private static List<ModelSnapshot> snapshots(Topics topics) {
    return broker.readAll(topics.snapshots()).stream()
        .map(ConsumerRecord::value)
        .map(v -> broker.codecs.snapshots().deserializer().deserialize(topics.snapshots(), v))
        .filter(s -> s.getChunkIndex() == 0).toList();
  }
}
