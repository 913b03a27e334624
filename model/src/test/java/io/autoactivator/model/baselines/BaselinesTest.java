package io.autoactivator.model.baselines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.autoactivator.model.api.ClassIncrementalModel;
import io.autoactivator.model.api.IncrementalLearner;
import io.autoactivator.model.api.InvalidTaskDataException;
import io.autoactivator.model.api.LearnerSettings;
import io.autoactivator.model.api.Learners;
import io.autoactivator.model.api.Predictions;
import io.autoactivator.model.api.TaskData;
import io.autoactivator.model.api.TrainingListener;
import io.autoactivator.model.data.ClassIncrementalSplit;
import io.autoactivator.model.data.Dataset;
import io.autoactivator.model.data.IdxReader;
import io.autoactivator.model.data.SharedData;

/** The baselines on a small real MNIST slice (t10k: 60 rows per class for training, the next 40 for testing). */
class BaselinesTest {

  private static ClassIncrementalSplit split;
  private static float[][] testRows;
  private static int[] testLabels;

  @BeforeAll
  static void load() throws IOException {
    Dataset all = IdxReader.readSplit(SharedData.root().orElseThrow().resolve("mnist"), "t10k").firstPerClass(100);
    int[] trainIdx = new int[600];
    int[] testIdx = new int[400];
    int[] seen = new int[10];
    int a = 0;
    int b = 0;
    for (int i = 0; i < all.size(); i++) {
      if (seen[all.labels()[i]]++ < 60) {
        trainIdx[a++] = i;
      } else {
        testIdx[b++] = i;
      }
    }
    Dataset train = all.select(trainIdx, "train");
    Dataset test = all.select(testIdx, "test");
    split = ClassIncrementalSplit.split(train, test, 2, 2, new int[] {3, 7, 1, 8});
    int[] rows = ClassIncrementalSplit.rowsOf(test, split.allClasses());
    Dataset seenTest = test.select(rows, "seen");
    testRows = seenTest.features();
    testLabels = seenTest.labels();
  }

  private static TaskData task(int t) {
    return split.tasks().get(t).train();
  }

  private static TaskData union() {
    TaskData t0 = task(0);
    TaskData t1 = task(1);
    float[][] x = new float[t0.size() + t1.size()][];
    int[] y = new int[x.length];
    System.arraycopy(t0.features(), 0, x, 0, t0.size());
    System.arraycopy(t1.features(), 0, x, t0.size(), t1.size());
    System.arraycopy(t0.labels(), 0, y, 0, t0.size());
    System.arraycopy(t1.labels(), 0, y, t0.size(), t1.size());
    return new TaskData("all", split.allClasses(), x, y);
  }

  private static ClassIncrementalModel sequence(IncrementalLearner learner) {
    ClassIncrementalModel model = learner.learn(null, task(0), TrainingListener.NONE);
    return learner.learn(model, task(1), TrainingListener.NONE);
  }

  private static double accuracy(Predictions p) {
    int correct = 0;
    for (int i = 0; i < p.size(); i++) {
      correct += p.labels()[i] == testLabels[i] ? 1 : 0;
    }
    return correct / (double) p.size();
  }

  @Test
  void baselinesAreRegisteredAfterAnyAutoActivatorEntries() {
    assertThat(Learners.names()).containsSubsequence("joint", "analytic", "ncm", "finetune");
    assertThatThrownBy(() -> Learners.create("analytic", Map.of("featurez", "3"), 1))
        .hasMessageContaining("unknown option 'featurez'").hasMessageContaining("features");
  }

  @Test
  void analyticAfterTwoTasksEqualsJointRidgeOnBothTasks() {
    // The same (identity) input transform on both sides: a sequence's transform is fitted on its first task only.
    Map<String, String> options = Map.of("features", "300", "input.transform", "none");
    ClassIncrementalModel analytic = sequence(Learners.create("analytic", options, 42));
    ClassIncrementalModel joint = Learners.create("joint", options, 42).learn(null, union(), TrainingListener.NONE);

    Predictions pa = analytic.predict(testRows);
    Predictions pj = joint.predict(testRows);
    assertThat(analytic.classes()).containsExactly(joint.classes());
    for (int i = 0; i < pa.size(); i++) {
      for (int k = 0; k < pa.classScores()[i].length; k++) {
        assertThat(pa.classScores()[i][k]).isCloseTo(pj.classScores()[i][k], within(1e-3f));
      }
    }
    assertThat(pa.labels()).containsExactly(pj.labels());
    assertThat(accuracy(pa)).isGreaterThan(0.85);
    assertThat(analytic.parameterCount()).isEqualTo(300L * (784 + 1 + 4));
  }

  @Test
  void jointLearnsOneTaskOnly() {
    IncrementalLearner joint = Learners.create("joint", Map.of("features", "50"), 1);
    ClassIncrementalModel model = joint.learn(null, task(0), TrainingListener.NONE);
    assertThatThrownBy(() -> joint.learn(model, task(1), TrainingListener.NONE))
        .isInstanceOf(InvalidTaskDataException.class).hasMessageContaining("one task");
  }

