package io.autoactivator.model.autoactivator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.autoactivator.model.api.ClassIncrementalModel;
import io.autoactivator.model.api.IncrementalLearner;
import io.autoactivator.model.api.InvalidTaskDataException;
import io.autoactivator.model.api.LearnerSettings;
import io.autoactivator.model.api.Learners;
import io.autoactivator.model.api.Predictions;
import io.autoactivator.model.api.TaskData;
import io.autoactivator.model.api.TrainingListener;
import io.autoactivator.model.data.Dataset;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The learner on small real MNIST slices: three tasks (0/1, 2/3, 4/5) of 150 training images per class, with a
 * small unit (100 nodes) so the class runs in seconds.
 */
class AutoActivatorLearnerTest {

  /**
   * Small and fast; growth to max.nodes (no accuracy stop) and transfer from earlier units' nodes (the shared
   * features alone would already interpolate these 300-row tasks), so that every test sees the recruitment at work.
   */
  static final Map<String, String> SMALL = Map.of("max.nodes", "100", "trials", "20", "router.features", "500",
      "inequality.samples", "0", "target.accuracy", "off", "transfer", "units");
  static final int[][] PAIRS = {{0, 1}, {2, 3}, {4, 5}};
  static final int PER_CLASS = 150;

  static List<TaskData> tasks;
  static List<AutoActivatorModel> models;
  static List<float[]> listenerEvents;
  static ExecutorService pool;

  @BeforeAll
  static void trainSequence() {
    tasks = new ArrayList<>();
    for (int t = 0; t < PAIRS.length; t++) {
      tasks.add(Mnist.task("mnist", "train", "t" + t, PER_CLASS, PAIRS[t]));
    }
    listenerEvents = new ArrayList<>();
    TrainingListener recorder = new TrainingListener() {
      @Override
      public void taskStarted(String taskId, int samples, int maxUnits) {
        listenerEvents.add(new float[] {0, samples, maxUnits});
      }

      @Override
      public void progress(String taskId, int unitsSoFar, int maxUnits, double residual, double trainAccuracy) {
        listenerEvents.add(new float[] {1, unitsSoFar, maxUnits, (float) residual, (float) trainAccuracy});
      }

      @Override
      public void taskFinished(String taskId, int units, double seconds) {
        listenerEvents.add(new float[] {2, units});
      }
    };
    models = trainAll(learner(SMALL, 7), tasks, recorder);
    pool = Executors.newFixedThreadPool(2);
  }

  @AfterAll
  static void stopPool() {
    pool.shutdownNow();
  }

  static AutoActivatorLearner learner(Map<String, String> options, long seed) {
    return inner(Learners.create("autoactivator", options, seed));
  }

  /** The AutoActivator learner behind the catalogue's input transform: these tests drive its arithmetic directly. */
  static AutoActivatorLearner inner(io.autoactivator.model.api.IncrementalLearner learner) {
    return (AutoActivatorLearner) ((io.autoactivator.model.transform.TransformingLearner) learner).inner();
  }

  static List<AutoActivatorModel> trainAll(IncrementalLearner learner, List<TaskData> sequence,
      TrainingListener listener) {
    List<AutoActivatorModel> out = new ArrayList<>();
    ClassIncrementalModel model = null;
    for (TaskData task : sequence) {
      model = learner.learn(model, task, listener);
      out.add((AutoActivatorModel) model);
    }
    return out;
  }

  static Dataset heldOut(int... classes) {
    return Mnist.only(Mnist.split("mnist", "t10k"), classes).firstPerClass(100);
  }

  static double accuracy(Predictions p, int[] labels) {
    int correct = 0;
    for (int i = 0; i < labels.length; i++) {
      correct += p.labels()[i] == labels[i] ? 1 : 0;
    }
    return correct / (double) labels.length;
  }

  @Test
  void learnsBothTasksFarAboveChanceWithoutTaskId() {
    AutoActivatorModel afterTwo = models.get(1);
    for (int t = 0; t < 2; t++) {
      Dataset test = heldOut(PAIRS[t]);
      double acc = accuracy(afterTwo.predict(test.features()), test.labels());
      assertThat(acc).as("class-IL accuracy on task %d (chance 0.25)", t).isGreaterThan(0.8);
    }
    assertThat(afterTwo.classes()).containsExactly(0, 1, 2, 3);
    assertThat(afterTwo.tasks()).hasSize(2);
  }

