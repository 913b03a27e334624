package io.autoactivator.app.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import io.autoactivator.app.StreamingLearnerApp;
import io.autoactivator.app.buffer.TaskState;
import io.autoactivator.app.buffer.TaskStatus;
import io.autoactivator.app.config.AppSettings;
import io.autoactivator.app.config.Topics;
import io.autoactivator.model.data.Dataset;
import io.autoactivator.schemas.ModelSnapshot;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * A restart in the middle of buffering (real broker): the new instance, with the same application id and state
 * directory, finishes the task, which is trained once on every sample.
 */
class RestartIT extends BrokerTestBase {

  private static AppSettings settings(String prefix, String learner, Map<String, String> options) {
    return AppSettings.defaults("it-" + prefix).withTopics(Topics.withPrefix(prefix + "."))
        .withLearner(learner, options).withServing(8, Duration.ofMillis(20));
  }

  @Test
  void restartInTheMiddleOfBufferingTrainsOnceWithEverySample() throws Exception {
    AppSettings settings = settings("restart", "ncm", Map.of());
    Topics topics = settings.topics();
    Dataset task = BrokerFixture.mnist(mnist, 10, 3, 4);
    Path stateDir = BrokerFixture.tempDir("restart");
    int half = task.size() / 2;
    try (StreamingLearnerApp first = new StreamingLearnerApp(settings,
        broker.appProperties("restart-app", stateDir), new SimpleMeterRegistry())) {
      first.start();
      await().atMost(WAIT).until(first::isReady);
      broker.start(topics, "r", "t1", new int[] {3, 4});
      broker.samples(topics, "r", "t1", task, 0, half);
      await().atMost(WAIT).until(() -> first.tasks().stream().anyMatch(t -> t.received() == half));
    }
    try (StreamingLearnerApp second = new StreamingLearnerApp(settings,
        broker.appProperties("restart-app", stateDir), new SimpleMeterRegistry())) {
      second.start();
      await().atMost(WAIT).until(second::isReady);
      broker.samples(topics, "r", "t1", task, half, task.size());
      broker.end(topics, "r", "t1", new int[] {3, 4}, task.size());
      await().atMost(WAIT).until(() -> second.models().servingVersion("r").equals(OptionalLong.of(1)));
      await().atMost(WAIT).until(() -> second.tasks().stream().anyMatch(t -> t.status() == TaskStatus.TRAINED));
      Optional<TaskState> state = second.tasks().stream().filter(t -> t.taskId().equals("t1")).findFirst();
      assertThat(state).get().satisfies(t -> assertThat(t.received()).isEqualTo(task.size()));
      List<ModelSnapshot> snapshots = snapshots(topics);
      assertThat(snapshots).as("trained once").extracting(ModelSnapshot::getVersion).containsExactly(1L);
      assertThat(snapshots.get(0).getTasks().get(0).getSampleCount()).isEqualTo(task.size());
      assertThat(broker.readAll(topics.deadLetters())).isEmpty();
    }
  }

  private static List<ModelSnapshot> snapshots(Topics topics) {
    return broker.readAll(topics.snapshots()).stream()
        .map(ConsumerRecord::value)
        .map(v -> broker.codecs.snapshots().deserializer().deserialize(topics.snapshots(), v))
        .filter(s -> s.getChunkIndex() == 0).toList();
  }
}