  @Test
  void ncmOnRawFeaturesAndOnRandomFeaturesBeatsChance() {
    ClassIncrementalModel raw = sequence(Learners.create("ncm", Map.of("input.transform", "none"), 1));
    assertThat(accuracy(raw.predict(testRows))).isGreaterThan(0.7);
    assertThat(raw.parameterCount()).isEqualTo(4L * 784);
    assertThat(raw.predict(testRows).firedTask()).containsOnly(-1);
    ClassIncrementalModel rf = sequence(Learners.create("ncm", Map.of("features", "200"), 1));
    assertThat(accuracy(rf.predict(testRows))).isGreaterThan(0.6);
  }

  @Test
  void ncmMeansAreExactOnATinyExample() {
    TaskData t = new TaskData("t", new int[] {5, 9}, new float[][] {{0, 0}, {2, 0}, {10, 10}}, new int[] {5, 5, 9});
    ClassIncrementalModel m = Learners.create("ncm", Map.of("input.transform", "none"), 1)
        .learn(null, t, TrainingListener.NONE);
    Predictions p = m.predict(new float[][] {{1, 1}, {9, 9}});
    assertThat(p.labels()).containsExactly(5, 9);
    // score = -||x - mean||^2: (1,1) vs mean (1,0) -> -1
    assertThat(p.classScores()[0][0]).isCloseTo(-1f, within(1e-4f));
  }

  @Test
  void finetuneLearnsTheNewTaskAndForgetsTheOldOne() {
    IncrementalLearner learner = Learners.create("finetune", Map.of("epochs", "30", "hidden", "64", "batch", "32", "lr", "0.003"), 5);
    ClassIncrementalModel first = learner.learn(null, task(0), TrainingListener.NONE);
    Predictions before = first.predict(testRows);
    ClassIncrementalModel second = learner.learn(first, task(1), TrainingListener.NONE);
    // the previous model is untouched by learning the next task
    assertThat(first.predict(testRows).classScores()).isDeepEqualTo(before.classScores());
    Predictions after = second.predict(testRows);
    long newTaskPredicted = Arrays.stream(after.labels()).filter(l -> l == 1 || l == 8).count();
    assertThat(newTaskPredicted).isGreaterThan(after.size() / 2); // drift to the newest task
    assertThat(accuracy(after)).isGreaterThan(0.3);
  }

  @Test
  void everyBaselineRoundTripsThroughItsCodec() throws IOException {
    for (String name : new String[] {"analytic", "ncm", "finetune"}) {
      Map<String, String> options = switch (name) {
        case "analytic" -> Map.of("features", "64");
        case "ncm" -> Map.of("features", "32");
        default -> Map.of("hidden", "16", "epochs", "1", "max-classes", "10");
      };
      ClassIncrementalModel model = sequence(Learners.create(name, options, 3));
      assertRoundTrip(model);
    }
    assertRoundTrip(Learners.create("joint", Map.of("features", "40"), 3).learn(null, union(), TrainingListener.NONE));
    assertRoundTrip(Learners.create("ncm", Map.of(), 3).learn(null, task(0), TrainingListener.NONE));
  }

  private static void assertRoundTrip(ClassIncrementalModel model) throws IOException {
    byte[] bytes = write(model);
    ClassIncrementalModel read = Learners.codec(model.learner()).readWeights(
        new DataInputStream(new ByteArrayInputStream(bytes)), LearnerSettings.of(model));
    assertThat(read.learner()).isEqualTo(model.learner());
    assertThat(read.classes()).containsExactly(model.classes());
    assertThat(read.tasks()).hasSameSizeAs(model.tasks());
    assertThat(read.parameterCount()).isEqualTo(model.parameterCount());
    assertThat(read.predict(testRows).classScores()).as(model.learner())
        .isDeepEqualTo(model.predict(testRows).classScores());
    assertThat(write(read)).as("re-written snapshot of " + model.learner()).isEqualTo(bytes);
    byte[] corrupt = bytes.clone();
    corrupt[0] ^= 1;
    assertThatThrownBy(() -> Learners.codec(model.learner()).readWeights(
        new DataInputStream(new ByteArrayInputStream(corrupt)), LearnerSettings.of(model)))
        .isInstanceOf(IOException.class);
  }

  private static byte[] write(ClassIncrementalModel model) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      model.writeWeights(out);
    }
    return bytes.toByteArray();
  }

  @Test
  void randomFeaturesAreDeterministicFromTheSeed() {
    RandomFeatures a = RandomFeatures.generate(5, 7, 1.0, 11);
    RandomFeatures b = RandomFeatures.generate(5, 7, 1.0, 11);
    RandomFeatures c = RandomFeatures.generate(5, 7, 1.0, 12);
    org.nd4j.linalg.api.ndarray.INDArray x = org.nd4j.linalg.factory.Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 3, 5);
    assertThat(a.transform(x)).isEqualTo(b.transform(x));
    assertThat(a.transform(x)).isNotEqualTo(c.transform(x));
  }

  @Test
  void predictionsRejectWrongWidthAndPredictWithTaskStaysInTheTask() {
    ClassIncrementalModel model = sequence(Learners.create("ncm", Map.of(), 1));
    assertThatThrownBy(() -> model.predict(new float[][] {{1, 2}})).isInstanceOf(InvalidTaskDataException.class);
    int[] taskOne = new int[testRows.length];
    Arrays.fill(taskOne, 1);
    assertThat(model.predictWithTask(testRows, taskOne).labels()).containsOnly(1, 8);
    assertThatThrownBy(() -> Learners.create("ncm", Map.of(), 1).learn(model, task(0), TrainingListener.NONE))
        .isInstanceOf(InvalidTaskDataException.class).hasMessageContaining("already learned");
  }
}
