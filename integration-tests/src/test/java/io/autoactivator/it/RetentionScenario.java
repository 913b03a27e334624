package io.autoactivator.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.autoactivator.it.support.AppProcess;
import io.autoactivator.it.support.AppProcesses;
import io.autoactivator.it.support.Counting;
import io.autoactivator.it.support.Deployment;
import io.autoactivator.it.support.Learning;
import io.autoactivator.it.support.MnistSlices;
import io.autoactivator.it.support.MnistSlices.Slice;
import io.autoactivator.it.support.Wire;
import io.autoactivator.schemas.BoundaryKind;
import io.autoactivator.schemas.DeadLetter;
import io.autoactivator.schemas.ModelSnapshot;

/**
 * Scenario 10: the samples topic is the task buffer, and retention deletes a buffered task's samples while no instance
 * runs (the executable SIGKILLed mid-buffering, the partition's log start moved past the task, its END published).
 * The restarted instance never trains the task on what is left: one SAMPLES_EXPIRED dead letter naming the setting,
 * the task quarantined, and the model's next task trains as version 1.
 */
abstract class RetentionScenario extends BrokerScenario {

  static final String MODEL = "digits";
  static final int[] LOST = {0, 1};
  static final int[] NEXT = {2, 3};

  @RegisterExtension
  final AppProcesses apps = new AppProcesses();

  @Test
  void samplesDeletedByRetentionBeforeTrainingQuarantineTheTaskAndTheNextTaskTrains() throws Exception {
    Deployment deployment = Learning.withDefaultLearner(Deployment.on(broker(), "retention"))
        .with("consumer.session.timeout.ms", "6000");
    Slice lost = MnistSlices.train(40, LOST);
    Slice next = MnistSlices.train(40, NEXT);
    String events = deployment.topics().taskEvents();
    String samples = deployment.topics().samples();

    AppProcess first = apps.launch(deployment, "node-a").awaitReady(Duration.ofMinutes(2));
    try (Wire wire = new Wire(deployment)) {
      wire.send(events, MODEL, Wire.boundary(MODEL, "t1", BoundaryKind.START, LOST, null));
      for (int i = 0; i < lost.size(); i++) {
        wire.send(samples, MODEL, Wire.sample(MODEL, "t1", lost, i));
      }
      Awaitility.await("node-a accepts the samples").atMost(Duration.ofMinutes(1))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> first.metric("autoactivator_buffered_samples").orElse(0) >= lost.size());
      Awaitility.await("node-a commits them").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(100))
          .until(() -> committedOffset(deployment, samples) >= lost.size());
      first.kill();

      deleteEverythingBefore(deployment, samples);
      wire.send(events, MODEL, Wire.boundary(MODEL, "t1", BoundaryKind.END, LOST, (long) lost.size()));
      AppProcess restarted = apps.launch(deployment, "node-a").awaitReady(Duration.ofMinutes(2));

      Awaitility.await("the task is reported").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200))
          .until(() -> restarted.metric("autoactivator_tasks_samples_expired_total").orElse(0) >= 1);
      List<DeadLetter> letters = wire.readAll(deployment.topics().deadLetters(), DeadLetter.class,
          Duration.ofSeconds(2));
      assertThat(letters).singleElement().satisfies(d -> {
        assertThat(d.getReason()).isEqualTo("SAMPLES_EXPIRED");
        assertThat(d.getMessage()).contains("retention.ms", samples);
      });
      assertThat(restarted.countLines("trained in")).as("never trained on part of its data").isZero();

      wire.publishTask(MODEL, "t2", NEXT, next);
      wire.snapshots(l -> Counting.hasCompleteVersion(l, MODEL, 1), Duration.ofMinutes(3));
      List<ModelSnapshot> records = wire.readAll(deployment.topics().snapshots(), ModelSnapshot.class,
          Duration.ofSeconds(4));
      Map<Long, List<ModelSnapshot>> versions = Counting.snapshotsByVersion(records, MODEL);
      assertThat(versions.keySet()).containsExactly(1L);
      assertThat(versions.get(1L).get(0).getTasks()).singleElement()
          .satisfies(t -> assertThat(t.getTaskId()).isEqualTo("t2"));
      restarted.stop();
    }
  }

  /** The app's committed position on partition 0 of {@code topic} (-1 before its first commit). */
  private static long committedOffset(Deployment deployment, String topic) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", deployment.broker().bootstrapServers()))) {
      var offsets = admin.listConsumerGroupOffsets(deployment.applicationId()).partitionsToOffsetAndMetadata().get();
      var committed = offsets.get(new TopicPartition(topic, 0));
      return committed == null ? -1 : committed.offset();
    }
  }

  /** What retention does to a partition: its log now starts at its current end. */
  private static void deleteEverythingBefore(Deployment deployment, String topic) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", deployment.broker().bootstrapServers()))) {
      TopicPartition tp = new TopicPartition(topic, 0);
      long end = admin.listOffsets(Map.of(tp, OffsetSpec.latest())).all().get().get(tp).offset();
      admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(end))).all().get();
    }
  }
}
