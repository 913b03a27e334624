package io.autoactivator.model.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.factory.Nd4j;

/** {@code predictChecked} (rows the caller validated) answers exactly what {@code predict} answers, for every learner. */
class PredictCheckedTest {

  static java.util.List<String> learners() {
    return Learners.names();
  }

  private static TaskData task(String id, int first, float offset) {
    float[][] x = new float[40][];
    int[] y = new int[40];
    for (int i = 0; i < 40; i++) {
      int label = first + i % 2;
      x[i] = new float[] {0.01f * i + offset, (label - first) * 5f + 0.37f * (i % 7) + offset};
      y[i] = label;
    }
    return new TaskData(id, new int[] {first, first + 1}, x, y);
  }

  @ParameterizedTest
  @MethodSource("learners")
  void predictCheckedEqualsPredict(String name) {
    IncrementalLearner learner = Learners.create(name, Map.of(), 7);
    ClassIncrementalModel model;
    if (name.equals("joint")) { // the offline bound learns every class in one task
      TaskData a = task("a", 0, 0);
      TaskData b = task("b", 2, 20);
      float[][] x = new float[80][];
      int[] y = new int[80];
      for (int i = 0; i < 40; i++) {
        x[i] = a.features()[i];
        y[i] = a.labels()[i];
        x[40 + i] = b.features()[i];
        y[40 + i] = b.labels()[i];
      }
      model = learner.learn(null, new TaskData("ab", new int[] {0, 1, 2, 3}, x, y), TrainingListener.NONE);
    } else {
      model = learner.learn(learner.learn(null, task("a", 0, 0), TrainingListener.NONE), task("b", 2, 20),
          TrainingListener.NONE);
    }
    float[][] rows = {{0.1f, 0.2f}, {0.3f, 5.1f}, {20.2f, 20.5f}, {20.1f, 25.3f}};
    Predictions expected = model.predict(rows);
    Predictions checked = model.predictChecked(Nd4j.create(new float[] {0.1f, 0.2f, 0.3f, 5.1f, 20.2f, 20.5f, 20.1f,
        25.3f}, new long[] {4, 2}, 'c'));
    assertThat(checked.labels()).containsExactly(expected.labels());
    assertThat(checked.firedTask()).containsExactly(expected.firedTask());
    for (int i = 0; i < rows.length; i++) {
      assertThat(checked.classScores()[i]).containsExactly(expected.classScores()[i]);
    }
  }
}
