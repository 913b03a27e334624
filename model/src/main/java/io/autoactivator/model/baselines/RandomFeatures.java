package io.autoactivator.model.baselines;

import io.autoactivator.model.linalg.MatrixProduct;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.SplittableRandom;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * A fixed random sigmoid layer {@code h = sigmoid(x W + b)} shared by the {@code joint}, {@code analytic} and (optionally)
 * {@code ncm} baselines. W (dim x features) and b are drawn from a local {@link SplittableRandom} seeded with the
 * learner's seed - never from ND4J's global RNG - so the same seed gives the same layer on every machine:
 * {@code W ~ U(-a, a)} with {@code a = scale * sqrt(3 / dim)} (std {@code scale / sqrt(dim)}) and
 * {@code b ~ U(-1, 1)}. Immutable.
 */
final class RandomFeatures {

  private final int dimension;
  private final int count;
  private final float[] weights;
  private final float[] bias;
  private final INDArray w;
  private final INDArray b;

  private RandomFeatures(int dimension, int count, float[] weights, float[] bias) {
    this.dimension = dimension;
    this.count = count;
    this.weights = weights;
    this.bias = bias;
    this.w = Nd4j.create(weights, new long[] {dimension, count}, 'c');
    this.b = Nd4j.create(bias, new long[] {1, count}, 'c');
  }

  static RandomFeatures generate(int dimension, int count, double scale, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    double a = scale * Math.sqrt(3.0 / dimension);
    float[] weights = new float[dimension * count];
    for (int i = 0; i < weights.length; i++) {
      weights[i] = (float) ((2 * random.nextDouble() - 1) * a);
    }
    float[] bias = new float[count];
    for (int i = 0; i < count; i++) {
      bias[i] = (float) (2 * random.nextDouble() - 1);
    }
    return new RandomFeatures(dimension, count, weights, bias);
  }

  int dimension() {
    return dimension;
  }

  int count() {
    return count;
  }

  long parameterCount() {
    return (long) dimension * count + count;
  }

  /** sigmoid(x W + b) for an n x dim float matrix. */
  INDArray transform(INDArray x) {
    INDArray h = MatrixProduct.times(x, w);
    h.addiRowVector(b);
    return Transforms.sigmoid(h, false);
  }

  void write(DataOutput out) throws IOException {
    out.writeInt(dimension);
    out.writeInt(count);
    Codecs.writeFloats(out, weights);
    Codecs.writeFloats(out, bias);
  }

  static RandomFeatures read(DataInput in) throws IOException {
    int dimension = Codecs.positive(in.readInt(), "input dimension");
    int count = Codecs.positive(in.readInt(), "feature count");
    float[] weights = Codecs.readFloats(in, (long) dimension * count, "random weights");
    float[] bias = Codecs.readFloats(in, count, "random biases");
    return new RandomFeatures(dimension, count, weights, bias);
  }
}
