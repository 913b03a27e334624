package io.autoactivator.model.linalg;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code a b} into a new row-major matrix through ND4J's gemm, for the products on the training and serving paths.
 *
 * <p>Why not {@code INDArray.mmul}: it returns the same numbers in about twice the time. Measured on our 2 cores
 * (session 8, quiet, min / mean of 8 after 2 warm-ups, a fresh result each time): {@code x.mmul(w)} of 2,048 x 784 by
 * 784 x 2,500 floats 75-84 / 86-96 ms, an uninitialised row-major result filled by {@link Nd4j#gemm} 40-46 / 41-48 ms,
 * the OpenBLAS sgemm alone 38-41 ms. Operands of different types, or that are not matrices, go through {@code mmul}.
 */
public final class MatrixProduct {

  private MatrixProduct() {
  }

  /** {@code a b}, a new {@code a.rows() x b.columns()} row-major matrix of their type. */
  public static INDArray times(INDArray a, INDArray b) {
    if (a.rank() != 2 || b.rank() != 2 || a.dataType() != b.dataType()
        || (a.dataType() != DataType.FLOAT && a.dataType() != DataType.DOUBLE)) {
      return a.mmul(b);
    }
    if (a.columns() != b.rows()) {
      throw new IllegalArgumentException("cannot multiply " + a.rows() + " x " + a.columns() + " by " + b.rows()
          + " x " + b.columns());
    }
    INDArray out = Nd4j.createUninitialized(a.dataType(), new long[] {a.rows(), b.columns()}, 'c');
    if (a.rows() == 0 || b.columns() == 0) {
      return out;
    }
    if (a.columns() == 0) {
      return out.assign(0);
    }
    return Nd4j.gemm(a, b, out, false, false, 1.0, 0.0);
  }
}
