package io.autoactivator.model.linalg;

import java.util.Arrays;

import org.bytedeco.javacpp.DoublePointer;

/**
 * A Gram matrix {@code G = sum_i phi_i phi_i^T} of f columns kept as its upper-trapezoidal factor R (r x f,
 * {@code G = R^T R}, r = min(rows added, f)), grown by appending rows with a Householder QR update: R' is the R of
 * {@code [R; Phi] = Q R'}. While fewer rows than columns have been added, this is the smaller exact form of G (r x f
 * numbers instead of f^2/2), and every ridge solve {@code (G + ridge I)^-1} reduces to an r x r system (Woodbury):
 * what a table of a few hundred rows read through 2,500 random features needs.
 *
 * <p>Why not keep the rows: R carries exactly the information of G and nothing more. For rows whose leading r x r
 * block is non-singular (the generic case), R is the unique upper-trapezoidal factor of G with a positive diagonal
 * (rows are sign-normalised), so no sample can be read back from it - the property that makes the Gram a
 * rehearsal-free statistic.
 *
 * <p>How: the update is blocked like LAPACK's {@code dgeqrf}. Phase 1 eliminates the new rows' first r columns
 * against R's rows, panel by panel: the panel's reflectors are formed in Java (each has one entry on an R row and n on
 * the new rows), gathered into the compact WY form {@code I - V T V^T}, and applied to the trailing columns by three
 * double gemm calls of the bundled OpenBLAS ({@link Gemm}). Phase 2 factors what is left of the new rows (columns r
 * and beyond) by a QR of its leading block, whose explicit Q is applied to the rest by one gemm. The new rows are
 * taken a chunk of {@value #PANEL} at a time (each chunk's phase 2 adds its rows to R before the next chunk's phase 1),
 * so every O(n r f) or O(n^2 f) flop runs in gemm and the Java work is O(panel (r + n) n). An instance is immutable.
 */
public final class RowFactor {

  /** Columns per panel of phase 1 (32, 64, 128, 256 measured at r = 1,150, n = 290, F = 2,500: 64 fastest). */
  static final int PANEL = 64;

  private final int features;
  private final int rows;
  /** R, rows x features row-major; zero below the diagonal. */
  private final double[] values;
  /** Cached by {@link #meanDiagonal()} (racy but idempotent: every thread computes the same value). */
  private volatile double meanDiagonal = Double.NaN;

  private RowFactor(int features, int rows, double[] values) {
    this.features = features;
    this.rows = rows;
    this.values = values;
  }

  /** The factor of the zero Gram of {@code features} columns (no rows yet). */
  public static RowFactor empty(int features) {
    if (features < 1) {
      throw new IllegalArgumentException("features must be >= 1");
    }
    return new RowFactor(features, 0, new double[0]);
  }

