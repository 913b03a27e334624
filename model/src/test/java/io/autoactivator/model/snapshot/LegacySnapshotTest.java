package io.autoactivator.model.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.autoactivator.model.api.ClassIncrementalModel;
import io.autoactivator.model.api.IncrementalLearner;
import io.autoactivator.model.api.Learners;
import io.autoactivator.model.api.Predictions;
import io.autoactivator.model.api.TaskData;
import io.autoactivator.model.api.TrainingListener;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Snapshots are a persisted format: the ones written by builds before session 8, whose weights repeated the learner's
 * name, seed and options after the header had recorded them, still load and predict as they did; this build writes
 * them once, in the provenance header. The files under {@code legacy/} were written by the build before each change
 * from the seeded data of {@link #task}, with a provenance built the way the service built it then (the options as
 * configured, seed 7): those without a suffix by commit 97f00b6 (baseline weights version 1, AutoActivator weights
 * formats before 5), the {@code -v2} ones by commit 2fdbb37 (baseline weights version 2: the learner's name no longer
 * in the weights, but the analytic ridge and every baseline's task and class lists still there).
 */
class LegacySnapshotTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "autoactivator.snap|autoactivator|max.nodes=10;router.features=64;trials=3|10|2",
      "autoactivator-untransformed.snap|autoactivator|max.nodes=10;router.features=24;trials=3;input.transform=none|40|2",
      "ncm.snap|ncm|features=16|20|2",
      "finetune.snap|finetune|hidden=8;epochs=3;lr=0.01|20|2",
      "analytic.snap|analytic|features=32|20|2",
      "ncm-v2.snap|ncm|features=16|20|1",
      "finetune-v2.snap|finetune|batch=64;epochs=3;hidden=8;lr=0.01;max-classes=100|20|1",
      "analytic-v2.snap|analytic|features=32|20|1",
      "joint-v2.snap|joint|features=32|20|1"})
  void aSnapshotOfAnEarlierBuildLoadsAndPredictsAsTheSameTrainingDoesNow(String file, String learner, String spec,
      int rows, int namesWritten) throws Exception {
    byte[] old = fixture(file);
    Snapshot snapshot = SnapshotFormat.read(old);
    Map<String, String> options = options(spec);
    assertThat(snapshot.provenance().learner()).isEqualTo(learner);
    assertThat(snapshot.provenance().options()).as("the header as it was written").isEqualTo(options);
    assertThat(snapshot.provenance().seed()).isEqualTo(7L);

    ClassIncrementalModel now = trainAsEarlierBuilds(learner, options, rows);
    float[][] probe = probe();
    Predictions loaded = snapshot.model().predict(probe);
    assertSamePredictions(loaded, now.predict(probe));
    assertThat(train(learner, options, rows).predict(probe).labels()).as("this build's own arithmetic (syrk)")
        .containsExactly(loaded.labels());

    byte[] rewritten = SnapshotFormat.write(snapshot.model(), Provenance.of(snapshot.model(), "legacy", 2, 1L, 7L,
        options, snapshot.provenance().configHash(), Map.of(), "test"));
    Predictions reread = SnapshotFormat.read(rewritten).model().predict(probe);
    assertThat(reread.labels()).containsExactly(loaded.labels());
    assertThat(reread.classScores()).as("rewritten in this build's layout: the same model, bit for bit")
        .isDeepEqualTo(loaded.classScores());
    assertThat(occurrences(rewritten, learner)).as("the learner's name, once: in the header").isEqualTo(1);
    assertThat(occurrences(old, learner)).as("layouts before version 2 had it in the weights too")
        .isEqualTo(namesWritten);
  }

  @Test
  void theWeightsOfThisBuildRepeatNeitherTheSeedNorTheOptionsOfTheHeader() throws Exception {
    Map<String, String> options = options("max.nodes=10;router.features=64;trials=3");
    ClassIncrementalModel model = train("autoactivator", options, 10);
    Provenance provenance = Provenance.of(model, "m", 1, null, Map.of(), "test");
    byte[] bytes = SnapshotFormat.write(model, provenance);
    assertThat(provenance.options()).as("the model's canonical options").containsEntry("router.features", "64")
        .containsEntry("router", "ridge").hasSizeGreaterThan(options.size());
    assertThat(occurrences(bytes, "router.features")).isEqualTo(1);
    assertThat(occurrences(bytes, "block.size")).isEqualTo(1);
    assertSamePredictions(SnapshotFormat.read(bytes).model().predict(probe()), model.predict(probe()));
    assertThat(SnapshotFormat.read(bytes).provenance()).isEqualTo(provenance);
  }

  @Test
  void aFinetuneSnapshotKeepsItsHyperparametersInTheHeaderOnly() throws Exception {
    ClassIncrementalModel model = train("finetune", options("hidden=8;epochs=3;lr=0.01"), 20);
    Provenance provenance = Provenance.of(model, "m", 1, null, 7L, Map.of("hidden", "8", "deployment", "blue"), "h",
        Map.of(), "test");
    assertThat(provenance.options()).containsEntry("hidden", "8").containsEntry("lr", "0.01")
        .containsEntry("max-classes", "100");
    byte[] bytes = SnapshotFormat.write(model, provenance);
    assertThat(occurrences(bytes, "max-classes")).isEqualTo(1);
    ClassIncrementalModel back = SnapshotFormat.read(bytes).model();
    assertSamePredictions(back.predict(probe()), model.predict(probe()));
    assertThat(SnapshotFormat.write(back, SnapshotFormat.read(bytes).provenance())).isEqualTo(bytes);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "analytic|features=32;ridge=2.5|features=32;ridge=2.5;scale=1.0",
      "joint|features=32;scale=0.5|features=32;ridge=1.0;scale=0.5",
      "ncm|features=16|features=16;scale=1.0",
      "ncm|scale=2.0|features=0;scale=2.0",
      "finetune|hidden=8;epochs=3;lr=0.01|batch=64;epochs=3;hidden=8;lr=0.01;max-classes=100"})
  void aBaselineSnapshotHoldsItsTasksClassesAndOptionsInTheHeaderOnly(String learner, String spec, String recorded)
      throws Exception {
    ClassIncrementalModel model = train(learner, options(spec), 20, "task-of-the-stream-");
    Provenance provenance = Provenance.of(model, "m", 1, null, 7L, options(spec), "h", Map.of(), "test");
    assertThat(provenance.options()).as("the model's own options, ridge included").isEqualTo(options(recorded));
    byte[] bytes = SnapshotFormat.write(model, provenance);
    for (var task : model.tasks()) {
      assertThat(occurrences(bytes, task.taskId())).as("task id " + task.taskId()).isEqualTo(1);
    }
    for (String key : options(recorded).keySet()) {
      assertThat(occurrences(bytes, key)).as("option " + key).isEqualTo(1);
    }
    Snapshot back = SnapshotFormat.read(bytes);
    assertThat(back.provenance()).isEqualTo(provenance);
    assertThat(back.model().tasks()).isEqualTo(model.tasks());
    assertThat(back.model().classes()).containsExactly(model.classes());
    assertSamePredictions(back.model().predict(probe()), model.predict(probe()));
    assertThat(SnapshotFormat.write(back.model(), Provenance.of(back.model(), "m", 1, null, 7L, options(spec), "h",
        Map.of(), "test"))).as("read back, the model writes the same bytes").isEqualTo(bytes);
  }

  @Test
  void aModelReadFromAnEarlierAnalyticSnapshotRecordsTheRidgeItsWeightsCarried() throws Exception {
    Snapshot old = SnapshotFormat.read(fixture("analytic-v2.snap"));
    assertThat(old.provenance().options()).as("the header as it was written").doesNotContainKey("ridge");
    Provenance again = Provenance.of(old.model(), "legacy", 3, 2L, 7L, old.provenance().options(),
        old.provenance().configHash(), Map.of(), "test");
    assertThat(again.options()).as("the ridge moves from the weights to the header; the scale was never recorded")
        .isEqualTo(Map.of("features", "32", "ridge", "1.0"));
    byte[] bytes = SnapshotFormat.write(old.model(), again);
    assertThat(occurrences(bytes, "t0")).isEqualTo(1);
    assertSamePredictions(SnapshotFormat.read(bytes).model().predict(probe()), old.model().predict(probe()));
  }

  @Test
  void theHeaderRecordsTheModelsOwnSettingsSoTheWeightsReadBackAsTheSameModel() throws Exception {
    ClassIncrementalModel model = train("autoactivator", options("max.nodes=10;router.features=64;trials=3"), 10);
    Provenance given = Provenance.of(model, "m", 1, null, 99L, Map.of("input.transform", "auto", "trials", "4",
        "deployment", "blue"), "h", Map.of(), "test");
    assertThat(given.seed()).as("the model's seed wins").isEqualTo(7L);
    assertThat(given.options()).as("the model's option values win; the caller's others are kept")
        .containsEntry("trials", "3").containsEntry("input.transform", "auto").containsEntry("deployment", "blue");
    byte[] bytes = SnapshotFormat.write(model, given);
    assertSamePredictions(SnapshotFormat.read(bytes).model().predict(probe()), model.predict(probe()));

    Provenance wrongSeed = new Provenance("m", 1, null, model.learner(), 8L, given.options(), "h", model.tasks(),
        model.classes(), model.parameterCount(), Map.of(), "test");
    assertThatThrownBy(() -> SnapshotFormat.write(model, wrongSeed)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("seed 8");
    Map<String, String> otherTrials = new java.util.TreeMap<>(given.options());
    otherTrials.put("trials", "4");
    Provenance wrongOption = new Provenance("m", 1, null, model.learner(), 7L, otherTrials, "h", model.tasks(),
        model.classes(), model.parameterCount(), Map.of(), "test");
    assertThatThrownBy(() -> SnapshotFormat.write(model, wrongOption)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("trials=4");
  }

  /** The fixtures' data: two tasks of two classes, six features, seeded. */
  static TaskData task(int t, int rowsPerClass) {
    Random random = new Random(100 + t);
    int[] classes = {2 * t, 2 * t + 1};
    float[][] x = new float[2 * rowsPerClass][6];
    int[] y = new int[2 * rowsPerClass];
    for (int i = 0; i < x.length; i++) {
      int c = classes[i % 2];
      y[i] = c;
      for (int j = 0; j < 6; j++) {
        x[i][j] = (float) ((j == c ? 3.0 : 0.0) + (j == 5 ? 10.0 * c : 0.0) + random.nextGaussian());
      }
    }
    return new TaskData("t" + t, classes, x, y);
  }

  /**
   * Trained with the Gram summed by gemm alone, as the builds that wrote the fixtures summed it (this build takes
   * the Gram's diagonal blocks from syrk, which rounds differently: see VerifiedSyrk), so the result is bit for bit
   * theirs.
   */
  private static ClassIncrementalModel trainAsEarlierBuilds(String learner, Map<String, String> options, int rows) {
    String property = "autoactivator.linalg.syrk";
    System.setProperty(property, "false");
    try {
      return train(learner, options, rows);
    } finally {
      System.clearProperty(property);
    }
  }

  /** Two tasks learned one after the other; {@code joint}, the upper bound, learns their union as one task. */
  private static ClassIncrementalModel train(String learner, Map<String, String> options, int rows) {
    return train(learner, options, rows, "");
  }

  /** As {@link #train(String, Map, int)}, the task ids prefixed with {@code prefix} ("": the fixtures' ids). */
  private static ClassIncrementalModel train(String learner, Map<String, String> options, int rows, String prefix) {
    IncrementalLearner incremental = Learners.create(learner, options, 7L);
    if (learner.equals("joint")) {
      return incremental.learn(null, named(union(task(0, rows), task(1, rows)), prefix), TrainingListener.NONE);
    }
    ClassIncrementalModel model = null;
    for (int t = 0; t < 2; t++) {
      model = incremental.learn(model, named(task(t, rows), prefix), TrainingListener.NONE);
    }
    return model;
  }

  private static TaskData named(TaskData task, String prefix) {
    return new TaskData(prefix + task.taskId(), task.classes(), task.features(), task.labels());
  }

  private static TaskData union(TaskData a, TaskData b) {
    float[][] x = java.util.Arrays.copyOf(a.features(), a.size() + b.size());
    System.arraycopy(b.features(), 0, x, a.size(), b.size());
    int[] y = java.util.Arrays.copyOf(a.labels(), a.size() + b.size());
    System.arraycopy(b.labels(), 0, y, a.size(), b.size());
    int[] classes = java.util.Arrays.copyOf(a.classes(), a.classes().length + b.classes().length);
    System.arraycopy(b.classes(), 0, classes, a.classes().length, b.classes().length);
    return new TaskData("all", classes, x, y);
  }

  private static float[][] probe() {
    float[][] a = task(0, 15).features();
    float[][] b = task(1, 15).features();
    float[][] rows = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, rows, a.length, b.length);
    return rows;
  }

  private static void assertSamePredictions(Predictions actual, Predictions expected) {
    assertThat(actual.labels()).containsExactly(expected.labels());
    assertThat(actual.classScores()).isDeepEqualTo(expected.classScores());
  }

  private static Map<String, String> options(String spec) {
    Map<String, String> options = new java.util.TreeMap<>();
    for (String pair : spec.split(";")) {
      options.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
    }
    return options;
  }

  private static int occurrences(byte[] bytes, String text) {
    byte[] needle = text.getBytes(StandardCharsets.UTF_8);
    int count = 0;
    outer:
    for (int i = 0; i + needle.length <= bytes.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (bytes[i + j] != needle[j]) {
          continue outer;
        }
      }
      count++;
    }
    return count;
  }

  private static byte[] fixture(String name) throws IOException {
    try (InputStream in = LegacySnapshotTest.class.getResourceAsStream("legacy/" + name)) {
      assertThat(in).as(name).isNotNull();
      return in.readAllBytes();
    }
  }
}
