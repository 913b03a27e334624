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
import io.autoactivator.it.support.MnistSlices;
import io.autoactivator.it.support.MnistSlices.Slice;
import io.autoactivator.it.support.Wire;
import io.autoactivator.schemas.DeadLetter;
import io.autoactivator.schemas.ModelSnapshot;

/**
 * Scenario 4: the executable is SIGKILLed while it trains a task (the analytic learner with 2000 random features
 * takes seconds; "training started" is the app's hand-off log line, not a sleep), then restarted. The task must
 * be retrained and published exactly once: one version, each chunk once, every sample counted.
 */
abstract class KillDuringTrainingScenario extends BrokerScenario {

  static final String MODEL = "digits";
  static final int[] CLASSES = {0, 1, 2, 3};
  static final String HANDED_OFF = "samples handed to training on top of version 0";

  @RegisterExtension
  final AppProcesses apps = new AppProcesses();

  @Test
  void sigkillDuringTrainingRetrainsAfterRestartAndPublishesOneSnapshot() throws InterruptedException {
    Deployment deployment = Deployment.on(broker(), "kill-training")
        .with("learner", "analytic").with("learner.option.features", "2000")
        .with("consumer.session.timeout.ms", "6000");
    Slice task = MnistSlices.train(100, CLASSES);

    AppProcess first = apps.launch(deployment, "node-a").awaitReady(Duration.ofMinutes(2));
    try (Wire wire = new Wire(deployment)) {
      wire.publishTask(MODEL, "t1", CLASSES, task);
      Awaitility.await("training starts on node-a").atMost(Duration.ofMinutes(1))
          .pollInterval(Duration.ofMillis(50)).until(() -> first.countLines(HANDED_OFF) > 0);
      Thread.sleep(300);
      first.kill();
      assertThat(first.countLines("trained in")).as("node-a was killed before it finished training").isZero();
      assertThat(wire.readAll(deployment.topics().snapshots(), ModelSnapshot.class, Duration.ZERO))
          .as("nothing published before the kill").isEmpty();

      AppProcess restarted = apps.launch(deployment, "node-a").awaitReady(Duration.ofMinutes(2));
      wire.snapshots(l -> Counting.hasCompleteVersion(l, MODEL, 1), Duration.ofMinutes(3));
      List<ModelSnapshot> records = wire.readAll(deployment.topics().snapshots(), ModelSnapshot.class,
          Duration.ofSeconds(8));
      Map<Long, List<ModelSnapshot>> versions = Counting.snapshotsByVersion(records, MODEL);
      assertThat(versions.keySet()).as("exactly one snapshot for the task").containsExactly(1L);
      assertThat(versions.get(1L).get(0).getTasks()).singleElement()
          .satisfies(t -> assertThat(t.getSampleCount()).isEqualTo(task.size()));
      assertThat(restarted.countLines("trained in")).as("retrained once after the restart").isEqualTo(1);
      assertThat(wire.readAll(deployment.topics().deadLetters(), DeadLetter.class, Duration.ofSeconds(1))).isEmpty();
      restarted.stop();
    }
  }
}
