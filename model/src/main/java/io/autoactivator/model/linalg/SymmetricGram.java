package io.autoactivator.model.linalg;

import java.lang.ref.Reference;

import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Accumulates a Gram matrix {@code G += H^T H} of float feature rows into a double {@code G}, computing only its
 * upper triangle, in strips of rows of G on the feature matrix in place (no copy, no transpose): each strip's
 * diagonal block by float syrk ({@link VerifiedSyrk}: checked, gemm when it disagrees), the rest of its rows by float
 * gemm. Half the flops of {@code h.transpose().mmul(h)} and none of its full F x F float temporary. Per chunk the
 * products are summed in float, across chunks in double, as before.
 *
 * <p>Call {@link #mirrorUpper} once the accumulation is done to make G symmetric again (the lower triangle is not
 * maintained in between).
 */
public final class SymmetricGram {

  /** Rows of G per gemm: a strip is {@code STRIP x F} floats of scratch. */
  static final int STRIP = 1024;

  private SymmetricGram() {
  }

  /**
   * Adds the upper triangle (diagonal included) of {@code h^T h} to {@code gram}.
   *
   * @param h    rows x F features (cast to float if needed)
   * @param gram F x F row-major, double; its lower triangle (below the diagonal) is left undefined
   */
  public static void addUpper(INDArray h, double[] gram) {
    if (h.rank() != 2) {
      throw new IllegalArgumentException("h must be a matrix, got rank " + h.rank());
    }
    long rowsLong = h.rows();
    long featuresLong = h.columns();
    if (gram.length != featuresLong * featuresLong) {
      throw new IllegalArgumentException("gram has " + gram.length + " values, expected " + featuresLong + "^2");
    }
    int rows = (int) rowsLong;
    int f = (int) featuresLong;
    if (rows == 0 || f == 0) {
      return;
    }
    INDArray dense = h.dataType() == DataType.FLOAT && !h.isView() ? h : h.castTo(DataType.FLOAT).dup('c');
    boolean rowMajor = dense.ordering() == 'c';
    // addressPointer() does not keep the buffer alive: without the fence at the end, a compiled loop may let a copy
    // made above be collected (its native memory freed) while OpenBLAS still reads it (a SIGSEGV in sgemm's copy
    // kernel, seen once in VerifiedSyrkTest on a column-major input)
    FloatPointer data = (FloatPointer) dense.data().addressPointer();
    int strip = Math.min(STRIP, f);
    float[] values = new float[strip * f];
    try (FloatPointer scratch = new FloatPointer((long) strip * f)) {
      for (int i0 = 0; i0 < f; i0 += strip) {
        int s = Math.min(strip, f - i0);
        int width = f - i0;
        int right = width - s;
        if (right > 0) { // the strip's rows right of its diagonal block, by gemm
          if (rowMajor) { // H is rows x F, ld F
            Gemm.sgemm(true, false, s, right, rows, 1f, data, i0, f, data, i0 + s, f, 0f, scratch, s, width);
          } else { // H^T is F x rows, ld rows
            Gemm.sgemm(false, true, s, right, rows, 1f, data, (long) i0 * rows, rows, data, (long) (i0 + s) * rows,
                rows, 0f, scratch, s, width);
          }
        }
        VerifiedSyrk.diagonalBlock(data, rowMajor, rows, f, i0, s, scratch, width, values);
        for (int r = 0; r < s; r++) {
          int row = (i0 + r) * f + i0;
          int from = r * width;
          for (int c = r; c < width; c++) {
            gram[row + c] += values[from + c];
          }
        }
      }
    } finally {
      Reference.reachabilityFence(dense);
      Reference.reachabilityFence(h);
    }
  }

  /** Copies the upper triangle of the n x n row-major {@code gram} onto its lower triangle. */
  public static void mirrorUpper(double[] gram, int n) {
    if (gram.length != (long) n * n) {
      throw new IllegalArgumentException("gram has " + gram.length + " values, expected " + n + "^2");
    }
    int tile = 64;
    for (int i0 = 0; i0 < n; i0 += tile) {
      for (int j0 = 0; j0 <= i0; j0 += tile) {
        int iEnd = Math.min(n, i0 + tile);
        int jEnd = Math.min(n, j0 + tile);
        for (int i = i0; i < iEnd; i++) {
          for (int j = j0; j < Math.min(jEnd, i); j++) {
            gram[i * n + j] = gram[j * n + i];
          }
        }
      }
    }
  }
}
