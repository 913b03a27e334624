package io.autoactivator.model.linalg;

import static org.assertj.core.api.Assertions.assertThat;

import org.bytedeco.javacpp.FloatPointer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class VerifiedSyrkTest {

  @AfterEach
  void restore() {
    VerifiedSyrk.trust(true);
  }

  @ParameterizedTest(name = "rows={0}, features={1}, order={2}")
  @CsvSource({"300,700,c", "300,700,f", "2048,1030,c"})
  void theGramIsTheSameWithSyrkAndWithGemmOnly(int rows, int features, char order) {
    Nd4j.getRandom().setSeed(rows * 7L + features);
    INDArray h = Nd4j.rand(DataType.FLOAT, rows, features).subi(0.3).dup(order);
    VerifiedSyrk.trust(true);
    double[] withSyrk = new double[features * features];
    SymmetricGram.addUpper(h, withSyrk);
    assertThat(VerifiedSyrk.trusted()).as("syrk passed its own check").isTrue();
    VerifiedSyrk.trust(false);
    double[] gemmOnly = new double[features * features];
    SymmetricGram.addUpper(h, gemmOnly);
    for (int i = 0; i < features; i++) {
      for (int j = i; j < features; j++) {
        double expected = gemmOnly[i * features + j];
        assertThat(Math.abs(withSyrk[i * features + j] - expected)).as("G[%d][%d]", i, j)
            .isLessThanOrEqualTo(1e-5 * Math.max(1, Math.abs(expected)));
      }
    }
  }

  @Test
  void theProbeAcceptsTheTrueBlockAndRejectsOneWrongEntry() {
    int rows = 500;
    int s = 300;
    Nd4j.getRandom().setSeed(5);
    INDArray h = Nd4j.rand(DataType.FLOAT, rows, s).dup('c');
    float[] block = h.transpose().mmul(h).dup('c').data().asFloat();
    FloatPointer data = (FloatPointer) h.data().addressPointer();
    assertThat(VerifiedSyrk.check(data, true, rows, s, 0, s, block, s)).isNull();

    float typical = block[17 * s + 40];
    block[17 * s + 40] += typical; // one entry of the upper triangle twice its value
    assertThat(VerifiedSyrk.check(data, true, rows, s, 0, s, block, s)).contains("relative error");
  }

  @Test
  void theProbeRejectsNaN() {
    int rows = 40;
    int s = 20;
    INDArray h = Nd4j.rand(DataType.FLOAT, rows, s).dup('c');
    float[] block = h.transpose().mmul(h).dup('c').data().asFloat();
    block[3 * s + 5] = Float.NaN;
    assertThat(VerifiedSyrk.check((FloatPointer) h.data().addressPointer(), true, rows, s, 0, s, block, s))
        .isNotNull();
  }
}
