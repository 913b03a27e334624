package io.autoactivator.model.linalg;

import org.bytedeco.javacpp.DoublePointer;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.decomposition.TriangularSolver_DDRM;
import org.ejml.dense.row.decomposition.chol.CholeskyDecompositionInner_DDRM;

/**
 * The Cholesky factor {@code A = L L^T} of a dense symmetric positive-definite matrix, computed and applied at
 * BLAS-3 speed: a right-looking blocked factorisation whose panel and trailing updates are double gemm calls of the
 * bundled OpenBLAS ({@link Gemm}), with the small diagonal blocks factored and inverted by EJML (pure Java, exact
 * and deterministic). Solves with many right-hand sides are blocked the same way, so every O(n^2 m) or O(n^3) flop
 * runs in gemm.
 *
 * <p>Why: EJML alone factors 9,000 features in minutes, and OpenBLAS 0.3.19's own {@code dpotrf}/{@code dsyrk}
 * kernels are wrong on our AVX-512 CPUs (shared/research/dependencies.md); gemm is correct and fast there. The
 * triangular blocks are applied as gemm with their explicit inverses (computed by EJML), the usual trade of a
 * little backward stability for speed; for the ridge-regularised Gram matrices solved here the results agree with
 * EJML's Cholesky to about 1e-12 relative (see the tests).
 *
 * <p>The factor lives off-heap (n^2 doubles); {@link #close()} frees it, and a factor is not thread-safe. Only the
 * lower triangle of the input is read, so a Gram matrix accumulated in its upper blocks must be mirrored first.
 */
public final class Cholesky implements AutoCloseable {

  /** Columns per block: large enough for gemm to run near peak, small enough for EJML's diagonal work to vanish. */
  static final int BLOCK = 256;
  /** The largest diagonal block EJML factors and inverts; larger ones are blocked again (see factorDiagonal). */
  static final int SMALL_BLOCK = 64;

  private final int n;
  private final int block;
  private DoublePointer factor;
  /** Inverses of the diagonal blocks of L, block after block, each b x b row-major. */
  private final double[][] inverseDiagonal;

  private Cholesky(int n, int block, DoublePointer factor, double[][] inverseDiagonal) {
    this.n = n;
    this.block = block;
    this.factor = factor;
    this.inverseDiagonal = inverseDiagonal;
  }

  /**
   * Factors {@code A + ridge I} without modifying {@code a}.
   *
   * @param a     n x n row-major, symmetric (only the lower triangle is read)
   * @param ridge added to the diagonal (0 for none)
   * @throws SingularSystemException when {@code A + ridge I} is not numerically positive-definite
   */
  public static Cholesky factor(double[] a, int n, double ridge) {
    return factor(a, n, ridge, BLOCK);
  }

  static Cholesky factor(double[] a, int n, double ridge, int block) {
    return factor(a, n, ridge, block, SMALL_BLOCK);
  }

  /** @param small the largest diagonal block EJML factors directly ({@code >= block}: all of them) */
  static Cholesky factor(double[] a, int n, double ridge, int block, int small) {
    if (n < 0 || a.length != (long) n * n) {
      throw new IllegalArgumentException("a has " + a.length + " values, expected " + n + " x " + n);
    }
    if (block < 1) {
      throw new IllegalArgumentException("block must be >= 1");
    }
    DoublePointer l = new DoublePointer(Math.max(1L, (long) n * n));
    try {
      l.put(a, 0, a.length);
      if (ridge != 0) {
        for (long i = 0; i < n; i++) {
          l.put(i * n + i, l.get(i * n + i) + ridge);
        }
      }
      int blocks = (n + block - 1) / block;
      double[][] inverses = new double[blocks][];
      DoublePointer panel = new DoublePointer(Math.max(1L, (long) n * block));
      try {
        for (int kb = 0; kb < blocks; kb++) {
          inverses[kb] = factorStep(l, panel, n, kb * block, Math.min(block, n - kb * block), small);
        }
      } finally {
        panel.close();
      }
      return new Cholesky(n, block, l, inverses);
    } catch (RuntimeException | Error e) {
      l.close();
      throw e;
    }
  }

