package io.autoactivator.model.linalg;

import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;

import org.bytedeco.javacpp.FloatPointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A diagonal block of a Gram matrix by OpenBLAS's float syrk (half the flops of the gemm it replaces), each result
 * checked by a Freivalds probe before it is used: for a random sign vector v, the block times v must equal
 * {@code A^T (A v)} computed by two gemm products (the routine checked correct here) to a relative 1e-4. A block that
 * fails is recomputed by gemm, a warning is logged, and syrk is not called again in this JVM.
 *
 * <p>Why: with syrk a 2,048 x 2,500 chunk's Gram took 88-98 ms against 110-125 ms by gemm strips (BENCHMARKS.md,
 * session 9), but earlier sessions measured wrong answers from OpenBLAS 0.3.19's double syrk on other AVX-512 CPUs,
 * and a wrong Gram trains a wrong model without any error. The probe costs two matrix-vector products per block
 * (2/s of the syrk's flops for an s-column block: 0.2 % at 1,024). Set the system property {@value #PROPERTY} to
 * {@code false} to use gemm only.
 */
final class VerifiedSyrk {

  static final String PROPERTY = "autoactivator.linalg.syrk";
  /** Relative 2-norm tolerance: float rounding of both sides is ~1e-6 here, a wrong kernel is off by O(1). */
  static final double TOLERANCE = 1e-4;

  private static final Logger log = LoggerFactory.getLogger(VerifiedSyrk.class);
  private static final AtomicBoolean failed = new AtomicBoolean();

  private VerifiedSyrk() {
  }

  /**
   * Whether syrk is in use: not after a failed check in this JVM, nor while the property is {@code false} (read at
   * every call, so a caller can reproduce a model of a build before this one, which summed the Gram by gemm alone).
   */
  static boolean trusted() {
    return !failed.get() && !"false".equals(System.getProperty(PROPERTY));
  }

  /** Forgets a failed check (tests of both paths; a JVM otherwise only ever goes from trusted to not). */
  static void trust(boolean use) {
    failed.set(!use);
  }

  /** Stops using syrk after a failed check, with a warning the first time. */
  static void distrust(String why) {
    if (!failed.getAndSet(true)) {
      log.warn("OpenBLAS ssyrk disagrees with gemm on this machine ({}); the Gram is computed by gemm from now on", why);
    }
  }

  /**
   * Writes the upper triangle of the s x s block {@code B^T B} into {@code c} (row-major, leading dimension
   * {@code ldc}, offset 0), B being columns {@code from .. from+s} of the float rows {@code data} holds:
   * {@code rowMajor} means rows x ld (row-major), otherwise data holds B's transpose, ld x rows. Then copies the
   * s rows of {@code ldc} values of {@code c} (the block and whatever the caller put beside it) into {@code values}.
   * Syrk while trusted and verified, else gemm.
   */
  static void diagonalBlock(FloatPointer data, boolean rowMajor, int rows, int ld, int from, int s, FloatPointer c,
      int ldc, float[] values) {
    if (trusted()) {
      if (rowMajor) {
        Gemm.ssyrkUpper(true, s, rows, 1f, data, from, ld, 0f, c, 0, ldc);
      } else {
        Gemm.ssyrkUpper(false, s, rows, 1f, data, (long) from * rows, rows, 0f, c, 0, ldc);
      }
      c.position(0).get(values, 0, s * ldc);
      String failure = check(data, rowMajor, rows, ld, from, s, values, ldc);
      if (failure == null) {
        return;
      }
      distrust(failure);
    }
    if (rowMajor) {
      Gemm.sgemm(true, false, s, s, rows, 1f, data, from, ld, data, from, ld, 0f, c, 0, ldc);
    } else {
      Gemm.sgemm(false, true, s, s, rows, 1f, data, (long) from * rows, rows, data, (long) from * rows, rows, 0f, c, 0,
          ldc);
    }
    c.position(0).get(values, 0, s * ldc);
  }

  /** Null when the upper triangle in {@code values} times a random sign vector matches A^T (A v), else why not. */
  static String check(FloatPointer data, boolean rowMajor, int rows, int ld, int from, int s, float[] values,
      int ldc) {
    SplittableRandom random = new SplittableRandom(31L * rows + s);
    float[] v = new float[s];
    for (int i = 0; i < s; i++) {
      v[i] = random.nextBoolean() ? 1f : -1f;
    }
    float[] expected = new float[s];
    try (FloatPointer probe = new FloatPointer(v); FloatPointer av = new FloatPointer(rows);
        FloatPointer atav = new FloatPointer(s)) {
      if (rowMajor) { // A is rows x s at column offset from, ld
        Gemm.sgemm(false, false, rows, 1, s, 1f, data, from, ld, probe, 0, 1, 0f, av, 0, 1);
        Gemm.sgemm(true, false, s, 1, rows, 1f, data, from, ld, av, 0, 1, 0f, atav, 0, 1);
      } else { // A^T is s x rows at row offset from, ld rows
        long offset = (long) from * rows;
        Gemm.sgemm(true, false, rows, 1, s, 1f, data, offset, rows, probe, 0, 1, 0f, av, 0, 1);
        Gemm.sgemm(false, false, s, 1, rows, 1f, data, offset, rows, av, 0, 1, 0f, atav, 0, 1);
      }
      atav.position(0).get(expected);
    }
    double[] product = new double[s];
    for (int i = 0; i < s; i++) {
      int row = i * ldc;
      double sum = product[i] + (double) values[row + i] * v[i];
      for (int j = i + 1; j < s; j++) {
        double cij = values[row + j];
        sum += cij * v[j];
        product[j] += cij * v[i];
      }
      product[i] = sum;
    }
    double error = 0;
    double norm = 0;
    for (int i = 0; i < s; i++) {
      double d = product[i] - expected[i];
      error += d * d;
      norm += (double) expected[i] * expected[i];
    }
    if (Double.isFinite(error) && Math.sqrt(error) <= TOLERANCE * Math.sqrt(norm) + 1e-30) {
      return null;
    }
    return String.format(java.util.Locale.ROOT, "%d x %d block of %d rows: relative error %.3g", s, s, rows,
        Math.sqrt(error / Math.max(norm, 1e-300)));
  }
}
