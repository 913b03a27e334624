package io.autoactivator.model.linalg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class SymmetricGramTest {

  @ParameterizedTest(name = "rows={0}, features={1}, order={2}")
  @CsvSource({"50,1,c", "300,1023,c", "300,1025,f", "7,2100,c", "64,130,f"})
  void accumulatesTheUpperTriangleOfHtHInDouble(int rows, int features, char order) {
    Nd4j.getRandom().setSeed(rows + features);
    INDArray h = Nd4j.rand(DataType.FLOAT, rows, features).dup(order);
    double[] gram = new double[features * features];
    SymmetricGram.addUpper(h, gram);
    SymmetricGram.addUpper(h, gram); // accumulates
    SymmetricGram.mirrorUpper(gram, features);
    float[] values = h.dup('c').data().asFloat();
    for (int i = 0; i < features; i += Math.max(1, features / 37)) {
      for (int j = 0; j < features; j += Math.max(1, features / 41)) {
        double expected = 0;
        for (int r = 0; r < rows; r++) {
          expected += (double) values[r * features + i] * values[r * features + j];
        }
        assertThat(gram[i * features + j]).as("G[%d][%d]", i, j).isCloseTo(2 * expected,
            within(1e-5 * Math.max(1, expected)));
      }
    }
  }
}
