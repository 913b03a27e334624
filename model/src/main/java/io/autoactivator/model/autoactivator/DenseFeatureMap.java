package io.autoactivator.model.autoactivator;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * {@code sigmoid(x W + b)} with W dense (every feature reads every input): the rule for inputs without a declared
 * structure (tables, embeddings). Weight scales are chosen by {@link RouterTuning.Draws}.
 */
final class DenseFeatureMap implements FeatureMap {

  static final int KIND = 1;

  private final int inputDimension;
  private final float[] weights;
  private final float[] biases;
  private final INDArray w;
  private final INDArray b;

  /**
   * @param weights row-major inputDimension x features
   * @param biases  one per feature
   */
  DenseFeatureMap(int inputDimension, float[] weights, float[] biases) {
    if (biases.length == 0 || weights.length != (long) inputDimension * biases.length) {
      throw new IllegalArgumentException("dense feature map: " + weights.length + " weights for " + inputDimension
          + " inputs x " + biases.length + " features");
    }
    this.inputDimension = inputDimension;
    this.weights = weights;
    this.biases = biases;
    this.w = Nd4j.create(weights, new long[] {inputDimension, biases.length}, 'c');
    this.b = Nd4j.create(biases, new long[] {1, biases.length}, 'c');
  }

  @Override
  public int inputDimension() {
    return inputDimension;
  }

  @Override
  public int features() {
    return biases.length;
  }

  @Override
  public INDArray apply(INDArray x) {
    return Transforms.sigmoid(x.mmul(w).addiRowVector(b), false);
  }

  /** A copy of the weights, row-major inputDimension x features. */
  float[] weights() {
    return weights.clone();
  }

  /** A copy of the biases, one per feature. */
  float[] biases() {
    return biases.clone();
  }

  @Override
  public long parameterCount() {
    return (long) weights.length + biases.length;
  }

  /** The weights and biases, as weights format 2 stored them (no kind tag). */
  void writeBody(DataOutput out) throws IOException {
    ArrayIO.writeFloats(out, weights);
    ArrayIO.writeFloats(out, biases);
  }

  @Override
  public void write(DataOutput out) throws IOException {
    out.writeByte(KIND);
    writeBody(out);
  }

  /** Reads {@link #writeBody}'s layout; the input dimension follows from the lengths. */
  static DenseFeatureMap readBody(DataInput in) throws IOException {
    float[] weights = ArrayIO.readFloats(in, "router weights");
    float[] biases = ArrayIO.readFloats(in, "router biases");
    if (biases.length == 0 || weights.length % biases.length != 0) {
      throw new IOException("inconsistent router shapes: weights " + weights.length + ", biases " + biases.length);
    }
    return new DenseFeatureMap(weights.length / biases.length, weights, biases);
  }
}
