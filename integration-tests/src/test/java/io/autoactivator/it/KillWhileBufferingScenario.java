package io.autoactivator.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

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
 * Scenario 3: the executable is SIGKILLed while it buffers a task (START and part of the samples in, no END), the
 * rest of the task is published while no instance runs, and the instance restarts on the same state directory.
 * Every sample must be in the one snapshot of the task, nothing dead-lettered, the task trained exactly once.
 */
abstract class KillWhileBufferingScenario extends BrokerScenario {

  static final String MODEL = "digits";
  static final int[] CLASSES = {0, 1, 2};

  @RegisterExtension
  final AppProcesses apps = new AppProcesses();

  @Test
  void sigkillWhileBufferingLosesNoSampleAndTrainsTheTaskOnce() {
    Deployment deployment = Learning.withDefaultLearner(Deployment.on(broker(), "kill-buffering"))
        .with("consumer.session.timeout.ms", "6000");
    Slice task = MnistSlices.train(100, CLASSES);
    String events = deployment.topics().taskEvents();
    String samples = deployment.topics().samples();

    AppProcess first = apps.launch(deployment, "node-a").awaitReady(Duration.ofMinutes(2));
    try (Wire wire = new Wire(deployment)) {
      wire.send(events, MODEL, Wire.boundary(MODEL, "t1", BoundaryKind.START, CLASSES, null));
      int beforeKill = 2 * task.size() / 3;
      for (int i = 0; i < beforeKill; i++) {
        wire.send(samples, MODEL, Wire.sample(MODEL, "t1", task, i));
      }
      Awaitility.await("node-a buffers samples").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(100))
          .until(() -> first.metric("autoactivator_buffered_samples").orElse(0) >= beforeKill / 2);
      first.kill();

      for (int i = beforeKill; i < task.size(); i++) {
        wire.send(samples, MODEL, Wire.sample(MODEL, "t1", task, i));
      }
      wire.send(events, MODEL, Wire.boundary(MODEL, "t1", BoundaryKind.END, CLASSES, (long) task.size()));
      AppProcess restarted = apps.launch(deployment, "node-a").awaitReady(Duration.ofMinutes(2));

      wire.snapshots(l -> Counting.hasCompleteVersion(l, MODEL, 1), Duration.ofMinutes(3));
      List<ModelSnapshot> records = wire.readAll(deployment.topics().snapshots(), ModelSnapshot.class,
          Duration.ofSeconds(8));
      Map<Long, List<ModelSnapshot>> versions = Counting.snapshotsByVersion(records, MODEL);
      assertThat(versions.keySet()).as("snapshots of the one task").containsExactly(1L);
      assertThat(versions.get(1L).get(0).getTasks()).singleElement()
          .satisfies(t -> assertThat(t.getSampleCount()).as("samples trained on").isEqualTo(task.size()));
      assertThat(wire.readAll(deployment.topics().deadLetters(), DeadLetter.class, Duration.ofSeconds(1)))
          .as("dead letters (a replayed sample would be a DUPLICATE_SAMPLE)").isEmpty();
      assertThat(first.countLines("trained in")).as("trainings on the killed instance").isZero();
      assertThat(restarted.countLines("trained in")).as("trainings after the restart").isEqualTo(1);
      restarted.stop();
    }
  }
}