  @Test
  void withTheTaskIdEarlierTasksAreExactlyUnchangedAndThePreviousModelIsUntouched() {
    Dataset test = heldOut(PAIRS[0]);
    int[] task0 = new int[test.size()];
    Predictions before = models.get(0).predictWithTask(test.features(), task0);
    Predictions previousBefore = models.get(0).predict(test.features());
    Unit unit0 = models.get(0).unitList().get(0);
    for (int later = 1; later < models.size(); later++) {
      // the unit's weights are exactly the same arrays' values...
      Unit same = models.get(later).unitList().get(0);
      assertThat(same.weights()).containsExactly(unit0.weights());
      assertThat(same.head()).containsExactly(unit0.head());
      // ...so its answers are the same, up to the float rounding of a product over a wider node matrix
      Predictions after = models.get(later).predictWithTask(test.features(), task0);
      assertThat(after.labels()).containsExactly(before.labels());
      for (int i = 0; i < test.size(); i++) {
        float[] scores = Arrays.copyOf(after.classScores()[i], 2);
        for (int k = 0; k < 2; k++) {
          assertThat(scores[k]).isCloseTo(before.classScores()[i][k], within(1e-6f));
        }
      }
    }
    // learning again on top of models.get(0) must not change it either
    learner(SMALL, 7).learn(models.get(0), tasks.get(1), TrainingListener.NONE);
    Predictions previousAfter = models.get(0).predict(test.features());
    assertThat(previousAfter.labels()).containsExactly(previousBefore.labels());
    assertThat(previousAfter.firedTask()).containsExactly(previousBefore.firedTask());
    assertThat(accuracy(before, test.labels())).isGreaterThan(0.95);
  }

  @Test
  void everyRecruitedBlockSatisfiesTheSupervisoryInequality() {
    List<BlockRecord> all = new ArrayList<>();
    models.get(2).recruitment().forEach(all::addAll);
    // and two more seeds with another block size and lambda search
    for (long seed : new long[] {1, 2}) {
      AutoActivatorModel m = learner(Map.of("max.nodes", "40", "block.size", "10", "trials", "10",
          "router", "paper", "lambda.mode", "sequential", "target.accuracy", "off"), seed).learn(null, tasks.get(1), TrainingListener.NONE);
      all.addAll(m.recruitment().get(0));
    }
    // evaluated on a random subsample: for the first block the residual is the one-hot target, so the residual
    // energies of the 120 subsampled rows add up to 120
    AutoActivatorModel sub = learner(Map.of("max.nodes", "50", "trials", "10", "router", "paper",
        "inequality.samples", "120", "target.accuracy", "off", "transfer", "none"), 3).learn(null, tasks.get(2), TrainingListener.NONE);
    BlockRecord first = sub.recruitment().get(0).get(0);
    assertThat(first.residualEnergy()[0] + first.residualEnergy()[1]).isEqualTo(120.0);
    assertThat(first.residualEnergy()[0]).isBetween(30.0, 90.0);
    all.addAll(sub.recruitment().get(0));
    assertThat(all).isNotEmpty();
    for (BlockRecord record : all) {
      for (int q = 0; q < record.xi().length; q++) {
        double bound = (1 - record.r() - record.muL()) * record.residualEnergy()[q];
        assertThat(record.projections()[q]).as("block %s output %d", record, q).isGreaterThanOrEqualTo(bound);
        assertThat(record.xi()[q]).isGreaterThanOrEqualTo(0);
      }
      assertThat(record.muL()).isEqualTo((1 - record.r()) / (record.nodesAfter() + 1.0));
    }
  }

  @Test
  void aHarderTaskRecruitsMoreNodesThanAnEasyOne() {
    // Units on their own nodes only (no shared features to lean on), so growth shows the task's difficulty.
    Map<String, String> options = Map.of("target.accuracy", "0.99", "max.nodes", "400", "trials", "10",
        "router", "paper", "inequality.samples", "0", "transfer", "none");
    TaskData easy = Mnist.task("mnist", "train", "easy", 200, 0, 1);
    TaskData hard = Mnist.task("mnist", "train", "hard", 200, 4, 9);
    int easyNodes = learner(options, 3).learn(null, easy, TrainingListener.NONE).tasks().get(0).units();
    int hardNodes = learner(options, 3).learn(null, hard, TrainingListener.NONE).tasks().get(0).units();
    assertThat(easyNodes).isLessThan(hardNodes);
  }

