package io.autoactivator.model.transform;

import java.io.DataOutput;
import java.io.IOException;
import java.util.List;
import java.util.Objects;

import org.nd4j.linalg.api.ndarray.INDArray;

import io.autoactivator.model.api.ClassIncrementalModel;
import io.autoactivator.model.api.InvalidTaskDataException;
import io.autoactivator.model.api.LearnedTask;
import io.autoactivator.model.api.Predictions;

/**
 * A model and the input transform it was trained behind: every prediction transforms its rows first, exactly as the
 * training rows were, so a caller (the service, the bench, a client) always sends raw features. Immutable and
 * thread-safe when the inner model is.
 */
public final class TransformedModel implements ClassIncrementalModel {

  /** First int of the weights of a transformed model ("AATF"); no inner format starts with it. */
  static final int MAGIC = 0x41415446;
  static final int FORMAT = 1;

  private final InputTransform transform;
  private final ClassIncrementalModel inner;

  public TransformedModel(InputTransform transform, ClassIncrementalModel inner) {
    this.transform = Objects.requireNonNull(transform, "transform");
    this.inner = Objects.requireNonNull(inner, "inner");
    if (transform.dimension() != inner.inputDimension()) {
      throw new IllegalArgumentException("transform of " + transform.dimension() + " features for a model of "
          + inner.inputDimension());
    }
  }

  /** The transform applied to every input row. */
  public InputTransform transform() {
    return transform;
  }

  /** The model that sees transformed rows. */
  public ClassIncrementalModel inner() {
    return inner;
  }

  /** {@code model} itself, or the inner model of a {@link TransformedModel}. */
  public static ClassIncrementalModel unwrap(ClassIncrementalModel model) {
    return model instanceof TransformedModel t ? t.inner : model;
  }

  @Override
  public String learner() {
    return inner.learner();
  }

  @Override
  public int inputDimension() {
    return inner.inputDimension();
  }

  @Override
  public List<LearnedTask> tasks() {
    return inner.tasks();
  }

  @Override
  public int[] classes() {
    return inner.classes();
  }

  @Override
  public long parameterCount() {
    return inner.parameterCount() + (transform.kind() == InputTransform.Kind.NONE ? 0 : 2L * transform.dimension());
  }

  @Override
  public int units() {
    return inner.units();
  }

  @Override
  public java.util.Map<String, String> learnerSettings() {
    return inner.learnerSettings();
  }

  @Override
  public Predictions predict(float[][] features) {
    return inner.predict(transform.apply(features));
  }

  @Override
  public Predictions predict(INDArray features) {
    if (features.rank() != 2 || features.columns() != transform.dimension()) {
      return inner.predict(features); // the inner model rejects the shape with its own message
    }
    return inner.predict(transform.apply(features));
  }

  @Override
  public Predictions predictChecked(INDArray features) {
    if (features.rank() != 2 || features.columns() != transform.dimension()) {
      return inner.predict(features); // the inner model rejects the shape with its own message
    }
    return inner.predictChecked(transform.apply(features));
  }

  @Override
  public Predictions predictTaskBatch(float[][] rows) {
    return inner.predictTaskBatch(transform.apply(rows));
  }

  @Override
  public Predictions predictWithTask(float[][] features, int[] taskIndex) {
    if (taskIndex.length != features.length) {
      throw new InvalidTaskDataException(features.length + " rows but " + taskIndex.length + " task indices");
    }
    return inner.predictWithTask(transform.apply(features), taskIndex);
  }

  @Override
  public void writeWeights(DataOutput out) throws IOException {
    if (transform.kind() == InputTransform.Kind.NONE) {
      inner.writeWeights(out); // the identity is what a plain snapshot means: same bytes as before transforms
      return;
    }
    out.writeInt(MAGIC);
    out.writeInt(FORMAT);
    transform.write(out);
    inner.writeWeights(out);
  }

  @Override
  public String toString() {
    return inner + " behind " + transform;
  }
}
