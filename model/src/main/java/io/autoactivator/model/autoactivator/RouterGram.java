package io.autoactivator.model.autoactivator;

import io.autoactivator.model.linalg.Cholesky;
import io.autoactivator.model.linalg.RowFactor;
import io.autoactivator.model.linalg.SingularSystemException;

import java.util.function.Supplier;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@code G = Phi^T Phi} of the router's F features over every task's rows, kept in the cheaper of two exact forms:
 * <ul>
 *   <li>{@link Factored}: while the rows seen are at most two thirds of F (a table's tasks of a few
 *       hundred rows read through 2,500 features), the factor R of {@code G = R^T R} ({@link RowFactor}, r x F,
 *       r = rows seen). A ridge solve is then an r x r system, {@code (G + g I)^-1 = (I - R^T (R R^T + g I)^-1 R) / g},
 *       so each candidate ridge of {@link RouterTuning#chooseRidge} costs O(r^2 F) instead of the O(F^3) of a
 *       factorisation of G;</li>
 *   <li>{@link Packed}: beyond that (split MNIST's first task of 12,000 rows), the packed upper triangle of G, solved
 *       by {@link Cholesky}. Once packed, a Gram stays packed.</li>
 * </ul>
 * Both forms hold the same statistic: the factor determines G and G determines the factor (see {@link RowFactor}),
 * so no sample is kept either way, and a model restored from a snapshot continues exactly as one that never stopped.
 * The two forms give the same solutions up to rounding (the factor is even the more accurate: it is updated in
 * double, where the packed Gram adds float products).
 */
sealed interface RouterGram permits RouterGram.Packed, RouterGram.Factored {

  /**
   * The factored form is kept while rows seen <= this fraction of the features. Per task and three candidate
   * ridges it costs about {@code 4 n r F + r^2 (F - r/3) / 2 + r^3 + 3 r^2 m} flops (QR update, R R^T, three r x r
   * factorisations and leverages) against {@code F^3 + 3 F^2 m} packed, which cross near r = 0.8 F; measured on
   * F = 2,500 features and 250-row tasks (BENCHMARKS.md, session 6) the factored form was faster up to 0.7 F and
   * equal or slower at 0.8 F. Two thirds keeps a margin for the factored form's Java panel work.
   */
  double FACTOR_LIMIT = 2.0 / 3;

  /** The Gram of no rows for a first task of {@code rows} rows: factored when that task already fits the limit. */
  static RouterGram empty(int features, long rows) {
    return rows <= FACTOR_LIMIT * features ? new Factored(RowFactor.empty(features))
        : new Packed(new double[features * (features + 1) / 2], features);
  }

  int features();

  /** The mean of G's diagonal (the scale ridges are relative to). */
  double meanDiagonal();

  /** The numbers this form stores. */
  long storedValues();

  /**
   * G plus a task's rows.
   *
   * @param phi      the task's features, n x F
   * @param taskGram the same rows' Gram, packed (what the packed form adds; the factored form asks only when it
   *                 packs)
   */
  RouterGram plus(INDArray phi, Supplier<double[]> taskGram);

  /**
   * G plus a task of {@code rows} rows known only by its packed Gram (a task read in chunks); the sum is packed, so
   * the task must take the rows seen beyond {@link #FACTOR_LIMIT} F.
   *
   * @throws IllegalArgumentException when the sum would still be kept factored (that needs the rows themselves)
   */
  RouterGram plusPacked(long rows, double[] taskGram);

  /**
   * The ridge systems of {@link RouterTuning#chooseRidge}: the readout over every class seen and the leverages of
   * m validation rows, at any ridge.
   *
   * @param phiT  the validation rows' features, F x m row-major (one row per column)
   * @param cross Phi^T Y over every task, F x k row-major
   */
  RidgeSystem system(double[] phiT, int m, double[] cross, int k);

  /**
   * {@code (G + ridge I)^-1 C}, F x k. A system numerically singular at this ridge is solved at ten times the
   * ridge, up to six times, before giving up.
   */
  double[] solve(double ridge, double[] cross, int k);

  /** One ridge's readout and leverages {@code h_i = phi_i^T (G + ridge I)^-1 phi_i} of the validation rows. */
  record Fit(double[] readout, double[] leverage) {
  }

  /** {@link Fit}s at any ridge, each from its own factorisation; close it to free what it holds natively. */
  interface RidgeSystem extends AutoCloseable {
    /** @throws SingularSystemException when {@code G + ridge I} is numerically singular */
    Fit at(double ridge);

    @Override
    default void close() {
    }
  }

  /** The packed upper triangle of G, F(F+1)/2 values row by row. */
  record Packed(double[] packed, int features) implements RouterGram {

    public Packed {
      if (packed.length != (long) features * (features + 1) / 2) {
        throw new IllegalArgumentException("a packed Gram of " + features + " features has "
            + (long) features * (features + 1) / 2 + " values, got " + packed.length);
      }
    }

    @Override
    public double meanDiagonal() {
      return RouterTuning.meanDiagonal(packed, features);
    }

    @Override
    public long storedValues() {
      return packed.length;
    }

    @Override
    public RouterGram plus(INDArray phi, Supplier<double[]> taskGram) {
      double[] sum = packed.clone();
      double[] add = taskGram.get();
      for (int i = 0; i < sum.length; i++) {
        sum[i] += add[i];
      }
      return new Packed(sum, features);
    }

    @Override
    public RouterGram plusPacked(long rows, double[] taskGram) {
      return plus(null, () -> taskGram);
    }

    @Override
    public RidgeSystem system(double[] phiT, int m, double[] cross, int k) {
      double[] full = GramAlgebra.unpackArray(packed, features);
      return ridge -> {
        try (Cholesky factor = Cholesky.factor(full, features, ridge)) {
          double[] readout = factor.solve(cross, k);
          return new Fit(readout, squaredColumnNorms(factor.forwardSolve(phiT, m), features, m));
        }
      };
    }

    @Override
    public double[] solve(double ridge, double[] cross, int k) {
      return RouterTuning.solve(packed, features, ridge, cross, k);
    }
  }

  /** The factor R of G = R^T R, r x F, while r (rows seen) <= {@link #FACTOR_LIMIT} F. */
  record Factored(RowFactor factor) implements RouterGram {

    @Override
    public int features() {
      return factor.features();
    }

    @Override
    public double meanDiagonal() {
      return Math.max(factor.meanDiagonal(), 1e-12);
    }

    @Override
    public long storedValues() {
      return (long) factor.rows() * factor.features();
    }

    @Override
    public RouterGram plus(INDArray phi, Supplier<double[]> taskGram) {
      int n = (int) phi.rows();
      if (factor.rows() + (long) n > FACTOR_LIMIT * features()) {
        double[] packed = factor.gramPacked();
        double[] add = taskGram.get();
        for (int i = 0; i < packed.length; i++) {
          packed[i] += add[i];
        }
        return new Packed(packed, features());
      }
      return new Factored(factor.append(phi.castTo(DataType.DOUBLE).dup('c').data().asDouble(), n));
    }

    @Override
    public RouterGram plusPacked(long rows, double[] taskGram) {
      if (factor.rows() + rows <= FACTOR_LIMIT * features()) {
        throw new IllegalArgumentException("a task of " + rows + " rows after " + factor.rows() + " keeps the Gram of "
            + features() + " features factored: add its rows, not its Gram");
      }
      double[] packed = factor.gramPacked();
      for (int i = 0; i < packed.length; i++) {
        packed[i] += taskGram[i];
      }
      return new Packed(packed, features());
    }

    @Override
    public RidgeSystem system(double[] phiT, int m, double[] cross, int k) {
      int r = factor.rows();
      RowFactor.Products products = factor.products();
      double[] small = products.rowGram();
      double[] rc = products.multiply(cross, k);
      double[] z = products.multiply(phiT, m);
      double[] norms = squaredColumnNorms(phiT, features(), m);
      return new RidgeSystem() {
        @Override
        public Fit at(double ridge) {
          try (Cholesky inner = Cholesky.factor(small, r, ridge)) {
            double[] readout = woodbury(cross, products.multiplyTransposed(inner.solve(rc, k), k), ridge);
            double[] reduced = squaredColumnNorms(inner.forwardSolve(z, m), r, m);
            double[] leverage = new double[m];
            for (int i = 0; i < m; i++) {
              leverage[i] = (norms[i] - reduced[i]) / ridge;
            }
            return new Fit(readout, leverage);
          }
        }

        @Override
        public void close() {
          products.close();
        }
      };
    }

    @Override
    public double[] solve(double ridge, double[] cross, int k) {
      try (RidgeSystem system = system(new double[0], 0, cross, k)) {
        double g = ridge;
        for (int attempt = 0; ; attempt++) {
          try {
            return system.at(g).readout();
          } catch (SingularSystemException e) {
            if (attempt == 6) {
              throw e;
            }
            g *= 10;
          }
        }
      }
    }

    /** {@code (C - R^T (K + g I)^-1 R C) / g}, given the second term. */
    private static double[] woodbury(double[] cross, double[] correction, double ridge) {
      double[] out = new double[cross.length];
      for (int i = 0; i < out.length; i++) {
        out[i] = (cross[i] - correction[i]) / ridge;
      }
      return out;
    }
  }

  /** The squared norm of each column of a rows x m row-major matrix. */
  private static double[] squaredColumnNorms(double[] a, int rows, int m) {
    double[] out = new double[m];
    for (int j = 0; j < rows; j++) {
      int base = j * m;
      for (int i = 0; i < m; i++) {
        double v = a[base + i];
        out[i] += v * v;
      }
    }
    return out;
  }
}
