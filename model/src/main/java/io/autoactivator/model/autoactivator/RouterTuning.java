package io.autoactivator.model.autoactivator;

import java.util.Arrays;
import java.util.SplittableRandom;

import io.autoactivator.model.linalg.SingularSystemException;
import io.autoactivator.model.linalg.SpdSolver;

import org.nd4j.linalg.api.buffer.DataType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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

  private static final Logger LOG = LoggerFactory.getLogger(RouterTuning.class);

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

  /**
   * The weight scale for the first task. The candidates are tried from the variance rule (1) outwards, and one
   * replaces the incumbent only when it makes clearly fewer held-out errors: more than {@code 2 sqrt(e + 1)} fewer
   * than the incumbent's e (two standard deviations of a count). A first task is often too easy to tell scales
   * apart (split MNIST's 0-vs-1: a few errors in 2,533 rows), and then the variance rule stands; where the first
   * task does tell (a table of 10 features, where unit-variance sigmoids are nearly linear) validation decides.
   */
  double chooseScale(Draws draws) {
    double[] candidates = config.routerLambdas();
    if (!canValidate() || candidates.length == 1) {
      return candidates.length == 1 ? candidates[0] : 1.0;
    }
    Double[] order = Arrays.stream(candidates).boxed()
        .sorted((a, b) -> Double.compare(Math.abs(Math.log(a)), Math.abs(Math.log(b)))).toArray(Double[]::new);
    int[] fit = fitRows.length <= SCALE_FIT_ROWS ? fitRows : Arrays.copyOf(fitRows, SCALE_FIT_ROWS);
    int f = Math.min(SCALE_FEATURES, draws.features());
    INDArray xf = Nd4j.pullRows(x, 1, fit);
    INDArray xv = Nd4j.pullRows(x, 1, heldOut);
    double[] yFit = oneHot(fit, c);
    Draws narrow = draws.first(f);
    double best = order[0];
    double bestErrors = Double.POSITIVE_INFINITY;
    for (double lambda : order) {
      INDArray w = Nd4j.create(narrow.weights(lambda, config.scaling()), new long[] {draws.dimension(), f}, 'c');
      INDArray b = Nd4j.create(narrow.biases(lambda, config.scaling()), new long[] {1, f}, 'c');
      INDArray phiFit = Transforms.sigmoid(xf.mmul(w).addiRowVector(b), false);
      INDArray phiVal = Transforms.sigmoid(xv.mmul(w).addiRowVector(b), false);
      double[] gram = GramAlgebra.upperGram(phiFit);
      double[] cross = phiFit.transpose().mmul(Nd4j.create(toFloat(yFit), new long[] {fit.length, c}, 'c'))
          .castTo(DataType.DOUBLE).dup('c').data().asDouble();
      double[] score = scoreAt(phiVal, gram, f, cross, c, 0, SCALE_RIDGE);
      double errors = Math.round((1 - score[0]) * heldOut.length);
      LOG.debug("router scale {}: {} held-out errors", lambda, errors);
      if (Double.isInfinite(bestErrors) || bestErrors - errors > 2 * Math.sqrt(bestErrors + 1)) {
        best = lambda;
        bestErrors = errors;
      }
    }
    LOG.info("router scale {} chosen on the first task's {} held-out rows ({} errors)", best, heldOut.length,
        bestErrors);
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

  /**
   * A unit head's ridge: the best of {@code router.ridges} (relative to the mean diagonal of the unit's start Gram)
   * by within-task accuracy on the held-out slice, fitted on the rest of the task; ties go to the larger ridge. In
   * the dual form when the fitting rows are fewer than the columns (a small table read through thousands of
   * shared features), else through the Gram minus the held-out rows' share.
   *
   * @param start      the unit's starting columns for every row of the task, n x D double
   * @param packedGram start^T start, packed upper triangle
   * @param y          the task's one-hot targets, n x c
   * @return the absolute ridge
   */
  double chooseHeadRidge(INDArray start, double[] packedGram, INDArray y) {
    int d = (int) start.columns();
    double diagonal = meanDiagonal(packedGram, d);
    double[] ridges = config.routerRidges().clone();
    Arrays.sort(ridges);
    if (!canValidate() || ridges.length == 1) {
      return ridges[ridges.length / 2] * diagonal;
    }
    INDArray hv = Nd4j.pullRows(start, 1, heldOut);
    INDArray yv = Nd4j.pullRows(y, 1, heldOut);
    INDArray hf = Nd4j.pullRows(start, 1, fitRows);
    INDArray yf = Nd4j.pullRows(y, 1, fitRows);
    boolean dual = fitRows.length < d;
    double[] kernel = null;
    INDArray crossKernel = null;
    double[] fitGram = null;
    double[] fitCross = null;
    if (dual) {
      kernel = GramAlgebra.symmetrize(hf.mmul(hf.transpose())).dup('c').data().asDouble();
      crossKernel = hv.mmul(hf.transpose());
    } else {
      fitGram = GramAlgebra.unpackArray(packedGram, d);
      double[] valGram = GramAlgebra.symmetrize(hv.transpose().mmul(hv)).dup('c').data().asDouble();
      for (int i = 0; i < fitGram.length; i++) {
        fitGram[i] -= valGram[i];
      }
      fitCross = hf.transpose().mmul(yf).dup('c').data().asDouble();
    }
    double[] yfValues = yf.dup('c').data().asDouble();
    double best = ridges[ridges.length - 1] * diagonal;
    int bestCorrect = -1;
    for (int r = ridges.length - 1; r >= 0; r--) {
      double gamma = ridges[r] * diagonal;
      INDArray scores;
      try {
        if (dual) {
          double[] a = SpdSolver.solve(kernel, yfValues, fitRows.length, c, gamma);
          scores = crossKernel.mmul(Nd4j.create(a, new long[] {fitRows.length, c}, 'c'));
        } else {
          double[] beta = SpdSolver.solve(fitGram, fitCross, d, c, gamma);
          scores = hv.mmul(Nd4j.create(beta, new long[] {d, c}, 'c'));
        }
      } catch (SingularSystemException tooSmall) {
        continue;
      }
      int correct = 0;
      double[] sv = scores.dup('c').data().asDouble();
      for (int i = 0; i < heldOut.length; i++) {
        int argmax = 0;
        for (int k = 1; k < c; k++) {
          if (sv[i * c + k] > sv[i * c + argmax]) {
            argmax = k;
          }
        }
        correct += argmax == target[heldOut[i]] ? 1 : 0;
      }
      if (correct > bestCorrect) {
        bestCorrect = correct;
        best = gamma;
      }
    }
    return best;
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
      return weights(new double[] {lambda}, scaling);
    }

    /** Weights where feature j has scale {@code lambdas[j % lambdas.length]} (one scale: all alike). */
    float[] weights(double[] lambdas, AutoActivatorConfig.Scaling scaling) {
      double fanIn = scaling == AutoActivatorConfig.Scaling.FANIN ? Math.sqrt(3.0 / dimension) : 1.0;
      float[] out = new float[weightDraws.length];
      for (int i = 0; i < out.length; i++) {
        out[i] = (float) (lambdas[(i % features) % lambdas.length] * fanIn * weightDraws[i]);
      }
      return out;
    }

    /** Biases: U[-1,1] with fan-in scaling (as the analytic baseline), lambda U[-1,1] with absolute. */
    float[] biases(double lambda, AutoActivatorConfig.Scaling scaling) {
      return biases(new double[] {lambda}, scaling);
    }

    /** Biases of {@link #weights(double[], AutoActivatorConfig.Scaling)}'s features. */
    float[] biases(double[] lambdas, AutoActivatorConfig.Scaling scaling) {
      float[] out = new float[biasDraws.length];
      for (int j = 0; j < out.length; j++) {
        double factor = scaling == AutoActivatorConfig.Scaling.FANIN ? 1.0 : lambdas[j % lambdas.length];
        out[j] = (float) (factor * biasDraws[j]);
      }
      return out;
    }
  }
}
