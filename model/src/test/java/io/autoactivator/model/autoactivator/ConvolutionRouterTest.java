package io.autoactivator.model.autoactivator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.autoactivator.model.api.ClassIncrementalModel;
import io.autoactivator.model.api.InvalidTaskDataException;
import io.autoactivator.model.api.Learners;
import io.autoactivator.model.api.TaskData;
import io.autoactivator.model.data.Dataset;
import io.autoactivator.model.transform.TransformedModel;

/**
 * With {@code input.shape} declared, the router reads the images through random convolutional features (router.map
 * auto): on real MNIST slices it is more accurate than the dense layer of the same width, holds a fraction of its
 * parameters, and its snapshot reads back to the same predictions. A shape that does not match the samples is a
 * clear error, not a crash.
 */
class ConvolutionRouterTest {

  private static final Map<String, String> OPTIONS = Map.of("router.features", "500", "max.nodes", "25");
  private static List<TaskData> tasks;
  private static Dataset test;

  @BeforeAll
  static void slices() {
    tasks = List.of(Mnist.task("mnist", "train", "t0", 150, 0, 1), Mnist.task("mnist", "train", "t1", 150, 2, 3),
        Mnist.task("mnist", "train", "t2", 150, 4, 5));
    test = Mnist.only(Mnist.split("mnist", "t10k"), 0, 1, 2, 3, 4, 5).firstPerClass(100);
  }

  /** The catalogue's model: the input transform around the AutoActivator model. */
  private static TransformedModel train(Map<String, String> options) {
    ClassIncrementalModel model = null;
    var learner = Learners.create("autoactivator", options, 11);
    for (TaskData task : tasks) {
      model = learner.learn(model, task, null);
    }
    return (TransformedModel) model;
  }

  private static AutoActivatorModel inner(TransformedModel model) {
    return (AutoActivatorModel) model.inner();
  }

  private static double accuracy(ClassIncrementalModel model) {
    int[] predicted = model.predict(test.features()).labels();
    int correct = 0;
    for (int i = 0; i < predicted.length; i++) {
      correct += predicted[i] == test.labels()[i] ? 1 : 0;
    }
    return correct / (double) predicted.length;
  }

  private static Map<String, String> with(String key, String value) {
    Map<String, String> options = new HashMap<>(OPTIONS);
    options.put(key, value);
    return options;
  }

  @Test
  void aDeclaredImageShapeBuysAccuracyWithFewerParameters() {
    TransformedModel convolution = train(with("input.shape", "28x28"));
    TransformedModel dense = train(OPTIONS);
    assertThat(inner(convolution).router().map()).isInstanceOf(ConvolutionFeatureMap.class);
    assertThat(inner(dense).router().map()).isInstanceOf(DenseFeatureMap.class);
    assertThat(inner(convolution).router().features()).isEqualTo(501); // 20 filters x 25 regions + a constant
    assertThat(convolution.parameterCount()).isLessThan(dense.parameterCount() / 10);
    double convolutionAccuracy = accuracy(convolution);
    assertThat(convolutionAccuracy).isGreaterThan(accuracy(dense)).isGreaterThan(0.9);

    TransformedModel forcedDense = train(Map.of("router.features", "500", "max.nodes", "25", "input.shape",
        "28x28", "router.map", "dense"));
    assertThat(inner(forcedDense).router().map()).isInstanceOf(DenseFeatureMap.class);
  }

  @Test
  void theSnapshotReadsBackToTheSamePredictions() throws IOException {
    AutoActivatorModel model = inner(train(with("input.shape", "28x28")));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    model.writeWeights(new DataOutputStream(bytes));
    ClassIncrementalModel back = new AutoActivatorCodec("autoactivator")
        .readWeights(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())),
            io.autoactivator.model.api.LearnerSettings.of(model));
    float[][] rows = test.features(); // the inner model's own input (the transform is not under test here)
    assertThat(back.predict(rows).labels()).containsExactly(model.predict(rows).labels());
    assertThat(back.predict(new float[0][]).labels()).isEmpty();
    ByteArrayOutputStream again = new ByteArrayOutputStream();
    ((AutoActivatorModel) back).writeWeights(new DataOutputStream(again));
    assertThat(again.toByteArray()).isEqualTo(bytes.toByteArray());
  }

  @Test
  void aShapeThatDoesNotMatchTheSamplesIsRefusedClearly() {
    var learner = Learners.create("autoactivator", with("input.shape", "3x32x32"), 11);
    assertThatThrownBy(() -> learner.learn(null, tasks.get(0), null)).isInstanceOf(InvalidTaskDataException.class)
        .hasMessageContaining("input.shape 3x32x32 declares 3072");
    assertThatThrownBy(() -> AutoActivatorConfig.fromOptions(Map.of("router.map", "convolution")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs input.shape");
    assertThatThrownBy(() -> AutoActivatorConfig.fromOptions(Map.of("input.shape", "4x4", "router.map",
        "convolution"))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("do not fit");
    // auto falls back to the dense layer when the filters do not fit a tiny image
    assertThat(AutoActivatorConfig.fromOptions(Map.of("input.shape", "4x4")).convolutionRouter(16)).isFalse();
  }
}
