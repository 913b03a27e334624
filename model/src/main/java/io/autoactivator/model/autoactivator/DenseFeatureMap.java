package io.autoactivator.model.autoactivator;

import io.autoactivator.model.linalg.MatrixProduct;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code act(x W + b)} with W dense (every feature reads every input): the rule for inputs without a declared
 * structure (tables, embeddings). Weight scales are chosen by {@link RouterTuning.Draws}; the activation is
 * {@code dense.activation} (sigmoid by default; relu keeps growing with the distance from a feature's hyperplane, so
 * classes far from the first task's data stay apart where a sigmoid saturates: better on some tables, worse on more,
 * see the option's documentation).
 */
final class DenseFeatureMap implements FeatureMap {

  /** Kind tag of a map with sigmoid features (the first format, no activation field). */
  static final int KIND = 1;
  /** Kind tag of a map whose activation byte follows the tag. */
  static final int KIND_WITH_ACTIVATION = 4;

  private final int inputDimension;
  private final Activation activation;
  private final float[] weights;
  private final float[] biases;
  private final INDArray w;
  private final INDArray b;

  /**
   * @param activation applied to {@code x W + b}
   * @param weights    row-major inputDimension x features
   * @param biases     one per feature
   */
  DenseFeatureMap(int inputDimension, Activation activation, float[] weights, float[] biases) {
    if (biases.length == 0 || weights.length != (long) inputDimension * biases.length) {
      throw new IllegalArgumentException("dense feature map: " + weights.length + " weights for " + inputDimension
          + " inputs x " + biases.length + " features");
    }
    this.inputDimension = inputDimension;
    this.activation = java.util.Objects.requireNonNull(activation, "activation");
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
    return activation.applyInPlace(MatrixProduct.times(x, w).addiRowVector(b));
  }

  /** The activation of every feature. */
  Activation activation() {
    return activation;
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

  /** The weights and biases, as weights format 2 stored them (no kind tag, no activation: sigmoid). */
  void writeBody(DataOutput out) throws IOException {
    ArrayIO.writeFloats(out, weights);
    ArrayIO.writeFloats(out, biases);
  }

  @Override
  public void write(DataOutput out) throws IOException {
    if (activation == Activation.SIGMOID) { // the first layout: earlier builds load it too
      out.writeByte(KIND);
    } else {
      out.writeByte(KIND_WITH_ACTIVATION);
      out.writeByte(activation.ordinal());
    }
    writeBody(out);
  }

  /** Reads {@link #writeBody}'s layout (a sigmoid map); the input dimension follows from the lengths. */
  static DenseFeatureMap readBody(DataInput in) throws IOException {
    return readBody(in, Activation.SIGMOID);
  }

  /** Reads a map written with tag {@link #KIND} (sigmoid) or {@link #KIND_WITH_ACTIVATION}, after the tag. */
  static DenseFeatureMap readBody(DataInput in, int kind) throws IOException {
    if (kind != KIND_WITH_ACTIVATION) {
      return readBody(in);
    }
    int ordinal = in.readByte();
    if (ordinal < 0 || ordinal >= Activation.values().length) {
      throw new IOException("invalid dense feature map: unknown activation " + ordinal);
    }
    return readBody(in, Activation.values()[ordinal]);
  }

  private static DenseFeatureMap readBody(DataInput in, Activation activation) throws IOException {
    float[] weights = ArrayIO.readFloats(in, "router weights");
    float[] biases = ArrayIO.readFloats(in, "router biases");
    if (biases.length == 0 || weights.length % biases.length != 0) {
      throw new IOException("inconsistent router shapes: weights " + weights.length + ", biases " + biases.length);
    }
    return new DenseFeatureMap(weights.length / biases.length, activation, weights, biases);
  }
}