  @Test
  void theListenerSeesEveryTaskAndEveryBlock() {
    int blocks = models.get(2).recruitment().stream().mapToInt(List::size).sum();
    assertThat(listenerEvents.stream().filter(e -> e[0] == 0)).hasSize(3);
    assertThat(listenerEvents.stream().filter(e -> e[0] == 1)).hasSize(blocks);
    assertThat(listenerEvents.stream().filter(e -> e[0] == 2)).hasSize(3);
    float[] last = listenerEvents.get(listenerEvents.size() - 2);
    assertThat(last[1]).isEqualTo(100);
    assertThat(last[4]).isBetween(0.9f, 1f);
  }

  @Test
  void eachRowIsRoutedOnItsOwn() {
    AutoActivatorModel model = models.get(2);
    Dataset test = Mnist.only(Mnist.split("mnist", "t10k"), 0, 1, 2, 3, 4, 5).firstPerClass(10);
    Predictions batch = model.predict(test.features());
    for (int i = 0; i < test.size(); i++) {
      Predictions alone = model.predict(new float[][] {test.features()[i]});
      assertThat(alone.labels()[0]).isEqualTo(batch.labels()[i]);
      assertThat(alone.firedTask()[0]).isEqualTo(batch.firedTask()[i]);
    }
    // and a reversed batch gives each row the same answer
    float[][] reversed = new float[test.size()][];
    for (int i = 0; i < test.size(); i++) {
      reversed[i] = test.features()[test.size() - 1 - i];
    }
    Predictions back = model.predict(reversed);
    for (int i = 0; i < test.size(); i++) {
      assertThat(back.firedTask()[test.size() - 1 - i]).isEqualTo(batch.firedTask()[i]);
    }
  }

  @Test
  void predictIsThreadSafe() throws Exception {
    AutoActivatorModel model = models.get(2);
    Dataset test = Mnist.only(Mnist.split("mnist", "t10k"), 0, 1, 2, 3, 4, 5).firstPerClass(30);
    int[] expected = model.predict(test.features()).labels();
    List<Future<int[]>> results = new ArrayList<>();
    for (int k = 0; k < 4; k++) {
      results.add(pool.submit(() -> model.predict(test.features()).labels()));
    }
    for (Future<int[]> result : results) {
      assertThat(result.get()).containsExactly(expected);
    }
  }

  @Test
  void theModelHoldsNoTrainingSample() throws Exception {
    Set<List<Float>> samples = new HashSet<>();
    for (TaskData task : tasks) {
      for (float[] row : task.features()) {
        samples.add(asList(row));
      }
    }
    AutoActivatorModel model = models.get(2);
    List<float[]> arrays = new ArrayList<>();
    for (Unit unit : model.unitList()) {
      arrays.add(unit.weights());
      arrays.add(unit.head());
    }
    arrays.add(((DenseFeatureMap) model.router().map()).weights());
    arrays.add(model.router().readout());
    int d = model.inputDimension();
    for (float[] array : arrays) {
      if (array.length % d != 0) {
        continue;
      }
      int other = array.length / d;
      for (int r = 0; r < other; r++) {
        assertThat(samples).doesNotContain(asList(Arrays.copyOfRange(array, r * d, (r + 1) * d)));
      }
      for (int col = 0; col < other; col++) {
        float[] column = new float[d];
        for (int i = 0; i < d; i++) {
          column[i] = array[i * other + col];
        }
        assertThat(samples).doesNotContain(asList(column));
      }
    }
    for (Class<?> type = AutoActivatorModel.class; type != Object.class; type = type.getSuperclass()) {
      for (Field field : type.getDeclaredFields()) {
        assertThat(field.getType()).isNotEqualTo(TaskData.class).isNotEqualTo(float[][].class)
            .isNotEqualTo(Dataset.class);
      }
    }
  }

  @Test
  void sameSeedGivesIdenticalWeightsAndAnotherSeedDoesNot() throws IOException {
    List<TaskData> two = tasks.subList(0, 2);
    byte[] first = weights(trainAll(learner(SMALL, 7), two, TrainingListener.NONE).get(1));
    byte[] again = weights(models.get(1));
    byte[] other = weights(trainAll(learner(SMALL, 8), two, TrainingListener.NONE).get(1));
    assertThat(first).isEqualTo(again);
    assertThat(first).isNotEqualTo(other);
  }