  /** One right-looking step at column k0 (block width b); returns the inverse of the diagonal block of L. */
  private static double[] factorStep(DoublePointer l, DoublePointer panel, int n, int k0, int b, int small) {
    // 1. the diagonal block (EJML on 64 x 64 blocks, gemm between them)
    double[] diagonal = new double[b * b];
    for (int i = 0; i < b; i++) {
      l.position((long) (k0 + i) * n + k0).get(diagonal, i * b, i + 1); // lower triangle of row i
    }
    l.position(0);
    for (int i = 0; i < b; i++) {
      for (int j = i + 1; j < b; j++) {
        diagonal[i * b + j] = diagonal[j * b + i];
      }
    }
    double[][] factored;
    try {
      factored = factorDiagonal(diagonal, b, small);
    } catch (SingularSystemException e) {
      throw new SingularSystemException("the matrix is not positive-definite (pivot block at column " + k0
          + " of " + n + "); increase the ridge regularisation");
    }
    double[] lower = factored[0];
    double[] inverse = factored[1];
    for (int i = 0; i < b; i++) {
      l.position((long) (k0 + i) * n + k0).put(lower, i * b, i + 1);
    }
    l.position(0);
    int m = n - k0 - b;
    if (m == 0) {
      return inverse;
    }
    // 2. the panel below: L21 = A21 L11^-T, computed into `panel` (m x b) and copied back
    try (DoublePointer inv = new DoublePointer(inverse)) {
      Gemm.dgemm(false, true, m, b, b, 1.0, l, (long) (k0 + b) * n + k0, n, inv, 0, b, 0.0, panel, 0, b);
    }
    for (int i = 0; i < m; i++) {
      copy(panel, (long) i * b, l, (long) (k0 + b + i) * n + k0, b);
    }
    // 3. the trailing lower triangle, one block column at a time: A22[j:, j-block] -= L21[j:] L21[j-block]^T
    for (int j0 = k0 + b; j0 < n; j0 += b) {
      int width = Math.min(b, n - j0);
      int rows = n - j0;
      int p = j0 - k0 - b;
      Gemm.dgemm(false, true, rows, width, b, -1.0, panel, (long) p * b, b, panel, (long) p * b, b, 1.0, l,
          (long) j0 * n + j0, n);
    }
    return inverse;
  }

  /**
   * {L, L^-1} of a diagonal block (b x b, symmetric, row-major). Up to {@value #SMALL_BLOCK} columns by EJML; a
   * larger block is itself factored blocked at {@value #SMALL_BLOCK} (its panels and trailing updates by gemm) and
   * inverted by a blocked forward solve of the identity, so that EJML's O(b^3) Java loops only ever see small blocks.
   *
   * @throws SingularSystemException when the block is not numerically positive-definite
   */
  private static double[][] factorDiagonal(double[] diagonal, int b, int small) {
    if (b > small) {
      try (Cholesky inner = factor(diagonal, b, 0, small, small)) {
        double[] identity = new double[b * b];
        for (int i = 0; i < b; i++) {
          identity[i * b + i] = 1;
        }
        return new double[][] {inner.lower(), inner.forwardSolve(identity, b)};
      }
    }
    CholeskyDecompositionInner_DDRM chol = new CholeskyDecompositionInner_DDRM(true);
    if (!chol.decompose(DMatrixRMaj.wrap(b, b, diagonal)) || !finiteDiagonal(chol.getT(null).data, b)) {
      throw new SingularSystemException("the diagonal block is not positive-definite");
    }
    double[] lower = chol.getT(null).data;
    double[] inverse = new double[b * b];
    for (int i = 0; i < b; i++) {
      System.arraycopy(lower, i * b, inverse, i * b, i + 1);
    }
    TriangularSolver_DDRM.invertLower(inverse, b);
    return new double[][] {lower, inverse};
  }

  private static boolean finiteDiagonal(double[] lower, int b) {
    for (int i = 0; i < b; i++) {
      double d = lower[i * b + i];
      if (!(d > 0) || !Double.isFinite(d)) {
        return false;
      }
    }
    return true;
  }

  /** Copies {@code count} doubles between off-heap buffers, at offsets from their current positions. */
  static void copy(DoublePointer from, long fromOffset, DoublePointer to, long toOffset, int count) {
    DoublePointer src = new DoublePointer(from).position(from.position() + fromOffset).limit(from.position()
        + fromOffset + count);
    DoublePointer dst = new DoublePointer(to).position(to.position() + toOffset).limit(to.position() + toOffset
        + count);
    dst.put(src);
  }

  /** The order n. */
  public int size() {
    return n;
  }

