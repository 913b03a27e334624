package io.autoactivator.model.autoactivator;

import static org.assertj.core.api.Assertions.assertThat;

import io.autoactivator.model.api.ClassIncrementalModel;
import io.autoactivator.model.api.Predictions;
import io.autoactivator.model.api.TaskData;
import io.autoactivator.model.api.TrainingListener;
import io.autoactivator.model.data.Dataset;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Each router identifies the task of held-out MNIST images far above chance (1/3) on a small 3-task slice
 * (0/1, 2/3, 4/5; 150 training images per class). The bounds are set well below what the routers reach, to catch
 * breakage rather than to rank them. The paper rule is weak per sample (about 0.5 here; 0.56 on full split-MNIST in
 * the prototype), which is why it is not the default.
 */
class RoutersTest {

  @ParameterizedTest
  @CsvSource({"ridge, 0.85", "mahalanobis, 0.8", "paper, 0.42"})
  void routerIdentifiesTheTaskPerSample(String router, double minimum) {
    Map<String, String> options = new HashMap<>(AutoActivatorLearnerTest.SMALL);
    options.put("router", router);
    AutoActivatorLearner learner = AutoActivatorLearnerTest.learner(options, 11);
    List<TaskData> tasks = new ArrayList<>();
    for (int t = 0; t < 3; t++) {
      tasks.add(Mnist.task("mnist", "train", "t" + t, AutoActivatorLearnerTest.PER_CLASS,
          AutoActivatorLearnerTest.PAIRS[t]));
    }
    ClassIncrementalModel model = AutoActivatorLearnerTest.trainAll(learner, tasks, TrainingListener.NONE).get(2);
    Dataset test = Mnist.only(Mnist.split("mnist", "t10k"), 0, 1, 2, 3, 4, 5).firstPerClass(100);
    Predictions p = model.predict(test.features());
    int correct = 0;
    for (int i = 0; i < test.size(); i++) {
      correct += p.firedTask()[i] == test.labels()[i] / 2 ? 1 : 0;
      assertThat(p.taskScores()[i]).hasSize(3);
    }
    double taskIdAccuracy = correct / (double) test.size();
    assertThat(taskIdAccuracy).as("task-id accuracy of router %s", router).isGreaterThan(minimum);
  }
}
