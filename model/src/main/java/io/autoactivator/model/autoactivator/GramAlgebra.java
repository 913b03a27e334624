package io.autoactivator.model.autoactivator;

import io.autoactivator.model.linalg.SpdSolver;
import io.autoactivator.model.linalg.SymmetricGram;
import io.autoactivator.model.linalg.SymmetricSolver;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Inverses of ridge-regularised Gram matrices, grown block by block with the Schur complement: when a block of
 * columns G joins H, the inverse of {@code [[A, B], [B^T, C]]} (A = H^T H + gamma I, B = H^T G,
 * C = G^T G + gamma I) follows from A^-1 and the small l x l Schur complement {@code S = C - B^T A^-1 B}, which is
 * solved with {@link SymmetricSolver} (EJML). The big products run as ND4J double gemm. With gamma > 0, S is at least
 * gamma I in exact arithmetic, so the update is well-posed.
 */
final class GramAlgebra {

  private GramAlgebra() {
  }

  /**
   * The inverse of {@code [[A, B], [B^T, C]]} given {@code ainv} = A^-1 (D x D, or null when D = 0). {@code ainv} is
   * overwritten (it is the caller's old inverse, replaced by the result).
   *
   * @param ainv A^-1, D x D double, or null
   * @param b    D x l double (ignored when ainv is null)
   * @param c    l x l double, symmetric positive-definite (ridge included)
   * @return the (D+l) x (D+l) inverse, double
   */
  static INDArray appendInverse(INDArray ainv, INDArray b, INDArray c) {
    int l = (int) c.rows();
    INDArray identity = Nd4j.eye(l).castTo(DataType.DOUBLE);
    if (ainv == null || ainv.rows() == 0) {
      return symmetrize(SymmetricSolver.solve(c, identity));
    }
    int d = (int) ainv.rows();
    INDArray u = ainv.mmul(b);
    INDArray s = symmetrize(c.sub(b.transpose().mmul(u)));
    INDArray sinv = symmetrize(SymmetricSolver.solve(s, identity));
    INDArray us = u.mmul(sinv);
    // ainv is the caller's to discard: A^-1 + U S^-1 U^T in place by one gemm (no D x D temporary), then the four
    // blocks are written straight into the result (no hstack/vstack copies).
    Nd4j.gemm(us, u, ainv, false, true, 1.0, 1.0);
    double[] negUs = rowMajor(us.negi());
    double[] sinvValues = rowMajor(sinv);
    int size = d + l;
    double[] right = new double[d * l];
    double[] bottom = new double[l * size];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < l; j++) {
        right[i * l + j] = negUs[i * l + j];
        bottom[j * size + i] = negUs[i * l + j];
      }
    }
    for (int i = 0; i < l; i++) {
      System.arraycopy(sinvValues, i * l, bottom, i * size + d, l);
    }
    // Row by row through the buffers' NIO views: ND4J's assign into a strided view of the result went element by
    // element (~5% of training time in the D x D copy alone).
    INDArray source = ainv.ordering() == 'c' && !ainv.isView() ? ainv : ainv.dup('c');
    INDArray out = Nd4j.createUninitialized(DataType.DOUBLE, new long[] {size, size}, 'c');
    DoubleBuffer from = source.data().asNioDouble();
    DoubleBuffer to = out.data().asNioDouble();
    for (int i = 0; i < d; i++) {
      to.put(i * size, from, i * d, d);
      to.put(i * size + d, right, i * l, l);
    }
    to.put(d * size, bottom, 0, l * size);
    return out;
  }

  private static double[] rowMajor(INDArray m) {
    return m.dup('c').data().asDouble();
  }

  /** The inverse of a symmetric positive-definite matrix (double), by the blocked Cholesky of {@link SpdSolver}. */
  static INDArray inverse(INDArray a) {
    if (a.rows() == 0) {
      return Nd4j.create(DataType.DOUBLE, 0, 0);
    }
    return SpdSolver.inverse(a);
  }

  /** The full symmetric k x k matrix of a packed upper triangle (row by row), row-major, no ridge added. */
  static double[] unpackArray(double[] packed, int k) {
    double[] full = new double[k * k];
    int p = 0;
    for (int i = 0; i < k; i++) {
      for (int j = i; j < k; j++) {
        full[i * k + j] = packed[p];
        full[j * k + i] = packed[p];
        p++;
      }
    }
    return full;
  }

  /**
   * The upper triangle of {@code A^T A} (k x k for an n x k matrix), packed row by row (k(k+1)/2 values): the
   * upper-triangle float gemm of {@link SymmetricGram} (the same accumulation as the analytic baseline's), packed.
   */
  static double[] upperGram(INDArray a) {
    int k = (int) a.columns();
    double[] full = new double[k * k];
    SymmetricGram.addUpper(a, full);
    double[] packed = new double[k * (k + 1) / 2];
    int p = 0;
    for (int i = 0; i < k; i++) {
      System.arraycopy(full, i * k + i, packed, p, k - i);
      p += k - i;
    }
    return packed;
  }

  /** The full symmetric k x k double matrix of a packed upper triangle (row by row), plus {@code ridge} on the diagonal. */
  static INDArray unpack(double[] packed, int k, double ridge) {
    double[] full = unpackArray(packed, k);
    for (int i = 0; i < k; i++) {
      full[i * k + i] += ridge;
    }
    return Nd4j.create(full, new long[] {k, k}, 'c');
  }


  /** (M + M^T) / 2, in place when possible; returns the symmetric matrix. */
  static INDArray symmetrize(INDArray m) {
    return m.add(m.transpose()).muli(0.5);
  }

  /** Adds {@code value} to the diagonal of a square matrix, in place. */
  static INDArray addDiagonal(INDArray m, double value) {
    int n = (int) m.rows();
    for (int i = 0; i < n; i++) {
      m.putScalar(i, i, m.getDouble(i, i) + value);
    }
    return m;
  }

  /**
   * The packed upper Gram of a matrix's columns, computed on first use: a router kept factored and a unit head
   * solved in the dual never need it (n F^2 flops a task).
   */
  static final class LazyGram {

    private final INDArray rows;
    private double[] packed;

    LazyGram(INDArray rows) {
      this.rows = rows;
    }

    double[] get() {
      if (packed == null) {
        packed = upperGram(rows);
      }
      return packed;
    }

    /**
     * The mean of the Gram's diagonal, from the rows' squares summed in double (never from the Gram, so the value does
     * not depend on whether the Gram was computed).
     */
    double meanDiagonal() {
      int columns = (int) rows.columns();
      INDArray dense = rows.dataType() != DataType.FLOAT ? rows.castTo(DataType.FLOAT).dup('c')
          : rows.isView() || rows.ordering() != 'c' ? rows.dup('c') : rows;
      FloatBuffer values = dense.data().asNioFloat(); // a view of the buffer: no copy of n x F floats
      double sum = 0;
      for (long i = 0, length = dense.length(); i < length; i++) {
        double v = values.get((int) i);
        sum += v * v;
      }
      return Math.max(sum / columns, 1e-12);
    }
  }
}