  /**
   * Solves {@code A X = B}.
   *
   * @param b n x m row-major right-hand sides (not modified)
   * @return X, n x m row-major
   */
  public double[] solve(double[] b, int m) {
    return apply(b, m, true);
  }

  /**
   * {@code L^-1 B}, the forward half of a solve: the squared norm of column i is {@code b_i^T A^-1 b_i} (a
   * leverage, as leave-one-out validation needs), at half the cost of {@link #solve}.
   *
   * @param b n x m row-major (not modified)
   * @return L^-1 B, n x m row-major
   */
  public double[] forwardSolve(double[] b, int m) {
    return apply(b, m, false);
  }

  private double[] apply(double[] b, int m, boolean backward) {
    if (m < 0 || b.length != (long) n * m) {
      throw new IllegalArgumentException("b has " + b.length + " values, expected " + n + " x " + m);
    }
    DoublePointer l = open();
    if (n == 0 || m == 0) {
      return new double[b.length];
    }
    try (DoublePointer x = new DoublePointer(b); DoublePointer scratch = new DoublePointer((long) block * m);
        DoublePointer inv = new DoublePointer((long) block * block)) {
      int blocks = inverseDiagonal.length;
      // forward: L Y = B
      for (int kb = 0; kb < blocks; kb++) {
        int i0 = kb * block;
        int w = Math.min(block, n - i0);
        Gemm.dgemm(false, false, w, m, i0, -1.0, l, (long) i0 * n, n, x, 0, m, 1.0, x, (long) i0 * m, m);
        applyInverse(inverseDiagonal[kb], false, inv, x, scratch, i0, w, m);
      }
      // backward: L^T X = Y
      for (int kb = backward ? blocks - 1 : -1; kb >= 0; kb--) {
        int i0 = kb * block;
        int w = Math.min(block, n - i0);
        int i1 = i0 + w;
        Gemm.dgemm(true, false, w, m, n - i1, -1.0, l, (long) i1 * n + i0, n, x, (long) i1 * m, m, 1.0, x,
            (long) i0 * m, m);
        applyInverse(inverseDiagonal[kb], true, inv, x, scratch, i0, w, m);
      }
      double[] out = new double[b.length];
      x.get(out);
      if (!allFinite(out)) {
        throw new SingularSystemException("the " + n + "x" + n + " system has no finite solution; increase the"
            + " ridge regularisation");
      }
      return out;
    }
  }

  /** x[i0 : i0+w] = Linv (or Linv^T) x[i0 : i0+w], through the scratch buffer. */
  private static void applyInverse(double[] inverse, boolean transpose, DoublePointer inv, DoublePointer x,
      DoublePointer scratch, int i0, int w, int m) {
    inv.position(0).put(inverse, 0, w * w);
    inv.position(0);
    Gemm.dgemm(transpose, false, w, m, w, 1.0, inv, 0, w, x, (long) i0 * m, m, 0.0, scratch, 0, m);
    copy(scratch, 0, x, (long) i0 * m, w * m);
  }

  /** {@code A^-1}, n x n row-major and exactly symmetric. Costs about three factorisations: prefer {@link #solve}. */
  public double[] inverse() {
    double[] identity = new double[Math.multiplyExact(n, n)];
    for (int i = 0; i < n; i++) {
      identity[i * n + i] = 1.0;
    }
    double[] inverse = solve(identity, n);
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        double mean = 0.5 * (inverse[i * n + j] + inverse[j * n + i]);
        inverse[i * n + j] = mean;
        inverse[j * n + i] = mean;
      }
    }
    return inverse;
  }

  /** L, n x n row-major lower-triangular (zeros above the diagonal). */
  public double[] lower() {
    DoublePointer l = open();
    double[] out = new double[Math.multiplyExact(n, n)];
    for (int i = 0; i < n; i++) {
      l.position((long) i * n).get(out, i * n, i + 1);
    }
    l.position(0);
    return out;
  }

  private DoublePointer open() {
    if (factor == null) {
      throw new IllegalStateException("this Cholesky factor was closed");
    }
    return factor;
  }

  private static boolean allFinite(double[] values) {
    for (double v : values) {
      if (!Double.isFinite(v)) {
        return false;
      }
    }
    return true;
  }

  /** Frees the off-heap factor. */
  @Override
  public void close() {
    if (factor != null) {
      factor.close();
      factor = null;
    }
  }
}
