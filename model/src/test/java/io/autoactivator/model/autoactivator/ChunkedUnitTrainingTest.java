package io.autoactivator.model.autoactivator;

import static org.assertj.core.api.Assertions.assertThat;

import io.autoactivator.model.api.ClassIncrementalModel;
import io.autoactivator.model.api.Predictions;
import io.autoactivator.model.api.ShuffledChunks;
import io.autoactivator.model.api.TaskData;
import io.autoactivator.model.api.TaskSource;
import io.autoactivator.model.api.TrainingListener;
import io.autoactivator.model.transform.InputTransform;
import io.autoactivator.model.transform.TransformedModel;
import io.autoactivator.model.transform.TransformingLearner;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A task read in chunks trains the unit a task in memory trains: the same learner, once with the default budget (in
 * memory) and once with a budget of one byte (every task read in chunks, from a source that hands small chunks in a
 * shuffled order), through the input transform, on two real MNIST tasks whose units recruit two blocks each.
 */
class ChunkedUnitTrainingTest {

  /** Growth to max.nodes (no accuracy stop): every block's statistics come from passes over the chunks. */
  static final Map<String, String> OPTIONS = Map.of("max.nodes", "50", "block.size", "25", "trials", "10",
      "router.features", "300", "inequality.samples", "400", "target.accuracy", "off");
  static final int[][] PAIRS = {{0, 1}, {2, 3}};
  static final int PER_CLASS = 400;

  static List<TaskData> tasks = new ArrayList<>();
  static List<AutoActivatorModel> inMemory = new ArrayList<>();
  static List<AutoActivatorModel> chunked = new ArrayList<>();
  static List<ClassIncrementalModel> chunkedModels = new ArrayList<>();
  static List<ClassIncrementalModel> inMemoryModels = new ArrayList<>();
  static AtomicInteger passes = new AtomicInteger();

  @BeforeAll
  static void train() {
    AutoActivatorConfig config = AutoActivatorConfig.fromOptions(OPTIONS);
    AutoActivatorLearner memoryLearner = new AutoActivatorLearner("autoactivator", config, 11);
    AutoActivatorLearner chunkLearner = new AutoActivatorLearner("autoactivator", config, 11, 1);
    TransformingLearner memory = new TransformingLearner(memoryLearner, InputTransform.Mode.AUTO);
    TransformingLearner streamed = new TransformingLearner(chunkLearner, InputTransform.Mode.AUTO);
    ClassIncrementalModel a = null;
    ClassIncrementalModel b = null;
    for (int t = 0; t < PAIRS.length; t++) {
      TaskData task = Mnist.task("mnist", "train", "t" + t, PER_CLASS, PAIRS[t]);
      tasks.add(task);
      assertThat(memory.streams(a, TaskSource.of(task))).isFalse();
      assertThat(streamed.streams(b, TaskSource.of(task))).isTrue();
      a = memory.learn(a, TaskSource.of(task), TrainingListener.NONE);
      b = streamed.learn(b, new ShuffledChunks(task, 97, passes), TrainingListener.NONE);
      inMemoryModels.add(a);
      chunkedModels.add(b);
      inMemory.add((AutoActivatorModel) ((TransformedModel) a).inner());
      chunked.add((AutoActivatorModel) ((TransformedModel) b).inner());
    }
  }

  @Test
  void theTaskIsReadInPassesOfChunksNeverMaterialised() {
    // the first task's transform fit; per task the router's statistics, the starting head's score, then per block
    // (two) its statistics and the new head's score
    assertThat(passes.get()).isEqualTo(1 + PAIRS.length * (2 + 2 * 2));
  }

  @Test
  void theTransformIsTheSameWithinRounding() {
    InputTransform m = ((TransformedModel) inMemoryModels.get(0)).transform();
    InputTransform c = ((TransformedModel) chunkedModels.get(0)).transform();
    assertThat(c.kind()).isEqualTo(m.kind());
    assertClose(c.shift(), m.shift(), 1e-5);
    assertClose(c.scale(), m.scale(), 1e-5);
  }

  @Test
  void theRouterChoosesTheSameRidgeAndReadout() {
    for (int t = 0; t < PAIRS.length; t++) {
      assertThat(chunked.get(t).router().relativeRidge()).isEqualTo(inMemory.get(t).router().relativeRidge());
      assertClose(chunked.get(t).router().readout(), inMemory.get(t).router().readout(), 2e-3);
    }
  }

  @Test
  void unitsRecruitTheSameBlocksAndCloseHeads() {
    for (int t = 0; t < PAIRS.length; t++) {
      Unit m = inMemory.get(t).unitList().get(t);
      Unit c = chunked.get(t).unitList().get(t);
      assertThat(c.nodes()).isEqualTo(m.nodes()).isEqualTo(50);
      assertThat(c.weights()).isEqualTo(m.weights());
      assertThat(c.biases()).isEqualTo(m.biases());
      assertThat(chunked.get(t).recruitment().get(t)).extracting(BlockRecord::lambda)
          .isEqualTo(inMemory.get(t).recruitment().get(t).stream().map(BlockRecord::lambda).toList());
      assertClose(c.head(), m.head(), 2e-3);
      assertThat(c.threshold()).isCloseTo(m.threshold(), org.assertj.core.api.Assertions.within(1e-4));
    }
  }

  @Test
  void predictionsAgreeOnAtLeast995PerMille() {
    float[][] rows = new float[0][];
    for (int[] pair : PAIRS) {
      rows = concat(rows, Mnist.task("mnist", "t10k", "test", 300, pair).features());
    }
    Predictions m = inMemoryModels.get(PAIRS.length - 1).predict(rows);
    Predictions c = chunkedModels.get(PAIRS.length - 1).predict(rows);
    int equal = 0;
    for (int i = 0; i < rows.length; i++) {
      equal += m.labels()[i] == c.labels()[i] ? 1 : 0;
    }
    assertThat(equal / (double) rows.length).isGreaterThanOrEqualTo(0.995);
  }

  @Test
  void tasksThatFitTrainInMemoryAsBefore() {
    AutoActivatorLearner learner = new AutoActivatorLearner("autoactivator", AutoActivatorConfig.defaults(), 1);
    assertThat(learner.inMemoryBytes(12_000, 784)).isLessThan(AutoActivatorLearner.IN_MEMORY_BUDGET);
    assertThat(learner.inMemoryBytes(100_000, 784)).isGreaterThan(AutoActivatorLearner.IN_MEMORY_BUDGET);
    // configurations without a chunked path (units read earlier units' nodes) stay in memory whatever the size
    assertThat(ChunkedUnitTraining.supports(AutoActivatorConfig.fromOptions(Map.of("transfer", "units")), null,
        100_000, 784)).isFalse();
    assertThat(ChunkedUnitTraining.supports(AutoActivatorConfig.defaults(), null, 100_000, 784)).isTrue();
  }

  private static float[][] concat(float[][] a, float[][] b) {
    float[][] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static void assertClose(float[] actual, float[] expected, double relative) {
    assertThat(actual).hasSameSizeAs(expected);
    double scale = 0;
    double diff = 0;
    for (int i = 0; i < expected.length; i++) {
      scale = Math.max(scale, Math.abs(expected[i]));
      diff = Math.max(diff, Math.abs(actual[i] - expected[i]));
    }
    assertThat(diff).isLessThanOrEqualTo(relative * Math.max(scale, 1e-6));
  }
}
