package io.autoactivator.model.autoactivator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.factory.Nd4j;

import io.autoactivator.model.api.ClassIncrementalModel;
import io.autoactivator.model.api.Predictions;
import io.autoactivator.model.api.TaskData;
import io.autoactivator.model.api.TrainingListener;
import io.autoactivator.model.data.Dataset;

/**
 * A ridge-routed model answers from two products over concatenated weights ({@link FusedInference}); what it answers
 * is specified here by the model's definition, computed unit by unit in plain Java from the frozen arrays: each
 * unit's head over the shared features and the nodes it reads, the router's readout over the shared features, the
 * task score (max or sum of the router's scores of the task's classes), the fired unit's softmax and its class (by
 * the head's probability, or the head's logit plus the router's score). Every layout a unit can have is covered:
 * shared features only (the default), earlier units' nodes (transfer=units, with an activation other than the
 * map's), and a convolutional feature map (computed by the map itself, the nodes by the first product).
 */
class FusedInferenceTest {

  static Stream<Arguments> layouts() {
    Map<String, String> base = Map.of("router.features", "300", "trials", "4", "inequality.samples", "0");
    return Stream.of(
        Arguments.of("shared features only (default transfer=router)", with(base, Map.of())),
        Arguments.of("earlier units' nodes, relu nodes, task score = sum, class by probability",
            with(base, Map.of("transfer", "units", "activation", "relu", "max.nodes", "50", "target.accuracy", "off",
                "router.task.score", "sum", "class.score", "unit"))),
        Arguments.of("convolutional map with nodes of its own", with(base, Map.of("input.shape", "28x28",
            "max.nodes", "25", "target.accuracy", "off"))));
  }

