package io.autoactivator.model.autoactivator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The dense router map computes {@code act(x W + b)} with its own activation (sigmoid unless dense.activation says
 * otherwise); a sigmoid map keeps the first layout (tag 1, no activation byte) so earlier builds read it, any other
 * activation writes tag 4 and its byte, and forged activation bytes are refused with an IOException.
 */
class DenseFeatureMapTest {

  private static final int D = 3;
  private static final int F = 5;

  private static float[] uniform(int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] values = new float[n];
    for (int i = 0; i < n; i++) {
      values[i] = (float) (2 * random.nextDouble() - 1);
    }
    return values;
  }

  private static DenseFeatureMap map(Activation activation) {
    return new DenseFeatureMap(D, activation, uniform(D * F, 1), uniform(F, 2));
  }

  private static byte[] bytes(FeatureMap map) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    map.write(new DataOutputStream(out));
    return out.toByteArray();
  }

  private static FeatureMap read(byte[] bytes) throws IOException {
    return FeatureMap.read(new DataInputStream(new ByteArrayInputStream(bytes)), D);
  }

  @ParameterizedTest
  @EnumSource(Activation.class)
  void computesItsActivationOfTheAffineMap(Activation activation) {
    DenseFeatureMap map = map(activation);
    float[] x = uniform(2 * D, 3);
    float[] features = map.apply(Nd4j.create(x, new long[] {2, D}, 'c')).dup('c').data().asFloat();
    float[] w = map.weights();
    float[] b = map.biases();
    for (int i = 0; i < 2; i++) {
      for (int j = 0; j < F; j++) {
        double z = b[j];
        for (int k = 0; k < D; k++) {
          z += x[i * D + k] * w[k * F + j];
        }
        double expected = switch (activation) {
          case SIGMOID -> 1 / (1 + Math.exp(-z));
          case TANH -> Math.tanh(z);
          case RELU -> Math.max(0, z);
        };
        assertThat((double) features[i * F + j]).isCloseTo(expected, within(1e-5));
      }
    }
  }

  @Test
  void aSigmoidMapKeepsTheFirstLayoutThatEarlierBuildsRead() throws IOException {
    DenseFeatureMap sigmoid = map(Activation.SIGMOID);
    byte[] bytes = bytes(sigmoid);
    ByteArrayOutputStream first = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(first);
    out.writeByte(DenseFeatureMap.KIND);
    sigmoid.writeBody(out);

    assertThat(bytes).isEqualTo(first.toByteArray());
    assertThat(((DenseFeatureMap) read(bytes)).activation()).isEqualTo(Activation.SIGMOID);
  }

  @ParameterizedTest
  @EnumSource(value = Activation.class, names = {"RELU", "TANH"})
  void anotherActivationTravelsWithTheMap(Activation activation) throws IOException {
    byte[] bytes = bytes(map(activation));
    assertThat(bytes[0]).isEqualTo((byte) DenseFeatureMap.KIND_WITH_ACTIVATION);

    DenseFeatureMap back = (DenseFeatureMap) read(bytes);
    assertThat(back.activation()).isEqualTo(activation);
    assertThat(back.weights()).isEqualTo(map(activation).weights());
    assertThat(back.biases()).isEqualTo(map(activation).biases());
    INDArray x = Nd4j.create(uniform(4 * D, 5), new long[] {4, D}, 'c');
    assertThat(back.apply(x)).isEqualTo(map(activation).apply(x));
  }

  @Test
  void aForgedActivationByteIsRefused() throws IOException {
    byte[] bytes = bytes(map(Activation.RELU));
    bytes[1] = 9;
    assertThatThrownBy(() -> read(bytes)).isInstanceOf(IOException.class).hasMessageContaining("unknown activation 9");
    bytes[1] = -1;
    assertThatThrownBy(() -> read(bytes)).isInstanceOf(IOException.class).hasMessageContaining("unknown activation");
  }

  @Test
  void theDefaultIsSigmoidAndTheOptionChoosesAnother() {
    assertThat(AutoActivatorConfig.defaults().denseActivation()).isEqualTo(Activation.SIGMOID);
    assertThat(AutoActivatorConfig.fromOptions(Map.of("dense.activation", "relu")).denseActivation())
        .isEqualTo(Activation.RELU);
    assertThat(AutoActivatorConfig.fromOptions(Map.of("dense.activation", "relu")).toOptions())
        .containsEntry("dense.activation", "relu");
  }
}
