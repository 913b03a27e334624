package io.autoactivator.app.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import io.autoactivator.app.StreamingLearnerApp;
import io.autoactivator.app.buffer.TaskState;
import io.autoactivator.app.buffer.TaskStatus;
import io.autoactivator.app.config.AppSettings;
import io.autoactivator.app.config.Topics;
import io.autoactivator.model.api.ClassIncrementalModel;
import io.autoactivator.model.api.Learners;
import io.autoactivator.model.api.TaskData;
import io.autoactivator.model.api.TrainingListener;
import io.autoactivator.model.data.Dataset;
import io.autoactivator.schemas.DeadLetter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The samples topic is the task buffer (real broker): a task is trained from the records it accepted, read back
 * from the log, and a task whose samples retention deleted before it trained is quarantined, never trained on part
 * of its data.
 */
class LogBufferBrokerTest extends BrokerTestBase {

  private static AppSettings settings(String prefix) {
    return AppSettings.defaults("it-" + prefix).withTopics(Topics.withPrefix(prefix + "."))
        .withLearner("analytic", Map.of()).withServing(8, Duration.ofMillis(20))
        .withIncompleteTaskTimeout(Duration.ofSeconds(4));
  }

  @Test
  void aTaskReadBackFromTheLogTrainsIntoTheSameBytesAsItsSamplesInSampleIdOrder() throws Exception {
    AppSettings settings = settings("logbuf");
    Topics topics = settings.topics();
    Dataset task = BrokerFixture.mnist(mnist, 15, 3, 8);
    Dataset other = BrokerFixture.mnist(mnist, 5, 1, 2);
    try (StreamingLearnerApp app = new StreamingLearnerApp(settings,
        broker.appProperties("logbuf-app", BrokerFixture.tempDir("logbuf")), new SimpleMeterRegistry())) {
      app.start();
      await().atMost(WAIT).until(app::isReady);
      int half = task.size() / 2;
      // keyed by model id (processed in place) and by other keys (repartitioned), interleaved with another
      // model's samples, one sample sent twice, one with a label the task does not have
      broker.samples(topics, "m", "t1", task, 0, half, true);
      broker.samples(topics, "other", "o1", other, 0, other.size(), true);
      broker.samples(topics, "m", "t1", task, half, task.size(), false);
      broker.samples(topics, "m", "t1", task, 2, 3, true);
      broker.samples(topics, "m", "t1", BrokerFixture.mnist(mnist, 40, 1), 35, 36, true); // id t1-35, label 1
      broker.end(topics, "m", "t1", new int[] {3, 8}, task.size());
      await().atMost(WAIT).until(() -> app.models().servingVersion("m").equals(OptionalLong.of(1)));

      ClassIncrementalModel served = app.models().model("m", 1).orElseThrow();
      ClassIncrementalModel offline = Learners.create("analytic", Map.of(), settings.seed())
          .learn(null, inSampleIdOrder(task, "t1", new int[] {3, 8}), TrainingListener.NONE);
      assertThat(weights(served)).as("same bytes as the task's samples in sample-id order")
          .isEqualTo(weights(offline));
      List<String> reasons = deadLetters(topics).stream().map(d -> d.getReason().toString()).toList();
      assertThat(reasons).containsExactlyInAnyOrder("DUPLICATE_SAMPLE", "UNKNOWN_LABEL");
      TaskState state = app.tasks().stream().filter(t -> t.taskId().equals("t1")).findFirst().orElseThrow();
      assertThat(state.status()).isEqualTo(TaskStatus.TRAINED);
      assertThat(state.ranges().size()).as("one partition").isEqualTo(1);
      assertThat(state.ranges().first(0)).isZero();
    }
  }

