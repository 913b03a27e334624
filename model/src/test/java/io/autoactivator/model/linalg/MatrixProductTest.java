package io.autoactivator.model.linalg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * {@code MatrixProduct.times(a, b)} is {@code a.mmul(b)}: the same numbers, in a new row-major matrix, for floats and
 * doubles, for views of larger matrices, single rows and column-major operands; shapes that do not chain are
 * refused, and an empty inner dimension gives zeros.
 */
class MatrixProductTest {

  private static INDArray random(DataType type, long rows, long columns, long seed) {
    Nd4j.getRandom().setSeed(seed);
    return Nd4j.rand(type, rows, columns).subi(0.5);
  }

  @ParameterizedTest
  @ValueSource(strings = {"FLOAT", "DOUBLE"})
  void givesMmulsNumbersInARowMajorMatrix(String typeName) {
    DataType type = DataType.valueOf(typeName);
    INDArray a = random(type, 37, 19, 1);
    INDArray b = random(type, 19, 23, 2);

    INDArray product = MatrixProduct.times(a, b);

    assertThat(product.ordering()).isEqualTo('c');
    assertThat(product.dataType()).isEqualTo(type);
    assertThat(product.shape()).containsExactly(37, 23);
    assertThat(product.equalsWithEps(a.mmul(b), type == DataType.FLOAT ? 1e-5 : 1e-12)).isTrue();
  }

  @Test
  void readsViewsOfLargerMatricesAndSingleRows() {
    INDArray big = random(DataType.FLOAT, 50, 30, 3);
    INDArray rows = big.get(NDArrayIndex.interval(10, 20), NDArrayIndex.all());
    INDArray b = random(DataType.FLOAT, 30, 7, 4);

    assertThat(MatrixProduct.times(rows, b).equalsWithEps(rows.dup('c').mmul(b), 1e-5)).isTrue();
    INDArray one = big.getRow(5, true);
    assertThat(MatrixProduct.times(one, b).equalsWithEps(one.dup('c').mmul(b), 1e-5)).isTrue();
    INDArray columnMajor = b.dup('f');
    assertThat(MatrixProduct.times(rows, columnMajor).equalsWithEps(rows.mmul(b), 1e-5)).isTrue();
  }

  @Test
  void shapesThatDoNotChainAreRefused() {
    INDArray a = random(DataType.FLOAT, 4, 3, 5);
    assertThatThrownBy(() -> MatrixProduct.times(a, random(DataType.FLOAT, 4, 2, 7)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot multiply 4 x 3 by 4 x 2");
  }

  @Test
  void emptyProductsAreZero() {
    INDArray a = Nd4j.create(DataType.FLOAT, 3, 0);
    INDArray b = Nd4j.create(DataType.FLOAT, 0, 2);
    assertThat(MatrixProduct.times(a, b)).isEqualTo(Nd4j.zeros(DataType.FLOAT, 3, 2));
  }
}