  @Test
  void aRouterWithAFactoredGramIsWrittenInFormat5AndARestoredModelLearnsOnByteForByte() throws IOException {
    // 100-row tasks read through 500 shared features: factored while at most 333 rows, packed from the fourth task
    List<TaskData> small = new ArrayList<>();
    int[][] pairs = {{0, 1}, {2, 3}, {4, 5}, {6, 7}};
    for (int t = 0; t < pairs.length; t++) {
      small.add(Mnist.task("mnist", "train", "s" + t, 50, pairs[t]));
    }
    Map<String, String> options = Map.of("max.nodes", "25", "trials", "5", "router.features", "500");
    IncrementalLearner learner = Learners.create("autoactivator", options, 3);
    ClassIncrementalModel original = null;
    for (int t = 0; t < 2; t++) {
      original = learner.learn(original, small.get(t), TrainingListener.NONE);
    }
    assertThat(inner(original).router().gram()).isInstanceOf(RouterGram.Factored.class);
    byte[] bytes = weights(original);
    ClassIncrementalModel restored = Learners.codec(original.learner()).readWeights(
        new java.io.DataInputStream(new java.io.ByteArrayInputStream(bytes)), LearnerSettings.of(original));
    assertThat(weights(restored)).isEqualTo(bytes);
    ClassIncrementalModel a = original;
    ClassIncrementalModel b = restored;
    for (int t = 2; t < 4; t++) {
      a = learner.learn(a, small.get(t), TrainingListener.NONE);
      b = learner.learn(b, small.get(t), TrainingListener.NONE);
      assertThat(weights(b)).as("after task " + t).isEqualTo(weights(a));
    }
    assertThat(inner(a).router().gram()).as("400 rows of 500 features").isInstanceOf(RouterGram.Packed.class);
    assertThat(format(inner(original))).isEqualTo(5);
    assertThat(format(inner(a))).as("one format for either form of the Gram: its tag says which").isEqualTo(5);
  }

  private static int format(AutoActivatorModel model) throws IOException {
    return java.nio.ByteBuffer.wrap(weights(model), 0, 4).getInt();
  }

  static AutoActivatorModel inner(ClassIncrementalModel model) {
    return model instanceof AutoActivatorModel m ? m
        : (AutoActivatorModel) ((io.autoactivator.model.transform.TransformedModel) model).inner();
  }

