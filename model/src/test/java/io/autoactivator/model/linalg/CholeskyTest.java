package io.autoactivator.model.linalg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;
import org.ejml.interfaces.linsol.LinearSolverDense;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class CholeskyTest {

  /** A random SPD matrix H^T H / rows + ridge I of order n, like the Gram matrices we solve. */
  static double[] randomSpd(int n, long seed) {
    Random random = new Random(seed);
    int rows = n + 20;
    DMatrixRMaj h = new DMatrixRMaj(rows, n);
    for (int i = 0; i < h.data.length; i++) {
      h.data[i] = random.nextDouble();
    }
    DMatrixRMaj a = new DMatrixRMaj(n, n);
    CommonOps_DDRM.multTransA(h, h, a);
    for (int i = 0; i < n; i++) {
      a.data[i * n + i] += 1.0;
    }
    return a.data;
  }

  static double[] random(int n, int m, long seed) {
    Random random = new Random(seed);
    double[] b = new double[n * m];
    for (int i = 0; i < b.length; i++) {
      b[i] = random.nextGaussian();
    }
    return b;
  }

  static double[] ejmlSolve(double[] a, double[] b, int n, int m) {
    LinearSolverDense<DMatrixRMaj> chol = LinearSolverFactory_DDRM.chol(n);
    assertThat(chol.setA(DMatrixRMaj.wrap(n, n, a.clone()))).isTrue();
    DMatrixRMaj x = new DMatrixRMaj(n, m);
    chol.solve(DMatrixRMaj.wrap(n, m, b.clone()), x);
    return x.data;
  }

  static double relativeError(double[] actual, double[] expected) {
    double diff = 0;
    double norm = 0;
    for (int i = 0; i < expected.length; i++) {
      diff += (actual[i] - expected[i]) * (actual[i] - expected[i]);
      norm += expected[i] * expected[i];
    }
    return Math.sqrt(diff / Math.max(norm, Double.MIN_NORMAL));
  }

  @ParameterizedTest(name = "n={0}, block={1}, m={2}")
  @CsvSource({"1,256,1", "255,256,10", "256,256,3", "257,256,10", "1000,256,10", "1,4,2", "3,4,1", "4,4,3",
      "5,4,2", "9,4,7", "37,8,5", "300,64,0"})
  void solvesLikeEjmlAtAwkwardSizes(int n, int block, int m) {
    double[] a = randomSpd(n, n);
    double[] b = random(n, m, n + 1);
    double[] expected = ejmlSolve(a, b, n, m);
    double[] aCopy = a.clone();
    try (Cholesky factor = Cholesky.factor(a, n, 0.0, block)) {
      double[] x = factor.solve(b, m);
      assertThat(relativeError(x, expected)).isLessThan(1e-10);
      DMatrixRMaj l = DMatrixRMaj.wrap(n, n, factor.lower());
      DMatrixRMaj llt = new DMatrixRMaj(n, n);
      CommonOps_DDRM.multTransB(l, l, llt);
      assertThat(relativeError(llt.data, a)).isLessThan(1e-13);
    }
    assertThat(java.util.Arrays.equals(a, aCopy)).as("input unchanged").isTrue();
  }

  @ParameterizedTest(name = "n={0}, block={1}, m={2}")
  @CsvSource({"1,256,1", "257,256,4", "300,64,7", "9,4,3"})
  void forwardSolveGivesTheLeveragesOfTheColumns(int n, int block, int m) {
    double[] a = randomSpd(n, n + 7);
    double[] b = random(n, m, n + 8);
    double[] aInverseB = ejmlSolve(a, b, n, m);
    try (Cholesky factor = Cholesky.factor(a, n, 0.0, block)) {
      double[] half = factor.forwardSolve(b, m);
      for (int col = 0; col < m; col++) {
        double norm = 0;
        double quadratic = 0;
        for (int i = 0; i < n; i++) {
          norm += half[i * m + col] * half[i * m + col];
          quadratic += b[i * m + col] * aInverseB[i * m + col];
        }
        assertThat(norm).as("||L^-1 b||^2 = b^T A^-1 b, column " + col).isCloseTo(quadratic,
            org.assertj.core.data.Offset.offset(1e-10 * Math.abs(quadratic)));
      }
    }
  }

  @Test
  void onlyTheLowerTriangleIsReadAndTheRidgeIsAddedToACopy() {
    int n = 300;
    double[] a = randomSpd(n, 3);
    double[] b = random(n, 2, 4);
    double[] shifted = a.clone();
    for (int i = 0; i < n; i++) {
      shifted[i * n + i] += 2.5;
    }
    double[] expected = ejmlSolve(shifted, b, n, 2);
    double[] upperGarbage = a.clone();
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        upperGarbage[i * n + j] = Double.NaN;
      }
    }
    assertThat(relativeError(SpdSolver.solve(upperGarbage, b, n, 2, 2.5), expected)).isLessThan(1e-10);
    assertThat(upperGarbage[1]).isNaN();
    assertThat(upperGarbage[0]).isEqualTo(a[0]);
  }

  @Test
  void inverseTimesMatrixIsTheIdentity() {
    int n = 513;
    double[] a = randomSpd(n, 5);
    double[] inverse = SpdSolver.inverse(a, n, 0.0);
    DMatrixRMaj product = new DMatrixRMaj(n, n);
    CommonOps_DDRM.mult(DMatrixRMaj.wrap(n, n, a), DMatrixRMaj.wrap(n, n, inverse), product);
    double worst = 0;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        worst = Math.max(worst, Math.abs(product.data[i * n + j] - (i == j ? 1 : 0)));
      }
    }
    assertThat(worst).isLessThan(1e-9);
    assertThat(inverse[1]).isEqualTo(inverse[n]);
  }

  @ParameterizedTest(name = "n={0}")
  @CsvSource({"1", "6", "300"})
  void singularAndIndefiniteMatricesAreRejected(int n) {
    double[] zero = new double[n * n];
    assertThatThrownBy(() -> SpdSolver.solve(zero, new double[n], n, 1)).isInstanceOf(SingularSystemException.class)
        .hasMessageContaining("not positive-definite");
    double[] indefinite = randomSpd(n, 9);
    indefinite[(n - 1) * n + (n - 1)] = -1e9; // the last pivot goes negative, in the last block
    assertThatThrownBy(() -> SpdSolver.solve(indefinite, new double[n], n, 1))
        .isInstanceOf(SingularSystemException.class);
  }

  @Test
  void rankDeficientGramIsRejected() {
    int n = 400;
    DMatrixRMaj h = new DMatrixRMaj(100, n); // rank <= 100
    Random random = new Random(1);
    for (int i = 0; i < h.data.length; i++) {
      h.data[i] = random.nextGaussian();
    }
    DMatrixRMaj a = new DMatrixRMaj(n, n);
    CommonOps_DDRM.multTransA(h, h, a);
    assertThatThrownBy(() -> SpdSolver.solve(a.data, new double[n], n, 1))
        .isInstanceOf(SingularSystemException.class);
  }

  @Test
  void emptyAndMismatchedInputs() {
    assertThat(SpdSolver.solve(new double[0], new double[0], 0, 3)).isEmpty();
    assertThatThrownBy(() -> SpdSolver.solve(new double[3], new double[1], 2, 1))
        .isInstanceOf(IllegalArgumentException.class);
    Cholesky factor = Cholesky.factor(new double[] {4}, 1, 0.0);
    factor.close();
    assertThatThrownBy(() -> factor.solve(new double[] {1}, 1)).isInstanceOf(IllegalStateException.class);
  }
}
