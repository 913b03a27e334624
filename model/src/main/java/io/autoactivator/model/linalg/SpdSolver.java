package io.autoactivator.model.linalg;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One-call solves and inverses of dense symmetric positive-definite systems through the blocked {@link Cholesky}:
 * the fast path for ridge-regularised Gram matrices of thousands of features (about LAPACK speed; EJML's
 * {@link SymmetricSolver} is the small-matrix and non-SPD fallback). Everything is computed in double precision
 * whatever the input type, since normal equations square the condition number.
 */
public final class SpdSolver {

  private SpdSolver() {
  }

  /**
   * Solves {@code (A + ridge I) X = B} on row-major arrays; neither input is modified and only the lower triangle
   * of {@code a} is read.
   *
   * @param a n x n, symmetric
   * @param b n x m
   * @return X, n x m row-major
   * @throws SingularSystemException when {@code A + ridge I} is not numerically positive-definite
   */
  public static double[] solve(double[] a, double[] b, int n, int m, double ridge) {
    try (Cholesky factor = Cholesky.factor(a, n, ridge)) {
      return factor.solve(b, m);
    }
  }

  /** {@link #solve(double[], double[], int, int, double)} without a ridge. */
  public static double[] solve(double[] a, double[] b, int n, int m) {
    return solve(a, b, n, m, 0.0);
  }

  /** {@code (A + ridge I)^-1}, n x n row-major and exactly symmetric. */
  public static double[] inverse(double[] a, int n, double ridge) {
    try (Cholesky factor = Cholesky.factor(a, n, ridge)) {
      return factor.inverse();
    }
  }

  /**
   * Solves {@code A X = B} for ND4J matrices (any float type, any ordering).
   *
   * @return X, n x m, DOUBLE
   */
  public static INDArray solve(INDArray a, INDArray b) {
    checkSquare(a);
    if (b.rank() != 2 || b.rows() != a.rows()) {
      throw new IllegalArgumentException("B must have " + a.rows() + " rows, got " + java.util.Arrays.toString(
          b.shape()));
    }
    int n = (int) a.rows();
    int m = (int) b.columns();
    return Nd4j.create(solve(rowMajor(a), rowMajor(b), n, m), new long[] {n, m}, DataType.DOUBLE);
  }

  /** {@code A^-1} for an ND4J matrix, DOUBLE. */
  public static INDArray inverse(INDArray a) {
    checkSquare(a);
    int n = (int) a.rows();
    return Nd4j.create(inverse(rowMajor(a), n, 0.0), new long[] {n, n}, DataType.DOUBLE);
  }

  private static void checkSquare(INDArray a) {
    if (a.rank() != 2 || a.rows() != a.columns()) {
      throw new IllegalArgumentException("A must be square, got " + java.util.Arrays.toString(a.shape()));
    }
  }

  private static double[] rowMajor(INDArray matrix) {
    INDArray doubles = matrix.dataType() == DataType.DOUBLE ? matrix : matrix.castTo(DataType.DOUBLE);
    return doubles.dup('c').data().asDouble();
  }
}
