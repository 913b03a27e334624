package io.autoactivator.model.linalg;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;
import org.ejml.interfaces.linsol.LinearSolverDense;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Solves the symmetric systems {@code A X = B} of least-squares fits (normal equations, Gram matrices) with EJML's
 * Cholesky decomposition, in double precision whatever the input type: normal equations square the condition
 * number, so the Gram matrix is solved in double even when the features are float.
 *
 * <p>Why not ND4J or the LAPACK that ND4J's OpenBLAS carries: {@code InvertMatrix} takes a minute on 1000x1000, the
 * cholesky op rejects gemm output that is not bit-symmetric, the raw lapack wrappers crashed the JVM
 * (shared/research/dependencies.md), and OpenBLAS 0.3.19's AVX512 ({@code SkylakeX}) {@code dpotrf} kernel reports
 * well-conditioned Gram matrices as not positive-definite on our CPUs (checked: info=18 on a 60x60 Gram of 400
 * Gaussian rows, correct with {@code OPENBLAS_CORETYPE=Haswell}). EJML is pure Java, so results are also identical on
 * every machine, which keeps snapshots deterministic. The products that build A and B stay on ND4J (fast gemm).
 */
public final class SymmetricSolver {

  private SymmetricSolver() {
  }

  /**
   * Solves {@code A X = B} for a symmetric positive-definite {@code A} by Cholesky; when {@code A} is not numerically
   * positive-definite it falls back to an LU decomposition with pivoting.
   *
   * @param a n x n, symmetric
   * @param b n x m right-hand sides
   * @return X, n x m, in double precision
   * @throws SingularSystemException when A is singular
   */
  public static INDArray solve(INDArray a, INDArray b) {
    return solveRidge(a, b, 0.0);
  }

  /**
   * Solves {@code (A + ridge I) X = B} without modifying {@code a}: the ridge keeps the normal equations of a
   * least-squares fit well-posed when features are collinear.
   */
  public static INDArray solveRidge(INDArray a, INDArray b, double ridge) {
    checkShapes(a, b);
    int n = (int) a.rows();
    int m = (int) b.columns();
    double[] matrix = toRowMajor(a);
    for (int i = 0; i < n; i++) {
      matrix[i * n + i] += ridge;
    }
    double[] x = solve(matrix, toRowMajor(b), n, m);
    return Nd4j.create(x, new long[] {n, m}, DataType.DOUBLE);
  }

  /**
   * Solves on plain row-major arrays. {@code a} (n x n) and {@code b} (n x m) are not modified.
   *
   * @return X, row-major n x m
   */
  public static double[] solve(double[] a, double[] b, int n, int m) {
    if (a.length != (long) n * n || b.length != (long) n * m) {
      throw new IllegalArgumentException("array sizes do not match n=" + n + ", m=" + m);
    }
    if (n == 0) {
      return new double[0];
    }
    DMatrixRMaj rhs = DMatrixRMaj.wrap(n, m, b.clone());
    DMatrixRMaj x = new DMatrixRMaj(n, m);
    LinearSolverDense<DMatrixRMaj> cholesky = LinearSolverFactory_DDRM.chol(n);
    if (cholesky.setA(DMatrixRMaj.wrap(n, n, a.clone()))) {
      cholesky.solve(rhs, x);
      if (allFinite(x.data)) {
        return x.data;
      }
    }
    LinearSolverDense<DMatrixRMaj> lu = LinearSolverFactory_DDRM.lu(n);
    if (!lu.setA(DMatrixRMaj.wrap(n, n, a.clone())) || lu.quality() < 1e-14) {
      throw new SingularSystemException("the " + n + "x" + n + " system is singular; increase the ridge"
          + " regularisation");
    }
    lu.solve(DMatrixRMaj.wrap(n, m, b.clone()), x);
    if (!allFinite(x.data)) {
      throw new SingularSystemException("the " + n + "x" + n + " system has no finite solution; increase the ridge"
          + " regularisation");
    }
    return x.data;
  }

  private static boolean allFinite(double[] values) {
    for (double value : values) {
      if (!Double.isFinite(value)) {
        return false;
      }
    }
    return true;
  }

  private static void checkShapes(INDArray a, INDArray b) {
    if (a.rank() != 2 || b.rank() != 2 || a.columns() != a.rows() || b.rows() != a.rows()) {
      throw new IllegalArgumentException("shape mismatch: A is " + java.util.Arrays.toString(a.shape())
          + ", B is " + java.util.Arrays.toString(b.shape()));
    }
  }

  private static double[] toRowMajor(INDArray matrix) {
    INDArray doubles = matrix.dataType() == DataType.DOUBLE ? matrix : matrix.castTo(DataType.DOUBLE);
    return doubles.dup('c').data().asDouble();
  }
}
