package io.autoactivator.model.baselines;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.autoactivator.model.api.ClassIncrementalModel;
import io.autoactivator.model.api.IncrementalLearner;
import io.autoactivator.model.api.Predictions;
import io.autoactivator.model.api.ShuffledChunks;
import io.autoactivator.model.api.TaskData;
import io.autoactivator.model.api.TaskSource;
import io.autoactivator.model.api.TrainingListener;

/**
 * {@code analytic} and {@code ncm} on a task read in chunks (forced by a budget of one byte) learn the model they
 * learn in memory, up to the order of the sums: one pass, never materialised, the same predictions.
 */
class StreamedBaselinesTest {

  static final int D = 20;

  @Test
  void analyticSumsItsGramAndCrossTermsOverChunks() {
    agree(new AnalyticLearner("analytic", 300, 1.0, 1.0, 3, "h", TaskSource.IN_MEMORY_BUDGET),
        new AnalyticLearner("analytic", 300, 1.0, 1.0, 3, "h", 1));
  }

  @Test
  void ncmSumsItsClassesOverChunks() {
    agree(new NcmLearner(0, 1.0, 3, "h", TaskSource.IN_MEMORY_BUDGET), new NcmLearner(0, 1.0, 3, "h", 1));
    agree(new NcmLearner(200, 1.0, 3, "h", TaskSource.IN_MEMORY_BUDGET), new NcmLearner(200, 1.0, 3, "h", 1));
  }

  @Test
  void tasksWithinTheBudgetAreMaterialisedAsBefore() {
    TaskData task = blobs("t0", new int[] {0, 1}, 100, 1);
    assertThat(new AnalyticLearner("analytic", 300, 1.0, 1.0, 3, "h", TaskSource.IN_MEMORY_BUDGET)
        .streams(null, TaskSource.of(task))).isFalse();
    assertThat(new NcmLearner(0, 1.0, 3, "h", TaskSource.IN_MEMORY_BUDGET).streams(null, TaskSource.of(task)))
        .isFalse();
  }

  private static void agree(IncrementalLearner memory, IncrementalLearner streamed) {
    AtomicInteger passes = new AtomicInteger();
    ClassIncrementalModel a = null;
    ClassIncrementalModel b = null;
    int[][] classes = {{0, 1}, {2, 3}};
    for (int t = 0; t < classes.length; t++) {
      TaskData task = blobs("t" + t, classes[t], 1500, 10 + t);
      assertThat(streamed.streams(b, TaskSource.of(task))).isTrue();
      a = memory.learn(a, TaskSource.of(task), TrainingListener.NONE);
      b = streamed.learn(b, new ShuffledChunks(task, 333, passes), TrainingListener.NONE);
    }
    assertThat(passes.get()).isEqualTo(classes.length);
    TaskData test = blobs("test", new int[] {0, 1, 2, 3}, 500, 99);
    Predictions pa = a.predict(test.features());
    Predictions pb = b.predict(test.features());
    int equal = 0;
    for (int i = 0; i < test.size(); i++) {
      equal += pa.labels()[i] == pb.labels()[i] ? 1 : 0;
    }
    assertThat(equal / (double) test.size()).isGreaterThanOrEqualTo(0.995);
    for (int i = 0; i < 20; i++) {
      for (int k = 0; k < pa.classScores()[i].length; k++) {
        assertThat((double) pb.classScores()[i][k]).isCloseTo(pa.classScores()[i][k],
            org.assertj.core.api.Assertions.within(1e-3 * (1 + Math.abs(pa.classScores()[i][k]))));
      }
    }
  }

  /** Overlapping Gaussian clouds around random centres, {@code perClass} rows per class, classes interleaved. */
  static TaskData blobs(String id, int[] classes, int perClass, long seed) {
    SplittableRandom centres = new SplittableRandom(1);
    float[][] centre = new float[4][D];
    for (float[] c : centre) {
      for (int j = 0; j < D; j++) {
        c[j] = (float) (2 * centres.nextDouble());
      }
    }
    SplittableRandom random = new SplittableRandom(seed);
    int n = perClass * classes.length;
    float[][] rows = new float[n][D];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = classes[i % classes.length];
      for (int j = 0; j < D; j++) {
        rows[i][j] = centre[labels[i]][j] + (float) random.nextGaussian();
      }
    }
    return new TaskData(id, classes, rows, labels);
  }
}