  private static Map<String, String> with(Map<String, String> base, Map<String, String> more) {
    Map<String, String> out = new HashMap<>(base);
    out.putAll(more);
    return out;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("layouts")
  void answersWhatTheUnitByUnitDefinitionAnswers(String layout, Map<String, String> options) {
    AutoActivatorLearner learner = AutoActivatorLearnerTest.learner(options, 11);
    ClassIncrementalModel model = null;
    int[][] pairs = {{0, 1}, {2, 3}, {4, 5}};
    for (int t = 0; t < pairs.length; t++) {
      TaskData task = Mnist.task("mnist", "train", "t" + t, 60, pairs[t]);
      model = learner.learn(model, task, TrainingListener.NONE);
    }
    AutoActivatorModel m = (AutoActivatorModel) model;
    Dataset test = Mnist.only(Mnist.split("mnist", "t10k"), 0, 1, 2, 3, 4, 5).firstPerClass(20);
    float[][] rows = test.features();

    Predictions actual = m.predict(rows);
    Expected expected = unitByUnit(m, rows);

    int decided = 0;
    for (int i = 0; i < rows.length; i++) {
      assertThat(actual.taskScores()[i]).as("row %d task scores", i).containsExactly(expected.taskScores[i],
          within(1e-3f));
      assertThat(actual.classScores()[i]).as("row %d class scores", i).containsExactly(expected.classScores[i],
          within(1e-4f));
      if (expected.margin[i] > 1e-3) { // float sums in another order may only flip a near tie
        assertThat(actual.firedTask()[i]).as("row %d fired", i).isEqualTo(expected.fired[i]);
        assertThat(actual.labels()[i]).as("row %d label", i).isEqualTo(expected.labels[i]);
        decided++;
      }
    }
    assertThat(decided).isGreaterThan(rows.length * 9 / 10);
    // the matrix entry points answer the same
    Predictions checked = m.predictChecked(Nd4j.create(flatten(rows), new long[] {rows.length, rows[0].length}, 'c'));
    assertThat(checked.labels()).containsExactly(actual.labels());
    assertThat(checked.firedTask()).containsExactly(actual.firedTask());
  }

  private record Expected(int[] labels, int[] fired, float[][] classScores, float[][] taskScores, double[] margin) {
  }

  /** The model's answer computed unit by unit, in double, from the frozen arrays (see the class comment). */
  private static Expected unitByUnit(AutoActivatorModel m, float[][] rows) {
    List<Unit> units = m.unitList();
    RidgeRouter router = m.router();
    AutoActivatorConfig config = m.config();
    int n = rows.length;
    int d = m.inputDimension();
    float[] phiAll = router.map().apply(Nd4j.create(flatten(rows), new long[] {n, d}, 'c')).dup('c').data()
        .asFloat();
    int f = router.features();
    int k = router.classes();
    int[] classes = m.classes();
    Expected e = new Expected(new int[n], new int[n], new float[n][], new float[n][], new double[n]);
    for (int i = 0; i < n; i++) {
      double[] hidden = new double[m.totalNodes()];
      for (Unit u : units) {
        for (int j = 0; j < u.nodes(); j++) {
          double z = u.biases()[j];
          for (int a = 0; a < d; a++) {
            z += rows[i][a] * u.weights()[a * u.nodes() + j];
          }
          hidden[u.nodeStart() + j] = switch (config.activation()) {
            case SIGMOID -> 1 / (1 + Math.exp(-z));
            case TANH -> Math.tanh(z);
            case RELU -> Math.max(0, z);
          };
        }
      }
      double[] routerScores = new double[k];
      for (int c = 0; c < k; c++) {
        for (int r = 0; r < f; r++) {
          routerScores[c] += phiAll[i * f + r] * router.readout()[r * k + c];
        }
      }
      List<double[]> logits = new ArrayList<>();
      float[] taskScores = new float[units.size()];
      int column = 0;
      int[] firstColumn = new int[units.size()];
      for (int t = 0; t < units.size(); t++) {
        Unit u = units.get(t);
        int c = u.classes().length;
        double[] out = new double[c];
        for (int r = 0; r < u.visible(); r++) {
          double input = r < u.shared() ? phiAll[i * f + r] : hidden[u.readFrom() + r - u.shared()];
          for (int q = 0; q < c; q++) {
            out[q] += input * u.head()[r * c + q];
          }
        }
        logits.add(out);
        double score = config.routerTaskScore() == AutoActivatorConfig.TaskScore.MAX ? Double.NEGATIVE_INFINITY : 0;
        for (int q = 0; q < c; q++) {
          score = config.routerTaskScore() == AutoActivatorConfig.TaskScore.MAX
              ? Math.max(score, routerScores[column + q]) : score + routerScores[column + q];
        }
        taskScores[t] = (float) score;
        firstColumn[t] = column;
        column += c;
      }
      int fired = 0;
      for (int t = 1; t < units.size(); t++) {
        if (taskScores[t] > taskScores[fired]) {
          fired = t;
        }
      }
      double runnerUp = Double.NEGATIVE_INFINITY;
      for (int t = 0; t < units.size(); t++) {
        if (t != fired) {
          runnerUp = Math.max(runnerUp, taskScores[t]);
        }
      }
      double[] out = logits.get(fired);
      int c = out.length;
      double max = Double.NEGATIVE_INFINITY;
      for (double v : out) {
        max = Math.max(max, v);
      }
      double sum = 0;
      double[] p = new double[c];
      for (int q = 0; q < c; q++) {
        p[q] = Math.exp(out[q] - max);
        sum += p[q];
      }
      float[] row = new float[classes.length];
      double[] classScore = new double[c];
      for (int q = 0; q < c; q++) {
        p[q] /= sum;
        row[firstColumn[fired] + q] = (float) p[q];
        classScore[q] = config.classScore() == AutoActivatorConfig.ClassScore.SUM
            ? out[q] + routerScores[firstColumn[fired] + q] : p[q];
      }
      int best = 0;
      for (int q = 1; q < c; q++) {
        if (classScore[q] > classScore[best]) {
          best = q;
        }
      }
      double classMargin = Double.POSITIVE_INFINITY;
      for (int q = 0; q < c; q++) {
        if (q != best) {
          classMargin = Math.min(classMargin, classScore[best] - classScore[q]);
        }
      }
      e.labels[i] = units.get(fired).classes()[best];
      e.fired[i] = fired;
      e.classScores[i] = row;
      e.taskScores[i] = taskScores;
      e.margin[i] = Math.min(taskScores[fired] - runnerUp, classMargin);
    }
    return e;
  }

  private static float[] flatten(float[][] rows) {
    float[] flat = new float[rows.length * rows[0].length];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(rows[i], 0, flat, i * rows[i].length, rows[i].length);
    }
    return flat;
  }
}
