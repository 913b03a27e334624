package io.autoactivator.model.autoactivator;

import java.util.Arrays;
import java.util.SplittableRandom;

import io.autoactivator.model.linalg.SingularSystemException;
import io.autoactivator.model.linalg.SpdSolver;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Chooses the shared feature layer's settings from the CURRENT task's training data only (RanPAC's rule): a seeded
 * slice of the task ({@code validation.fraction}) is held out, candidates are fitted on the rest (plus, for the
 * ridge, the statistics of earlier tasks, which carry no sample), and the candidate with the best accuracy on the
 * held-out slice wins (ties: the larger ridge, the smaller scale). The final fit then uses every row. Old data and
 * test data are never looked at.
 *
 * <ul>
 *   <li>{@link #chooseScale}: at the first task only (the layer is frozen afterwards), the weight scale among
 *       {@code router.lambdas}, on at most {@value #SCALE_FIT_ROWS} rows and the first {@value #SCALE_FEATURES}
 *       features (the scale's effect shows well before the layer's full width, at a fraction of the cost);</li>
 *   <li>{@link #chooseRidge}: at every task, the ridge among {@code router.ridges} times the mean diagonal of the
 *       Gram, so the grid follows the number of samples and the feature scale.</li>
 * </ul>
 */
final class RouterTuning {

  static final int SCALE_FIT_ROWS = 4000;
  static final int SCALE_FEATURES = 1000;
  /** Relative ridge of the scale search (the middle of the default ridge grid: the scale is chosen first). */
  static final double SCALE_RIDGE = 1e-3;

  private final AutoActivatorConfig config;
  private final INDArray x;
  private final int[] target;
  private final int c;
  private final int[] fitRows;
  private final int[] heldOut;

  /**
   * @param x      the task's (transformed) rows, n x d float
   * @param target each row's class index within the task
   * @param c      the task's class count
   * @param seed   seed of the held-out split
   */
  RouterTuning(AutoActivatorConfig config, INDArray x, int[] target, int c, long seed) {
    this.config = config;
    this.x = x;
    this.target = target;
    this.c = c;
    int n = target.length;
    int held = n < 5 ? 0 : Math.max(1, (int) Math.round(n * config.validationFraction()));
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int swap = order[i];
      order[i] = order[j];
      order[j] = swap;
    }
    heldOut = Arrays.copyOf(order, held);
    fitRows = Arrays.copyOfRange(order, held, n);
    Arrays.sort(heldOut);
    Arrays.sort(fitRows);
  }

  /** Whether the task is large enough to hold a slice out (5 rows or more). */
  boolean canValidate() {
    return heldOut.length > 0;
  }

  /** The weight scale for the first task: the best of {@code router.lambdas} on the held-out slice. */
  double chooseScale(Draws draws) {
    double[] candidates = config.routerLambdas();
    if (!canValidate() || candidates.length == 1) {
      return candidates[candidates.length / 2];
    }
    int[] fit = fitRows.length <= SCALE_FIT_ROWS ? fitRows : Arrays.copyOf(fitRows, SCALE_FIT_ROWS);
    int f = Math.min(SCALE_FEATURES, draws.features());
    INDArray xf = Nd4j.pullRows(x, 1, fit);
    INDArray xv = Nd4j.pullRows(x, 1, heldOut);
    double[] yFit = oneHot(fit, c);
    double best = candidates[0];
    double[] bestScore = null;
    for (double lambda : candidates) {
      Draws narrow = draws.first(f);
      INDArray w = Nd4j.create(narrow.weights(lambda, config.scaling()), new long[] {draws.dimension(), f}, 'c');
      INDArray b = Nd4j.create(narrow.biases(lambda, config.scaling()), new long[] {1, f}, 'c');
      INDArray phiFit = Transforms.sigmoid(xf.mmul(w).addiRowVector(b), false);
      INDArray phiVal = Transforms.sigmoid(xv.mmul(w).addiRowVector(b), false);
      double[] gram = GramAlgebra.upperGram(phiFit);
      double[] cross = phiFit.transpose().mmul(Nd4j.create(toFloat(yFit), new long[] {fit.length, c}, 'c'))
          .castTo(DataType.DOUBLE).dup('c').data().asDouble();
      double[] score = scoreAt(phiVal, gram, f, cross, c, 0, SCALE_RIDGE);
      if (bestScore == null || better(score, bestScore)) {
        bestScore = score;
        best = lambda;
      }
    }
    return best;
  }

  /**
   * The router's ridge for this task. {@code gram} and {@code cross} hold every task's statistics including this
   * one's (all rows); the held-out rows' share is taken out for the candidates' fits.
   *
   * @param phi        the task's features, n x F float
   * @param oldClasses classes before this task (this task's classes are the next c columns)
   * @param previous   the relative ridge chosen at the task before (NaN: none), whose neighbours on the grid are
   *                   the only candidates then (the statistics change by one task at a time: three solves, not all)
   * @return the chosen ridge relative to the mean diagonal of {@code gram}
   */
  double chooseRidge(INDArray phi, double[] gram, double[] cross, int oldClasses, int classesNow, double previous) {
    int f = (int) phi.columns();
    double[] ridges = candidates(config.routerRidges(), previous);
    if (!canValidate() || ridges.length == 1) {
      return Double.isNaN(previous) ? ridges[ridges.length / 2] : previous;
    }
    INDArray phiVal = Nd4j.pullRows(phi, 1, heldOut);
    double[] valGram = GramAlgebra.upperGram(phiVal);
    double[] fitGram = gram.clone();
    for (int i = 0; i < fitGram.length; i++) {
      fitGram[i] -= valGram[i];
    }
    double[] valCross = phiVal.transpose().mmul(Nd4j.create(toFloat(oneHot(heldOut, c)),
        new long[] {heldOut.length, c}, 'c')).castTo(DataType.DOUBLE).dup('c').data().asDouble();
    double[] fitCross = cross.clone();
    for (int i = 0; i < f; i++) {
      for (int k = 0; k < c; k++) {
        fitCross[i * classesNow + oldClasses + k] -= valCross[i * c + k];
      }
    }
    double[] score = bestOverRidges(phiVal, fitGram, f, fitCross, classesNow, oldClasses, ridges);
    return score[2];
  }

  /** The grid (sorted), or the grid values within a factor of ten-and-a-bit of {@code previous}. */
  static double[] candidates(double[] grid, double previous) {
    double[] sorted = grid.clone();
    Arrays.sort(sorted);
    if (Double.isNaN(previous)) {
      return sorted;
    }
    double[] near = Arrays.stream(sorted).filter(r -> r >= previous / 10.5 && r <= previous * 10.5).toArray();
    return near.length == 0 ? sorted : near;
  }

  /**
   * {accuracy, -squared error, relative ridge} of the best ridge of the grid: fits {@code gram}/{@code cross} and
   * scores the held-out rows, whose class is column {@code classOffset + target}.
   */
  private double[] bestOverRidges(INDArray phiVal, double[] gram, int f, double[] cross, int classes,
      int classOffset, double[] ridges) {
    double[] best = null;
    for (int r = ridges.length - 1; r >= 0; r--) {
      double[] score = scoreAt(phiVal, gram, f, cross, classes, classOffset, ridges[r]);
      if (best == null || better(score, best)) {
        best = score;
      }
    }
    return best;
  }

  /** {accuracy, -squared error, relative ridge} of the fit at one relative ridge. */
  private double[] scoreAt(INDArray phiVal, double[] gram, int f, double[] cross, int classes, int classOffset,
      double relativeRidge) {
    double diagonal = meanDiagonal(gram, f);
    double[] readout = solve(gram, f, relativeRidge * diagonal, cross, classes);
    INDArray w = Nd4j.create(toFloat(readout), new long[] {f, classes}, 'c');
    float[] scores = phiVal.mmul(w).dup('c').data().asFloat();
    int correct = 0;
    double error = 0;
    for (int i = 0; i < heldOut.length; i++) {
      int right = classOffset + target[heldOut[i]];
      int argmax = 0;
      for (int k = 0; k < classes; k++) {
        float v = scores[i * classes + k];
        if (v > scores[i * classes + argmax]) {
          argmax = k;
        }
        double e = v - (k == right ? 1 : 0);
        error += e * e;
      }
      correct += argmax == right ? 1 : 0;
    }
    return new double[] {correct / (double) heldOut.length, -error / heldOut.length, relativeRidge};
  }

  /** Higher accuracy wins; equal accuracy: lower squared error (strictly better only, so earlier candidates stay). */
  private static boolean better(double[] a, double[] b) {
    return a[0] > b[0] || (a[0] == b[0] && a[1] > b[1] + 1e-12 * Math.abs(b[1]));
  }

  /**
   * (G + ridge I)^-1 C for a packed upper-triangular G (F x F) and row-major C (F x k), in double. A system that is
   * numerically singular at this ridge (the Gram is accumulated from float products) is solved at ten times the
   * ridge, up to six times, before giving up.
   */
  static double[] solve(double[] packedGram, int f, double ridge, double[] cross, int k) {
    double r = ridge;
    double[] full = GramAlgebra.unpackArray(packedGram, f);
    for (int attempt = 0; ; attempt++) {
      try {
        return SpdSolver.solve(full, cross, f, k, r);
      } catch (SingularSystemException e) {
        if (attempt == 6) {
          throw e;
        }
        r *= 10;
      }
    }
  }

  static double meanDiagonal(double[] packed, int f) {
    double sum = 0;
    int p = 0;
    for (int i = 0; i < f; i++) {
      sum += packed[p];
      p += f - i;
    }
    return Math.max(sum / f, 1e-12);
  }

  private double[] oneHot(int[] rows, int classes) {
    double[] y = new double[rows.length * classes];
    for (int i = 0; i < rows.length; i++) {
      y[i * classes + target[rows[i]]] = 1;
    }
    return y;
  }

  private static float[] toFloat(double[] values) {
    float[] out = new float[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (float) values[i];
    }
    return out;
  }

  /**
   * The layer's random draws in [-1,1], before scaling, so every candidate scale reuses the same draws and the
   * chosen layer is exactly the candidate that was validated. Weights row-major dimension x features.
   */
  record Draws(int dimension, int features, double[] weightDraws, double[] biasDraws) {

    static Draws of(int dimension, int features, long seed) {
      SplittableRandom random = new SplittableRandom(seed);
      double[] w = new double[dimension * features];
      double[] b = new double[features];
      for (int i = 0; i < w.length; i++) {
        w[i] = 2 * random.nextDouble() - 1;
      }
      for (int j = 0; j < features; j++) {
        b[j] = 2 * random.nextDouble() - 1;
      }
      return new Draws(dimension, features, w, b);
    }

    /** The first {@code count} features' draws. */
    Draws first(int count) {
      double[] w = new double[dimension * count];
      for (int i = 0; i < dimension; i++) {
        System.arraycopy(weightDraws, i * features, w, i * count, count);
      }
      return new Draws(dimension, count, w, Arrays.copyOf(biasDraws, count));
    }

    /** Weights at scale {@code lambda}: lambda sqrt(3/d) U[-1,1] (fan-in) or lambda U[-1,1] (absolute). */
    float[] weights(double lambda, AutoActivatorConfig.Scaling scaling) {
      double factor = lambda * (scaling == AutoActivatorConfig.Scaling.FANIN ? Math.sqrt(3.0 / dimension) : 1.0);
      float[] out = new float[weightDraws.length];
      for (int i = 0; i < out.length; i++) {
        out[i] = (float) (factor * weightDraws[i]);
      }
      return out;
    }

    /** Biases: U[-1,1] with fan-in scaling (as the analytic baseline), lambda U[-1,1] with absolute. */
    float[] biases(double lambda, AutoActivatorConfig.Scaling scaling) {
      double factor = scaling == AutoActivatorConfig.Scaling.FANIN ? 1.0 : lambda;
      float[] out = new float[biasDraws.length];
      for (int i = 0; i < out.length; i++) {
        out[i] = (float) (factor * biasDraws[i]);
      }
      return out;
    }
  }
}
