package io.autoactivator.model.autoactivator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The convolutional router map computes, for every filter and grid region, the standardised mean of
 * sigmoid(filter . patch + bias) over the region's patch positions, exactly as the plain loops below; it survives its
 * own serialisation, and forged bytes are refused with an IOException.
 */
class ConvolutionFeatureMapTest {

  private static final ImageShape SHAPE = new ImageShape(2, 9, 8);
  private static final int KERNEL = 3;
  private static final int STRIDE = 2;
  private static final int GRID = 2;

  private static INDArray images(int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] values = new float[n * (int) SHAPE.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) random.nextGaussian();
    }
    return Nd4j.create(values, new long[] {n, SHAPE.size()}, 'c');
  }

  /** The features of one image with plain loops: positions, patches, activation, region means, standardisation. */
  private static double[] byHand(Activation activation, float[] image, float[] weights, float[] biases,
      float[] shift, float[] scale) {
    int filters = biases.length;
    int outH = (SHAPE.height() - KERNEL) / STRIDE + 1;
    int outW = (SHAPE.width() - KERNEL) / STRIDE + 1;
    double[] out = new double[GRID * GRID * filters];
    for (int r = 0; r < GRID; r++) {
      for (int c = 0; c < GRID; c++) {
        int r0 = (int) Math.round((double) r * outH / GRID);
        int r1 = (int) Math.round((double) (r + 1) * outH / GRID);
        int c0 = (int) Math.round((double) c * outW / GRID);
        int c1 = (int) Math.round((double) (c + 1) * outW / GRID);
        for (int k = 0; k < filters; k++) {
          double sum = 0;
          for (int oy = r0; oy < r1; oy++) {
            for (int ox = c0; ox < c1; ox++) {
              double z = biases[k];
              int weight = 0;
              for (int ch = 0; ch < SHAPE.channels(); ch++) {
                for (int u = 0; u < KERNEL; u++) {
                  for (int v = 0; v < KERNEL; v++) {
                    int pixel = ch * SHAPE.height() * SHAPE.width() + (oy * STRIDE + u) * SHAPE.width()
                        + ox * STRIDE + v;
                    z += weights[(weight++) * filters + k] * image[pixel];
                  }
                }
              }
              sum += switch (activation) {
                case SIGMOID -> 1 / (1 + Math.exp(-z));
                case TANH -> Math.tanh(z);
                case RELU -> Math.max(0, z);
              };
            }
          }
          int j = (r * GRID + c) * filters + k;
          out[j] = (sum / ((r1 - r0) * (c1 - c0)) - shift[j]) / scale[j];
        }
      }
    }
    return out;
  }

  @ParameterizedTest
  @EnumSource(Activation.class)
  void everyFeatureIsTheStandardisedRegionMeanOfOneFiltersActivatedResponses(Activation activation) {
    INDArray first = images(40, 1);
    ConvolutionFeatureMap map = ConvolutionFeatureMap.draw(SHAPE, KERNEL, STRIDE, GRID, activation, 12, 1.0, 5,
        first).map();
    assertThat(map.filters()).isEqualTo(3);
    assertThat(map.features()).isEqualTo(13);
    assertThat(map.parameterCount()).isEqualTo(2 * 3 * 3 * 3 + 3 + 12 + 12);

    INDArray x = images(7, 2);
    INDArray features = map.apply(x);
    assertThat(features.shape()).containsExactly(7, 13);
    for (int i = 0; i < 7; i++) {
      double[] expected = byHand(activation, x.getRow(i).toFloatVector(), map.filterWeights(), map.filterBiases(),
          map.shift(), map.scale());
      for (int j = 0; j < expected.length; j++) {
        assertThat(features.getDouble(i, j)).as("row %d feature %d", i, j).isCloseTo(expected[j], within(1e-4));
      }
      assertThat(features.getDouble(i, 12)).as("the constant feature").isEqualTo(1.0);
    }
  }

  @Test
  void theFirstTasksFeaturesAreStandardisedAndConstantRegionsAreFloored() {
    INDArray first = images(200, 3);
    ConvolutionFeatureMap.Drawn drawn = ConvolutionFeatureMap.draw(SHAPE, KERNEL, STRIDE, GRID, Activation.SIGMOID, 12, 1.0, 5, first);
    ConvolutionFeatureMap map = drawn.map();
    INDArray features = map.apply(first);
    assertThat(drawn.firstTaskFeatures().toFloatMatrix()).isDeepEqualTo(features.toFloatMatrix());
    assertThat(features.getColumn(12).minNumber().doubleValue()).isEqualTo(1.0);
    for (int j = 0; j < 12; j++) {
      assertThat(features.getColumn(j).meanNumber().doubleValue()).isCloseTo(0, within(1e-3));
      assertThat(features.getColumn(j).stdNumber().doubleValue()).isCloseTo(1, within(0.02));
    }

    INDArray blank = Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.FLOAT, 50, SHAPE.size());
    ConvolutionFeatureMap flat = ConvolutionFeatureMap.draw(SHAPE, KERNEL, STRIDE, GRID, Activation.SIGMOID, 12, 1.0, 5, blank).map();
    for (float s : flat.scale()) {
      assertThat(s).isPositive();
    }
    for (float v : flat.apply(images(3, 4)).data().asFloat()) {
      assertThat(Float.isFinite(v)).isTrue();
    }
  }

  @Test
  void rowsAreProcessedInChunksWithTheSameResultAsOneByOne() {
    ImageShape mnist = new ImageShape(1, 28, 28);
    SplittableRandom random = new SplittableRandom(9);
    int n = 1200; // two chunks of 582 28x28 images with 100 filters, and a shorter last one
    float[] values = new float[n * 784];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) random.nextDouble();
    }
    INDArray x = Nd4j.create(values, new long[] {n, 784}, 'c');
    ConvolutionFeatureMap map = ConvolutionFeatureMap.draw(mnist, 5, 1, 5, Activation.SIGMOID, 2500, 1.0, 3, x).map();
    INDArray all = map.apply(x);
    for (int i : new int[] {0, 581, 582, 1163, 1164, 1199}) {
      INDArray alone = map.apply(x.getRow(i, true));
      float[] together = all.getRow(i).toFloatVector();
      float[] single = alone.toFloatVector();
      assertThat(together).hasSameSizeAs(single);
      for (int j = 0; j < single.length; j++) {
        assertThat(together[j]).as("row %d feature %d", i, j).isCloseTo(single[j], within(1e-4f));
      }
    }
  }

  @Test
  void smallBatchesReuseAThreadsWorkArraysWithoutChangingEarlierResultsOrOtherSizes() throws InterruptedException {
    INDArray first = images(40, 1);
    ConvolutionFeatureMap map = ConvolutionFeatureMap.draw(SHAPE, KERNEL, STRIDE, GRID, Activation.RELU, 12, 1.0, 5,
        first).map();
    INDArray one = images(1, 2);
    INDArray three = images(3, 3);
    INDArray oneAlone = map.apply(one);
    float[] oneBefore = oneAlone.dup('c').data().asFloat();
    float[] threeBefore = map.apply(three).dup('c').data().asFloat();
    map.apply(images(1, 4)); // same size as `one`: the retained arrays are written again
    assertThat(oneAlone.dup('c').data().asFloat()).as("an answer already returned").containsExactly(oneBefore);
    assertThat(map.apply(one).dup('c').data().asFloat()).containsExactly(oneBefore);
    assertThat(map.apply(three).dup('c').data().asFloat()).containsExactly(threeBefore);
    float[][] onOtherThread = new float[1][];
    Thread other = new Thread(() -> onOtherThread[0] = map.apply(three).dup('c').data().asFloat());
    other.start();
    other.join();
    assertThat(onOtherThread[0]).containsExactly(threeBefore);
  }

  @Test
  void survivesItsSerialisationAndRefusesForgedBytes() throws IOException {
    INDArray first = images(30, 1);
    ConvolutionFeatureMap map = ConvolutionFeatureMap.draw(SHAPE, KERNEL, STRIDE, GRID, Activation.SIGMOID, 12, 1.0, 5, first).map();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    map.write(new DataOutputStream(bytes));
    FeatureMap back = FeatureMap.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())),
        (int) SHAPE.size());
    assertThat(back.apply(first).toFloatMatrix()).isDeepEqualTo(map.apply(first).toFloatMatrix());

    assertThatThrownBy(() -> FeatureMap.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())), 10))
        .isInstanceOf(IOException.class).hasMessageContaining("reads 144 features, the model has 10");
    byte[] unknownKind = bytes.toByteArray().clone();
    unknownKind[0] = 99;
    assertThatThrownBy(() -> FeatureMap.read(new DataInputStream(new ByteArrayInputStream(unknownKind)), 144))
        .isInstanceOf(IOException.class).hasMessageContaining("kind 99");
    byte[] hugeKernel = bytes.toByteArray().clone();
    hugeKernel[1 + 12 + 3] = 50; // kernel 50 on a 9x8 image
    assertThatThrownBy(() -> FeatureMap.read(new DataInputStream(new ByteArrayInputStream(hugeKernel)), 144))
        .isInstanceOf(IOException.class).hasMessageContaining("do not fit");
  }

  @Test
  void aMapWithAnotherActivationWritesItAfterItsOwnTagAndSigmoidMapsKeepTheFirstFormat() throws IOException {
    INDArray first = images(30, 1);
    ConvolutionFeatureMap relu = ConvolutionFeatureMap.draw(SHAPE, KERNEL, STRIDE, GRID, Activation.RELU, 12, 1.0, 5,
        first).map();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    relu.write(new DataOutputStream(bytes));
    byte[] written = bytes.toByteArray();
    assertThat(written[0]).isEqualTo((byte) ConvolutionFeatureMap.KIND_WITH_ACTIVATION);
    FeatureMap back = FeatureMap.read(new DataInputStream(new ByteArrayInputStream(written)), (int) SHAPE.size());
    assertThat(back.apply(first).toFloatMatrix()).isDeepEqualTo(relu.apply(first).toFloatMatrix());
    byte[] forged = written.clone();
    forged[1] = 7;
    assertThatThrownBy(() -> FeatureMap.read(new DataInputStream(new ByteArrayInputStream(forged)), 144))
        .isInstanceOf(IOException.class).hasMessageContaining("unknown activation 7");

    ByteArrayOutputStream sigmoid = new ByteArrayOutputStream();
    ConvolutionFeatureMap.draw(SHAPE, KERNEL, STRIDE, GRID, Activation.SIGMOID, 12, 1.0, 5, first).map()
        .write(new DataOutputStream(sigmoid));
    assertThat(sigmoid.toByteArray()[0]).as("readable by the builds before conv.activation")
        .isEqualTo((byte) ConvolutionFeatureMap.KIND);
    assertThat(sigmoid.toByteArray()).hasSize(written.length - 1);
  }

  @Test
  void imageShapesParseFromTheirOptionForm() {
    assertThat(ImageShape.parse("28x28")).isEqualTo(new ImageShape(1, 28, 28));
    assertThat(ImageShape.parse(" 3x32x32 ")).isEqualTo(new ImageShape(3, 32, 32));
    assertThat(ImageShape.parse("none")).isNull();
    assertThat(new ImageShape(3, 32, 32).toString()).isEqualTo("3x32x32");
    assertThat(new ImageShape(1, 28, 28).toString()).isEqualTo("28x28");
    for (String bad : new String[] {"28", "28x", "0x5", "axb", "1x2x3x4"}) {
      assertThatThrownBy(() -> ImageShape.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("input.shape");
    }
  }
}