  static byte[] weights(ClassIncrementalModel model) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      model.writeWeights(out);
    }
    return bytes.toByteArray();
  }

  @Test
  void badTasksFailWithClearErrors() {
    AutoActivatorModel model = models.get(0);
    AutoActivatorLearner learner = learner(SMALL, 7);
    TaskData shortRows = new TaskData("short", new int[] {7}, new float[][] {{0.1f, 0.2f}}, new int[] {7});
    assertThatThrownBy(() -> learner.learn(model, shortRows, TrainingListener.NONE))
        .isInstanceOf(InvalidTaskDataException.class).hasMessageContaining("2 features").hasMessageContaining("784");
    TaskData known = Mnist.task("mnist", "train", "again", 5, 1, 8);
    assertThatThrownBy(() -> learner.learn(model, known, TrainingListener.NONE))
        .isInstanceOf(InvalidTaskDataException.class).hasMessageContaining("class 1 is already known");
    float[] nan = new float[784];
    nan[3] = Float.NaN;
    assertThatThrownBy(() -> new TaskData("nan", new int[] {8}, new float[][] {nan}, new int[] {8}))
        .isInstanceOf(InvalidTaskDataException.class).hasMessageContaining("NaN");
    assertThatThrownBy(() -> new TaskData("empty", new int[] {8}, new float[0][], new int[0]))
        .isInstanceOf(InvalidTaskDataException.class).hasMessageContaining("no samples");
    assertThatThrownBy(() -> new TaskData("outside", new int[] {8}, new float[][] {new float[784]}, new int[] {9}))
        .isInstanceOf(InvalidTaskDataException.class).hasMessageContaining("label 9");
    AutoActivatorLearner paper = inner(Learners.create("autoactivator-paper", SMALL, 7));
    assertThatThrownBy(() -> paper.learn(model, tasks.get(1), TrainingListener.NONE))
        .isInstanceOf(InvalidTaskDataException.class).hasMessageContaining("learner 'autoactivator'");
    AutoActivatorLearner otherOptions = learner(Map.of("max.nodes", "50"), 7);
    assertThatThrownBy(() -> otherOptions.learn(model, tasks.get(1), TrainingListener.NONE))
        .isInstanceOf(InvalidTaskDataException.class).hasMessageContaining("options");
  }

  @Test
  void thePapersBatchProtocolAnswersAWholeBatchWithOneUnit() {
    AutoActivatorLearner paper = inner(Learners.create("autoactivator-paper", SMALL, 7));
    AutoActivatorModel model = trainAll(paper, tasks.subList(0, 2), TrainingListener.NONE).get(1);
    Dataset batch = heldOut(PAIRS[1]);
    Predictions perBatch = model.predictTaskBatch(batch.features());
    assertThat(perBatch.firedTask()).containsOnly(1);
    // the batch carries the task id: per batch it is right as often as with the task given
    int[] task1 = new int[batch.size()];
    java.util.Arrays.fill(task1, 1);
    assertThat(perBatch.labels()).containsExactly(model.predictWithTask(batch.features(), task1).labels());
    assertThat(accuracy(perBatch, batch.labels())).isGreaterThan(0.8);
  }

  @Test
  void badPredictionInputsNameTheRow() {
    AutoActivatorModel model = models.get(0);
    float[][] rows = {new float[784], new float[783]};
    assertThatThrownBy(() -> model.predict(rows)).isInstanceOf(InvalidTaskDataException.class)
        .hasMessageContaining("row 1").hasMessageContaining("784");
    float[][] infinite = {new float[784], new float[784], new float[784]};
    infinite[2][10] = Float.POSITIVE_INFINITY;
    assertThatThrownBy(() -> model.predict(infinite)).isInstanceOf(InvalidTaskDataException.class)
        .hasMessageContaining("row 2");
    assertThatThrownBy(() -> model.predict(org.nd4j.linalg.factory.Nd4j.create(new float[][] {{Float.NaN}})))
        .isInstanceOf(InvalidTaskDataException.class);
  }

  @Test
  void optionsAreValidatedDocumentedAndHashed() {
    assertThatThrownBy(() -> AutoActivatorConfig.fromOptions(Map.of("blok.size", "3")))
        .hasMessageContaining("blok.size").hasMessageContaining("block.size").hasMessageContaining("router");
    assertThatThrownBy(() -> AutoActivatorConfig.fromOptions(Map.of("router", "oracle")))
        .hasMessageContaining("ridge, paper, mahalanobis");
    AutoActivatorConfig config = AutoActivatorConfig.fromOptions(SMALL);
    assertThat(AutoActivatorConfig.fromOptions(config.toOptions())).isEqualTo(config);
    assertThat(config.configHash()).hasSize(64).isEqualTo(AutoActivatorConfig.fromOptions(config.toOptions())
        .configHash()).isNotEqualTo(AutoActivatorConfig.defaults().configHash());
    assertThat(Learners.names()).startsWith("autoactivator", "autoactivator-paper");
    assertThat(Learners.provider("autoactivator").optionDocs()).containsKeys(AutoActivatorConfig.defaultOptions()
        .keySet().toArray(String[]::new));
    assertThat(Learners.provider("autoactivator-paper").optionDocs().get("router")).endsWith("(default paper)");
    Map<String, String> paperOptions = new HashMap<>(SMALL);
    assertThat(inner(Learners.create("autoactivator-paper", paperOptions, 1)).config().router())
        .isEqualTo(AutoActivatorConfig.Router.PAPER);
  }

  @Test
  void aRouterThatScoresOtherClassesThanTheTasksHaveIsRefused() {
    AutoActivatorModel first = models.get(0);
    AutoActivatorModel second = models.get(1);
    assertThat(second.router().classes()).isEqualTo(4);

    assertThatThrownBy(() -> new AutoActivatorModel(first.learner(), first.config(), first.seed(),
        first.inputDimension(), first.taskIds(), first.unitList(), second.router(), first.recruitment()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the router scores 4 classes, the model's tasks have 2");
  }

  private static List<Float> asList(float[] row) {
    List<Float> list = new ArrayList<>(row.length);
    for (float v : row) {
      list.add(v);
    }
    return list;
  }
}