  /**
   * A factor read back from its values (what {@link #values()} returned).
   *
   * @throws IllegalArgumentException when the shapes disagree, a value is not finite, or R has a value below its
   *                                  diagonal
   */
  public static RowFactor of(int features, int rows, double[] values) {
    if (features < 1 || rows < 0 || rows > features || values.length != (long) rows * features) {
      throw new IllegalArgumentException("a factor of " + rows + " x " + features + " needs " + (long) rows * features
          + " values, got " + values.length);
    }
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < features; j++) {
        double v = values[i * features + j];
        if (!Double.isFinite(v) || (j < i && v != 0)) {
          throw new IllegalArgumentException("row " + i + " of the factor has " + v + " at column " + j);
        }
      }
    }
    return new RowFactor(features, rows, values.clone());
  }

  public int features() {
    return features;
  }

  /** r: the rows of R, min(rows added, features). */
  public int rows() {
    return rows;
  }

  /** R, rows x features row-major (a copy). */
  public double[] values() {
    return values.clone();
  }

  /** The mean of G's diagonal: the sum of R's squares over f (computed once). */
  public double meanDiagonal() {
    if (Double.isNaN(meanDiagonal)) {
      double sum = 0;
      for (double v : values) {
        sum += v * v;
      }
      meanDiagonal = sum / features;
    }
    return meanDiagonal;
  }

  /**
   * The factor of {@code G + Phi^T Phi}.
   *
   * @param phi n x features row-major (not modified)
   */
  public RowFactor append(double[] phi, int n) {
    return append(phi, n, PANEL);
  }

  RowFactor append(double[] phi, int n, int panel) {
    if (n < 0 || phi.length != (long) n * features) {
      throw new IllegalArgumentException("phi has " + phi.length + " values, expected " + n + " x " + features);
    }
    if (n == 0) {
      return this;
    }
    int f = features;
    int r0 = rows;
    int added = Math.min(n, f - r0);
    int r1 = r0 + added;
    try (DoublePointer r = new DoublePointer(Math.max(1L, (long) r1 * f))) {
      r.put(values, 0, values.length);
      if (added > 0) {
        r.position((long) r0 * f).put(new double[added * f], 0, added * f);
        r.position(0);
      }
      // the new rows a chunk at a time: each chunk is eliminated against every row of R so far (phase 1, gemm) and
      // only its own remainder is factored in Java (phase 2), so phase 2's O(n^3) Java work stays O(chunk^2 n)
      int current = r0;
      for (int c0 = 0; c0 < n; c0 += panel) {
        int rowsInChunk = Math.min(panel, n - c0);
        try (DoublePointer p = new DoublePointer(Arrays.copyOfRange(phi, c0 * f, (c0 + rowsInChunk) * f))) {
          for (int j0 = 0; j0 < current; j0 += panel) {
            eliminatePanel(r, p, rowsInChunk, j0, Math.min(panel, current - j0));
          }
          int grows = Math.min(rowsInChunk, f - current);
          if (grows > 0) {
            factorRemainder(r, p, rowsInChunk, current, grows);
            current += grows;
          }
        }
      }
      double[] out = new double[r1 * f];
      r.get(out);
      for (int i = 0; i < r1; i++) {
        if (out[i * f + i] < 0) {
          for (int j = i; j < f; j++) {
            out[i * f + j] = -out[i * f + j];
          }
        }
      }
      return new RowFactor(f, r1, out);
    }
  }

  /**
   * Phase 1, one panel: eliminates columns j0 .. j0+b-1 of the new rows against R's rows j0 .. j0+b-1 and updates
   * the trailing columns of those R rows and of every new row.
   */
  private void eliminatePanel(DoublePointer r, DoublePointer p, int n, int j0, int b) {
    int f = features;
    // the panel's columns, on the heap: R's b x b diagonal block (row-major) and the new rows' n x b columns, stored
    // column by column (lowT is b x n) so that every loop over the new rows runs along memory
    double[] top = new double[b * b];
    double[] rowPart = new double[b];
    double[] lowT = new double[b * n];
    for (int i = 0; i < b; i++) {
      r.position((long) (j0 + i) * f + j0).get(top, i * b, b);
    }
    for (int i = 0; i < n; i++) {
      p.position((long) i * f + j0).get(rowPart, 0, b);
      for (int c = 0; c < b; c++) {
        lowT[c * n + i] = rowPart[c];
      }
    }
    r.position(0);
    p.position(0);
    double[] tau = new double[b];
    for (int jj = 0; jj < b; jj++) {
      int wj = jj * n;
      double alpha = top[jj * b + jj];
      double sigma = 0;
      for (int i = 0; i < n; i++) {
        double v = lowT[wj + i];
        sigma += v * v;
      }
      if (sigma == 0) {
        continue; // nothing to eliminate: H = I, the column of W stays zero
      }
      double mu = Math.sqrt(alpha * alpha + sigma);
      double beta = alpha >= 0 ? -mu : mu;
      double scale = 1 / (alpha - beta);
      for (int i = 0; i < n; i++) {
        lowT[wj + i] *= scale; // now w, the reflector's part on the new rows (its R part is 1)
      }
      tau[jj] = (beta - alpha) / beta;
      top[jj * b + jj] = beta;
      for (int k = jj + 1; k < b; k++) {
        int wk = k * n;
        double s = top[jj * b + k];
        for (int i = 0; i < n; i++) {
          s += lowT[wj + i] * lowT[wk + i];
        }
        s *= tau[jj];
        top[jj * b + k] -= s;
        for (int i = 0; i < n; i++) {
          lowT[wk + i] -= s * lowT[wj + i];
        }
      }
    }
    // T of the compact WY form (LAPACK dlarft, forward, columnwise): the reflectors' R parts are distinct unit
    // vectors, so V^T V = I + W^T W and only W enters.
    double[] t = new double[b * b];
    double[] z = new double[b];
    for (int jj = 0; jj < b; jj++) {
      t[jj * b + jj] = tau[jj];
      if (tau[jj] == 0 || jj == 0) {
        continue;
      }
      int wj = jj * n;
      for (int q = 0; q < jj; q++) {
        double dot = 0;
        int wq = q * n;
        for (int i = 0; i < n; i++) {
          dot += lowT[wq + i] * lowT[wj + i];
        }
        z[q] = dot;
      }
      for (int q = 0; q < jj; q++) {
        double s = 0;
        for (int k = q; k < jj; k++) {
          s += t[q * b + k] * z[k];
        }
        t[q * b + jj] = -tau[jj] * s;
      }
    }
    // the panel back: R's block (upper triangle), the new rows' panel columns are now zero
    for (int i = 0; i < b; i++) {
      r.position((long) (j0 + i) * f + j0 + i).put(top, i * b + i, b - i);
    }
    double[] zeros = new double[b];
    for (int i = 0; i < n; i++) {
      p.position((long) i * f + j0).put(zeros, 0, b);
    }
    r.position(0);
    p.position(0);
    int c0 = j0 + b;
    int width = f - c0;
    if (width == 0) {
      return;
    }
    // trailing columns: Y = R[panel rows, c0:] + W^T Phi[:, c0:]; Y := T^T Y; R[panel rows] -= Y; Phi -= W Y
    try (DoublePointer wt = new DoublePointer(lowT); DoublePointer tp = new DoublePointer(t);
        DoublePointer y = new DoublePointer((long) b * width); DoublePointer ty = new DoublePointer((long) b * width)) {
      for (int i = 0; i < b; i++) {
        Cholesky.copy(r, (long) (j0 + i) * f + c0, y, (long) i * width, width);
      }
      Gemm.dgemm(false, false, b, width, n, 1.0, wt, 0, n, p, c0, f, 1.0, y, 0, width);
      Gemm.dgemm(true, false, b, width, b, 1.0, tp, 0, b, y, 0, width, 0.0, ty, 0, width);
      // R[panel rows, c0:] -= T^T Y, in place (one more small gemm instead of a copy out, a loop and a copy back)
      Gemm.dgemm(true, false, b, width, b, -1.0, tp, 0, b, y, 0, width, 1.0, r, (long) j0 * f + c0, f);
      Gemm.dgemm(true, false, n, width, b, -1.0, wt, 0, n, ty, 0, width, 1.0, p, c0, f);
    }
  }

  /**
   * Phase 2: the new rows' columns r0 and beyond (what R's rows did not absorb) give {@code added} new rows of R: a
   * Householder QR of their leading n x added block, whose Q^T is applied to the columns after it by one gemm.
   */
  private void factorRemainder(DoublePointer r, DoublePointer p, int n, int r0, int added) {
    int f = features;
    // the leading n x added block, column by column (columns of length n run along memory)
    double[] col = new double[added * n];
    double[] rowPart = new double[added];
    for (int i = 0; i < n; i++) {
      p.position((long) i * f + r0).get(rowPart, 0, added);
      for (int c = 0; c < added; c++) {
        col[c * n + i] = rowPart[c];
      }
    }
    p.position(0);
    // Householder QR in place: column k keeps R's column above and on the diagonal and its reflector below it
    // (v = [1, col[k+1..n)]), as LAPACK's dgeqr2
    double[] tau = new double[added];
    for (int k = 0; k < added; k++) {
      int ck = k * n;
      double alpha = col[ck + k];
      double sigma = 0;
      for (int i = k + 1; i < n; i++) {
        double v = col[ck + i];
        sigma += v * v;
      }
      if (sigma == 0) {
        continue;
      }
      double mu = Math.sqrt(alpha * alpha + sigma);
      double beta = alpha >= 0 ? -mu : mu;
      double scale = 1 / (alpha - beta);
      for (int i = k + 1; i < n; i++) {
        col[ck + i] *= scale;
      }
      tau[k] = (beta - alpha) / beta;
      col[ck + k] = beta;
      for (int c = k + 1; c < added; c++) {
        reflect(col, ck, tau[k], col, c * n, k, n);
      }
    }
    double[] upper = new double[added];
    for (int i = 0; i < added; i++) {
      for (int c = i; c < added; c++) {
        upper[c] = col[c * n + i];
      }
      r.position((long) (r0 + i) * f + r0 + i).put(upper, i, added - i);
    }
    r.position(0);
    int c0 = r0 + added;
    int width = f - c0;
    if (width == 0) {
      return;
    }
    // the first `added` columns of Q = H_0 H_1 ..., built backwards from the identity's columns; stored as
    // qT (added x n: column c of Q is row c), the layout the gemm below reads as Q^T
    double[] qT = new double[added * n];
    for (int c = 0; c < added; c++) {
      qT[c * n + c] = 1;
    }
    for (int k = added - 1; k >= 0; k--) {
      if (tau[k] == 0) {
        continue;
      }
      for (int c = k; c < added; c++) {
        reflect(col, k * n, tau[k], qT, c * n, k, n);
      }
    }
    // the new rows' trailing columns: Q[:, :added]^T Phi[:, c0:]
    try (DoublePointer qp = new DoublePointer(qT); DoublePointer rest = new DoublePointer((long) added * width)) {
      Gemm.dgemm(false, false, added, width, n, 1.0, qp, 0, n, p, c0, f, 0.0, rest, 0, width);
      for (int i = 0; i < added; i++) {
        Cholesky.copy(rest, (long) i * width, r, (long) (r0 + i) * f + c0, width);
      }
    }
  }

  /**
   * R copied once to native memory for several products with it (each product would otherwise copy R again:
   * r x F doubles); close it to free the copy. Not thread-safe.
   */
  public Products products() {
    return new Products();
  }

  /** Products with R from one native copy of it ({@link #products()}). */
  public final class Products implements AutoCloseable {

    private DoublePointer nativeR;

    private Products() {
      nativeR = new DoublePointer(Math.max(1L, values.length));
      nativeR.put(values, 0, values.length);
    }

    private DoublePointer r() {
      if (nativeR == null) {
        throw new IllegalStateException("these products were closed");
      }
      return nativeR;
    }

    /**
     * {@code K = R R^T}, rows x rows row-major and exactly symmetric: the small Gram of a Woodbury solve. Only the
     * blocks on and above the diagonal are multiplied, each from the first column where R's rows can be nonzero
     * (R is zero below its diagonal): about a third of the flops of the plain product at r = F / 2.
     */
    public double[] rowGram() {
      int r = rows;
      int f = features;
      double[] k = new double[Math.multiplyExact(r, r)];
      if (r == 0) {
        return k;
      }
      int block = Cholesky.BLOCK;
      DoublePointer pr = r();
      try (DoublePointer pk = new DoublePointer((long) r * r)) {
        for (int i0 = 0; i0 < r; i0 += block) {
          int bi = Math.min(block, r - i0);
          for (int j0 = i0; j0 < r; j0 += block) {
            int bj = Math.min(block, r - j0);
            // K[I, J] = R[I, j0:] R[J, j0:]^T: R[J, c] = 0 for c < j0
            Gemm.dgemm(false, true, bi, bj, f - j0, 1.0, pr, (long) i0 * f + j0, f, pr, (long) j0 * f + j0, f,
                0.0, pk, (long) i0 * r + j0, r);
          }
        }
        pk.get(k);
      }
      for (int i = 0; i < r; i++) {
        for (int j = i + 1; j < r; j++) {
          k[j * r + i] = k[i * r + j];
        }
      }
      return k;
    }

    /** {@code R B} for B features x m row-major: rows x m. */
    public double[] multiply(double[] b, int m) {
      checkLength(b, (long) features * m, "b");
      return withR(false, false, rows, m, features, b, true);
    }

    /** {@code R^T U} for U rows x m row-major: features x m. */
    public double[] multiplyTransposed(double[] u, int m) {
      checkLength(u, (long) rows * m, "u");
      return withR(true, false, features, m, rows, u, true);
    }

    /** G = R^T R, upper triangle packed row by row (features(features+1)/2 values). */
    public double[] gramPacked() {
      double[] full = withR(true, false, features, features, rows, null, false);
      double[] packed = new double[features * (features + 1) / 2];
      int at = 0;
      for (int i = 0; i < features; i++) {
        System.arraycopy(full, i * features + i, packed, at, features - i);
        at += features - i;
      }
      return packed;
    }

    /** op(R) op(B) for a given B, or op(R) R when {@code given} is false. */
    private double[] withR(boolean transA, boolean transB, int m, int n, int k, double[] b, boolean given) {
      double[] out = new double[Math.multiplyExact(m, n)];
      if (m == 0 || n == 0 || k == 0) {
        return out;
      }
      DoublePointer pr = r();
      try (DoublePointer pb = given ? new DoublePointer(b) : null; DoublePointer pc = new DoublePointer((long) m * n)) {
        int lda = transA ? m : k;
        int ldb = transB ? k : n;
        Gemm.dgemm(transA, transB, m, n, k, 1.0, pr, 0, lda, given ? pb : pr, 0, ldb, 0.0, pc, 0, n);
        pc.get(out);
      }
      return out;
    }

    @Override
    public void close() {
      if (nativeR != null) {
        nativeR.close();
        nativeR = null;
      }
    }
  }

  /**
   * Applies the reflector {@code H = I - tau v v^T}, {@code v = [1, vs[vo + k + 1 .. vo + n)]} (its first entry at
   * row k), to rows k .. n-1 of the column stored at {@code a[ao ..]}.
   */
  private static void reflect(double[] vs, int vo, double tau, double[] a, int ao, int k, int n) {
    double s = a[ao + k];
    for (int i = k + 1; i < n; i++) {
      s += vs[vo + i] * a[ao + i];
    }
    s *= tau;
    a[ao + k] -= s;
    for (int i = k + 1; i < n; i++) {
      a[ao + i] -= s * vs[vo + i];
    }
  }

  /** {@link Products#gramPacked()} from a copy of R made for it. */
  public double[] gramPacked() {
    try (Products p = products()) {
      return p.gramPacked();
    }
  }

  private static void checkLength(double[] a, long expected, String name) {
    if (a.length != expected) {
      throw new IllegalArgumentException(name + " has " + a.length + " values, expected " + expected);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RowFactor other && other.features == features && other.rows == rows
        && Arrays.equals(other.values, values);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * features + rows) + Arrays.hashCode(values);
  }
}