  @Test
  void aTaskWhoseSamplesRetentionDeletedIsQuarantinedAndTheNextTaskTrains() throws Exception {
    AppSettings settings = settings("expire");
    Topics topics = settings.topics();
    Dataset lost = BrokerFixture.mnist(mnist, 10, 0, 1);
    Dataset next = BrokerFixture.mnist(mnist, 10, 5, 6);
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (StreamingLearnerApp app = new StreamingLearnerApp(settings,
        broker.appProperties("expire-app", BrokerFixture.tempDir("expire")), meters)) {
      app.start();
      await().atMost(WAIT).until(app::isReady);
      broker.start(topics, "m", "t1", new int[] {0, 1});
      broker.samples(topics, "m", "t1", lost, 0, lost.size(), true);
      await().atMost(WAIT).until(() -> app.tasks().stream().anyMatch(t -> t.received() == lost.size()));
      broker.deleteRecords(topics.samples());
      broker.end(topics, "m", "t1", new int[] {0, 1}, lost.size());

      await().atMost(WAIT).until(() -> app.tasks().stream()
          .anyMatch(t -> t.taskId().equals("t1") && t.status() == TaskStatus.QUARANTINED));
      // the store shows QUARANTINED before the transaction that also writes the dead letter commits
      await().atMost(WAIT).untilAsserted(() -> assertThat(deadLetters(topics)).singleElement().satisfies(d -> {
        assertThat(d.getReason().toString()).isEqualTo("SAMPLES_EXPIRED");
        assertThat(d.getMessage().toString()).contains("retention.ms", topics.samples(), "deleted");
      }));
      assertThat(meters.get("autoactivator.tasks.samples.expired").counter().count()).isEqualTo(1);
      assertThat(app.models().servingVersion("m")).as("never trained on part of its data").isEmpty();

      broker.samples(topics, "m", "t2", next, 0, next.size(), true);
      broker.end(topics, "m", "t2", new int[] {5, 6}, next.size());
      await().atMost(WAIT).until(() -> app.models().servingVersion("m").equals(OptionalLong.of(1)));
      assertThat(app.models().header("m", 1).orElseThrow().getTasks()).singleElement()
          .satisfies(t -> assertThat(t.getTaskId().toString()).isEqualTo("t2"));
      assertThat(quarantined(app, "t1").cause()).as("what training found is the task's cause")
          .contains(topics.samples(), "deleted");
    }
    // another state directory: the new instance knows why from the task-state changelog alone
    try (StreamingLearnerApp restored = new StreamingLearnerApp(settings,
        broker.appProperties("expire-app", BrokerFixture.tempDir("expire-b")), new SimpleMeterRegistry())) {
      restored.start();
      await().atMost(WAIT).until(restored::isReady);
      await().atMost(WAIT).until(() -> restored.tasks().stream().anyMatch(t -> t.taskId().equals("t1")));
      assertThat(quarantined(restored, "t1").cause()).contains(topics.samples(), "deleted");
    }
  }

  private static TaskState quarantined(StreamingLearnerApp app, String taskId) {
    TaskState task = app.tasks().stream().filter(t -> t.taskId().equals(taskId)).findFirst().orElseThrow();
    assertThat(task.status()).isEqualTo(TaskStatus.QUARANTINED);
    return task;
  }

  @Test
  void acceptedSamplesReachTheChangelogInChunksAndAnInstanceRestoredFromItStillRejectsEveryDuplicate()
      throws Exception {
    AppSettings settings = settings("chunks");
    Topics topics = settings.topics();
    Dataset task = BrokerFixture.mnist(mnist, 100, 3, 4);
    try (StreamingLearnerApp first = new StreamingLearnerApp(settings,
        broker.appProperties("chunks-app", BrokerFixture.tempDir("chunks-a")), new SimpleMeterRegistry())) {
      first.start();
      await().atMost(WAIT).until(first::isReady);
      broker.samples(topics, "m", "t1", task, 0, task.size(), true);
      await().atMost(WAIT).until(() -> first.tasks().stream().anyMatch(t -> t.received() == task.size()));
    }
    int changelogRecords = broker.readAll("chunks-app-task-samples-changelog").size();
    assertThat(changelogRecords).as("one record per chunk and commit, not one per sample")
        .isPositive().isLessThan(task.size() / 4);

    // another state directory: everything the new instance knows comes from the changelogs
    try (StreamingLearnerApp second = new StreamingLearnerApp(settings,
        broker.appProperties("chunks-app", BrokerFixture.tempDir("chunks-b")), new SimpleMeterRegistry())) {
      second.start();
      await().atMost(WAIT).until(second::isReady);
      broker.samples(topics, "m", "t1", task, 0, task.size(), true); // every sample again
      broker.end(topics, "m", "t1", new int[] {3, 4}, task.size());
      await().atMost(WAIT).until(() -> second.models().servingVersion("m").equals(OptionalLong.of(1)));
      assertThat(second.models().header("m", 1).orElseThrow().getTasks()).singleElement()
          .satisfies(t -> assertThat(t.getSampleCount()).isEqualTo(task.size()));
      await().atMost(WAIT).untilAsserted(() -> assertThat(deadLetters(topics))
          .hasSize(task.size()).allSatisfy(d -> assertThat(d.getReason().toString()).isEqualTo("DUPLICATE_SAMPLE")));
    }
  }

  /** The rows of {@code data} ordered as their sample ids {@code <task>-<row>} sort. */
  private static TaskData inSampleIdOrder(Dataset data, String task, int[] classes) {
    Integer[] rows = IntStream.range(0, data.size()).boxed().toArray(Integer[]::new);
    Arrays.sort(rows, Comparator.comparing(i -> task + "-" + i));
    float[][] x = new float[rows.length][];
    int[] y = new int[rows.length];
    for (int i = 0; i < rows.length; i++) {
      x[i] = data.features()[rows[i]];
      y[i] = data.labels()[rows[i]];
    }
    return new TaskData(task, classes, x, y);
  }

  private static byte[] weights(ClassIncrementalModel model) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (DataOutputStream data = new DataOutputStream(out)) {
      model.writeWeights(data);
    }
    return out.toByteArray();
  }

  private static List<DeadLetter> deadLetters(Topics topics) {
    return broker.readAll(topics.deadLetters()).stream()
        .map(r -> broker.codecs.deadLetters().deserializer().deserialize(topics.deadLetters(), r.value()))
        .toList();
  }
}
