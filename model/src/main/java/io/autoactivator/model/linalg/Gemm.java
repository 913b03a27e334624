package io.autoactivator.model.linalg;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Row-major {@code C = alpha op(A) op(B) + beta C} on sub-blocks of off-heap buffers, addressed by element offset and
 * leading dimension, as LAPACK's blocked algorithms address them.
 *
 * <p>Why not {@code INDArray.mmul}: a sub-block of a larger matrix is a strided view, and ND4J copies views before
 * it calls BLAS, which would move the whole trailing matrix at every step of a blocked factorisation. This calls the
 * very routine ND4J's CPU backend calls for its gemm ({@code openblas_nolapack.cblas_dgemm / cblas_sgemm} of the
 * bundled OpenBLAS, see {@code CpuLevel3}) - the one BLAS routine checked correct and fast here
 * (shared/research/dependencies.md) - with pointer offsets instead of copies. Of the other OpenBLAS routines only the
 * float syrk is called, and only through {@link VerifiedSyrk}, which checks every result against gemm products:
 * potrf, double syrk and trsm gave wrong answers on earlier sessions' AVX-512 CPUs.
 */
final class Gemm {

  static {
    Nd4j.getBackend(); // the backend loads and configures OpenBLAS (threads) first
  }

  private Gemm() {
  }

  /**
   * Doubles: {@code C[m x n] = alpha op(A) op(B) + beta C}, every matrix row-major at an element offset.
   *
   * @param transA use A^T (A stored k x m) instead of A (stored m x k)
   * @param transB use B^T (B stored n x k) instead of B (stored k x n)
   */
  static void dgemm(boolean transA, boolean transB, int m, int n, int k, double alpha, DoublePointer a, long aOffset,
      int lda, DoublePointer b, long bOffset, int ldb, double beta, DoublePointer c, long cOffset, int ldc) {
    if (m == 0 || n == 0) {
      return;
    }
    if (k == 0) {
      if (beta != 1.0) {
        throw new IllegalArgumentException("k = 0 with beta != 1 is not needed here");
      }
      return;
    }
    openblas_nolapack.cblas_dgemm(openblas_nolapack.CblasRowMajor, op(transA), op(transB), m, n, k, alpha,
        at(a, aOffset), lda, at(b, bOffset), ldb, beta, at(c, cOffset), ldc);
  }

  /** Floats: as {@link #dgemm}. */
  static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, FloatPointer a, long aOffset,
      int lda, FloatPointer b, long bOffset, int ldb, float beta, FloatPointer c, long cOffset, int ldc) {
    if (m == 0 || n == 0 || k == 0) {
      return;
    }
    openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor, op(transA), op(transB), m, n, k, alpha,
        at(a, aOffset), lda, at(b, bOffset), ldb, beta, at(c, cOffset), ldc);
  }

  /**
   * Floats, the upper triangle of {@code C[n x n] = alpha op(A)^T op(A) + beta C} (row-major): {@code transA}
   * reads A stored k x n and forms {@code A^T A}, otherwise A is stored n x k and this forms {@code A A^T}. The lower
   * triangle of C is not touched. Unverified: call it through {@link VerifiedSyrk}.
   */
  static void ssyrkUpper(boolean transA, int n, int k, float alpha, FloatPointer a, long aOffset, int lda, float beta,
      FloatPointer c, long cOffset, int ldc) {
    if (n == 0 || k == 0) {
      return;
    }
    openblas_nolapack.cblas_ssyrk(openblas_nolapack.CblasRowMajor, openblas_nolapack.CblasUpper, op(transA), n, k,
        alpha, at(a, aOffset), lda, beta, at(c, cOffset), ldc);
  }

  private static int op(boolean transpose) {
    return transpose ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans;
  }

  private static DoublePointer at(DoublePointer p, long offset) {
    return offset == 0 ? p : new DoublePointer(p).position(p.position() + offset);
  }

  private static FloatPointer at(FloatPointer p, long offset) {
    return offset == 0 ? p : new FloatPointer(p).position(p.position() + offset);
  }
}
