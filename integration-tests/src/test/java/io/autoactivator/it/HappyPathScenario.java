package io.autoactivator.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import io.autoactivator.it.support.Counting;
import io.autoactivator.it.support.Deployment;
import io.autoactivator.it.support.InProcessApp;
import io.autoactivator.it.support.Learning;
import io.autoactivator.it.support.MnistSlices;
import io.autoactivator.it.support.MnistSlices.Slice;
import io.autoactivator.it.support.Wire;
import io.autoactivator.schemas.ModelSnapshot;
import io.autoactivator.schemas.Prediction;
import io.autoactivator.schemas.PredictionStatus;

/**
 * Scenario 1, the happy path: three class-incremental tasks of real MNIST published through the public topics;
 * after each, every held-out image of every class seen so far is queried. Each query is answered exactly once, by
 * the version just trained (named in the answer), with accuracy far above chance on every task seen; versions
 * 1, 2, 3 are each published exactly once, each the child of the previous.
 */
abstract class HappyPathScenario extends BrokerScenario {

  static final String MODEL = "mnist";
  static final int[][] TASKS = {{0, 1, 2, 3}, {4, 5, 6}, {7, 8, 9}};
  static final int TRAIN_PER_CLASS = 120;
  static final int QUERIES_PER_CLASS = 40;
  static final double MIN_TASK_ACCURACY = 0.6;

  @Test
  void learnsTaskAfterTaskAndAnswersEveryQueryOnceWithTheNewestVersion() {
    Deployment deployment = Learning.withDefaultLearner(Deployment.on(broker(), "happy"));
    List<String> sent = new ArrayList<>();
    Map<String, Integer> truth = new HashMap<>();
    try (InProcessApp app = InProcessApp.start(deployment, "happy-1"); Wire wire = new Wire(deployment)) {
      for (int t = 0; t < TASKS.length; t++) {
        long version = t + 1;
        wire.publishTask(MODEL, "task-" + t, TASKS[t], MnistSlices.train(TRAIN_PER_CLASS, TASKS[t]));
        app.awaitServing(MODEL, version, Duration.ofMinutes(3));

        int[] seen = Arrays.stream(TASKS).limit(t + 1).flatMapToInt(Arrays::stream).toArray();
        Slice heldOut = MnistSlices.heldOut(QUERIES_PER_CLASS, seen);
        List<String> ids = wire.query(MODEL, "after-v" + version, heldOut);
        IntStream.range(0, ids.size()).forEach(i -> truth.put(ids.get(i), heldOut.labels()[i]));
        sent.addAll(ids);

        List<Prediction> answers = wire.predictions(l -> answered(l, ids) == ids.size(), Duration.ofMinutes(1))
            .stream().filter(p -> ids.contains(p.getRequestId().toString())).toList();
        assertThat(answers).as("answers after version %s", version).allSatisfy(p -> {
          assertThat(p.getStatus()).isEqualTo(PredictionStatus.OK);
          assertThat(p.getModelVersion()).as("version that computed %s", p.getRequestId()).isEqualTo(version);
        });
        for (int task = 0; task <= t; task++) {
          int[] classes = TASKS[task];
          List<Prediction> ofTask = answers.stream()
              .filter(p -> Arrays.stream(classes).anyMatch(c -> c == truth.get(p.getRequestId().toString())))
              .toList();
          double accuracy = ofTask.stream().filter(p -> p.getPredictedLabel() != null
              && p.getPredictedLabel().equals(truth.get(p.getRequestId().toString()))).count()
              / (double) ofTask.size();
          System.out.printf("[happy path] version %d, task %d %s: accuracy %.3f on %d held-out images (chance %.3f)%n",
              version, task, Arrays.toString(classes), accuracy, ofTask.size(), 1.0 / seen.length);
          assertThat(accuracy).as("accuracy of version %d on task %d", version, task)
              .isGreaterThanOrEqualTo(MIN_TASK_ACCURACY);
        }
      }

      List<Prediction> all = wire.readAll(deployment.topics().predictions(), Prediction.class, Duration.ofSeconds(2));
      Counting.assertExactlyOnce("prediction requests", sent, all, p -> p.getRequestId().toString());

      List<ModelSnapshot> snapshots = wire.readAll(deployment.topics().snapshots(), ModelSnapshot.class,
          Duration.ofSeconds(1));
      Map<Long, List<ModelSnapshot>> versions = Counting.snapshotsByVersion(snapshots, MODEL);
      assertThat(versions.keySet()).as("one snapshot per task, versions increasing").containsExactly(1L, 2L, 3L);
      assertThat(versions.get(2L).get(0).getParentVersion()).isEqualTo(1L);
      assertThat(versions.get(3L).get(0).getParentVersion()).isEqualTo(2L);
      assertThat(versions.get(3L).get(0).getClasses()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
      assertThat(versions.get(3L).get(0).getTasks()).extracting(t -> t.getSampleCount())
          .containsExactly(4L * TRAIN_PER_CLASS, 3L * TRAIN_PER_CLASS, 3L * TRAIN_PER_CLASS);
    }
  }

  private static long answered(List<Prediction> predictions, List<String> ids) {
    return predictions.stream().map(p -> p.getRequestId().toString()).filter(ids::contains).distinct().count();
  }
}
