package io.autoactivator.model.linalg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class SymmetricSolverTest {

  @Test
  void solvesASmallSystemComputedByHand() {
    // [4 1; 1 3] x = [1; 2]  =>  x = [1/11; 7/11]
    double[] x = SymmetricSolver.solve(new double[] {4, 1, 1, 3}, new double[] {1, 2}, 2, 1);
    assertThat(x[0]).isCloseTo(1.0 / 11, within(1e-12));
    assertThat(x[1]).isCloseTo(7.0 / 11, within(1e-12));
  }

  @Test
  void solvesNormalEquationsOfARandomLeastSquaresProblemWithSmallResidual() {
    Random random = new Random(7);
    int rows = 400;
    int cols = 60;
    double[][] h = new double[rows][cols];
    for (double[] row : h) {
      for (int j = 0; j < cols; j++) {
        row[j] = random.nextGaussian();
      }
    }
    INDArray features = Nd4j.create(h).castTo(DataType.FLOAT);
    INDArray truth = Nd4j.rand(DataType.FLOAT, cols, 3);
    INDArray targets = features.mmul(truth);
    INDArray gram = features.transpose().mmul(features);
    INDArray rhs = features.transpose().mmul(targets);

    INDArray solution = SymmetricSolver.solve(gram, rhs);

    assertThat(solution.shape()).containsExactly(cols, 3);
    double error = solution.castTo(DataType.FLOAT).sub(truth).norm2Number().doubleValue();
    assertThat(error / truth.norm2Number().doubleValue()).isLessThan(1e-4);
  }

  @Test
  void ridgeIsAddedWithoutTouchingTheInput() {
    INDArray a = Nd4j.create(new double[][] {{1, 0}, {0, 1}});
    INDArray b = Nd4j.create(new double[][] {{2}, {4}});
    INDArray x = SymmetricSolver.solveRidge(a, b, 1.0);
    assertThat(x.getDouble(0, 0)).isCloseTo(1.0, within(1e-12));
    assertThat(x.getDouble(1, 0)).isCloseTo(2.0, within(1e-12));
    assertThat(a.getDouble(0, 0)).isEqualTo(1.0);
  }

  @Test
  void indefiniteButRegularSystemsAreStillSolvedByLu() {
    // [0 1; 1 0] x = [2; 3]  =>  x = [3; 2]
    double[] x = SymmetricSolver.solve(new double[] {0, 1, 1, 0}, new double[] {2, 3}, 2, 1);
    assertThat(x).containsExactly(new double[] {3, 2}, within(1e-12));
  }

  @Test
  void singularSystemsFailWithAClearMessage() {
    assertThatThrownBy(() -> SymmetricSolver.solve(new double[] {1, 1, 1, 1}, new double[] {1, 2}, 2, 1))
        .isInstanceOf(SingularSystemException.class)
        .hasMessageContaining("singular");
  }
}
