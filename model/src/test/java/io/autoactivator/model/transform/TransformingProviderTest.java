package io.autoactivator.model.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.autoactivator.model.api.ClassIncrementalModel;
import io.autoactivator.model.api.IncrementalLearner;
import io.autoactivator.model.api.InvalidTaskDataException;
import io.autoactivator.model.api.Learners;
import io.autoactivator.model.api.TaskData;
import io.autoactivator.model.api.TrainingListener;

class TransformingProviderTest {

  /** Class 0 near the origin, class 1 far along the second, large-unit feature. */
  static TaskData task(String id, int first, float offset) {
    float[][] x = new float[40][];
    int[] y = new int[40];
    for (int i = 0; i < 40; i++) {
      int label = first + i % 2;
      x[i] = new float[] {0.01f * i + offset, (label - first) * 5000f + 37 * (i % 7) + offset * 1000};
      y[i] = label;
    }
    return new TaskData(id, new int[] {first, first + 1}, x, y);
  }

  @Test
  void everyLearnerOfTheCatalogueTakesTheTransformOption() {
    for (String name : Learners.names()) {
      assertThat(Learners.provider(name).optionDocs()).containsKey(TransformingProvider.OPTION);
    }
    assertThatThrownBy(() -> Learners.create("ncm", Map.of(TransformingProvider.OPTION, "zscore"), 1))
        .hasMessageContaining("valid values");
  }

  @Test
  void theTransformIsFittedOnTheFirstTaskAndFrozen() {
    IncrementalLearner learner = Learners.create("ncm", Map.of(), 1);
    ClassIncrementalModel first = learner.learn(null, task("a", 0, 0), TrainingListener.NONE);
    ClassIncrementalModel second = learner.learn(first, task("b", 2, 3), TrainingListener.NONE);
    InputTransform fitted = ((TransformedModel) first).transform();
    assertThat(fitted.kind()).isEqualTo(InputTransform.Kind.STANDARDIZE);
    assertThat(((TransformedModel) second).transform()).isEqualTo(fitted);
    // raw rows in, transformed inside: the model answers raw features
    assertThat(second.predict(new float[][] {{0.1f, 0}, {0.1f, 5000f}}).labels()).containsExactly(0, 1);
  }

  @Test
  void snapshotsRoundTripAndPlainWeightsReadBehindTheIdentity() throws IOException {
    ClassIncrementalModel model = Learners.create("ncm", Map.of(), 1).learn(null, task("a", 0, 0),
        TrainingListener.NONE);
    ClassIncrementalModel read = roundTrip(model);
    assertThat(((TransformedModel) read).transform()).isEqualTo(((TransformedModel) model).transform());
    float[][] probe = {{0.3f, 4000f}, {0.2f, 10f}};
    assertThat(read.predict(probe).labels()).containsExactly(model.predict(probe).labels());

    ClassIncrementalModel plain = Learners.create("ncm", Map.of(TransformingProvider.OPTION, "none"), 1)
        .learn(null, task("a", 0, 0), TrainingListener.NONE);
    ByteArrayOutputStream inner = new ByteArrayOutputStream();
    TransformedModel.unwrap(plain).writeWeights(new DataOutputStream(inner));
    ByteArrayOutputStream wrapped = new ByteArrayOutputStream();
    plain.writeWeights(new DataOutputStream(wrapped));
    assertThat(wrapped.toByteArray()).as("the identity writes the plain weights of earlier builds")
        .isEqualTo(inner.toByteArray());
    assertThat(((TransformedModel) roundTrip(plain)).transform().kind()).isEqualTo(InputTransform.Kind.NONE);
  }

  @Test
  void aModelWithoutTransformCannotBeContinuedSilently() {
    IncrementalLearner learner = Learners.create("ncm", Map.of(), 1);
    ClassIncrementalModel bare = TransformedModel.unwrap(learner.learn(null, task("a", 0, 0), TrainingListener.NONE));
    assertThatThrownBy(() -> learner.learn(bare, task("b", 2, 0), TrainingListener.NONE))
        .isInstanceOf(InvalidTaskDataException.class).hasMessageContaining("no input transform");
  }

  private static ClassIncrementalModel roundTrip(ClassIncrementalModel model) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    model.writeWeights(new DataOutputStream(bytes));
    return Learners.codec(model.learner()).readWeights(new DataInputStream(new ByteArrayInputStream(
        bytes.toByteArray())), io.autoactivator.model.api.LearnerSettings.of(model));
  }
}
