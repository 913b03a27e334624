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

/**
 * Chooses the shared feature layer's settings from the CURRENT task's training data only (RanPAC's rule); old data
 * and test data are never looked at. Earlier tasks enter only through their statistics, which carry no sample.
 *
 * <ul>
 *   <li>{@link #chooseRidge}: at every task, the router's ridge among {@code router.ridges} times the mean diagonal
 *       of the Gram (so the grid follows the number of samples and the feature scale), by exact leave-one-out
 *       squared error on the task's rows;</li>
 *   <li>{@link #chooseScale}: at the first task only (the layer is frozen afterwards, {@code router.lambda=auto}),
 *       the weight scale among {@code router.lambdas}, on the held-out slice, at most {@value #SCALE_FIT_ROWS} rows
 *       and the first {@value #SCALE_FEATURES} features (the scale's effect shows well before the layer's full
 *       width, at a fraction of the cost).</li>
 * </ul>
 * Ties go to the larger ridge and the smaller scale; the final fit uses every row.
 */
final class RouterTuning {

  private static final Logger LOG = LoggerFactory.getLogger(RouterTuning.class);

  static final int SCALE_FIT_ROWS = 4000;
  static final int SCALE_FEATURES = 1000;
  /** Relative ridge of the scale search (the middle of the default ridge grid: the scale is chosen first). */
  static final double SCALE_RIDGE = 1e-3;
  /** At most this many of a task's rows validate the router's ridge (leave-one-out). */
  static final int LOO_ROWS = 1000;

  private final AutoActivatorConfig config;
  private final INDArray x;
  private final int[] target;
  private final int c;
  private final int[] fitRows;
  private final int[] heldOut;
  /** The task's rows in a seeded random order (the held-out slice is its head). */
  private final int[] order;

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
    order = new int[n];
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
      INDArray phiFit = config.denseActivation().applyInPlace(xf.mmul(w).addiRowVector(b));
      INDArray phiVal = config.denseActivation().applyInPlace(xv.mmul(w).addiRowVector(b));
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
   * The router's ridge for this task, by exact leave-one-out validation on the task's own rows: for each candidate
   * ridge the readout is fitted on every task's statistics ({@code gram}, {@code cross}, this task's rows included),
   * and each validation row's prediction without that row follows in closed form,
   * {@code y_-i = (y_i - h_i t_i) / (1 - h_i)} with the leverage {@code h_i = phi_i^T (G + ridge I)^-1 phi_i}. The
   * ridge with the smallest squared leave-one-out error over all classes seen wins (ties: the larger ridge); a first
   * task of one class, whose target is constant, takes the grid's middle (every ridge fits a constant). The
   * earlier tasks' statistics enter every fit but are never validated on: they carry no sample.
   *
   * <p>Why leave-one-out rather than a held-out slice: every row of a small task both trains and validates (a
   * table's task of 57 rows held out 11), and the squared error is a far less noisy criterion than the count of
   * held-out errors (prototype {@code exp6.py}, 6-10 seeds per table: +0.5 to +1 point of ACC over the held-out
   * rule on Vehicle, Soybean, Vowel, iris and wine, equal on Glass and digits). The validation rows are the whole task up to
   * {@value #LOO_ROWS} rows, a seeded sample of that many beyond; each candidate costs one factorisation of the
   * router's Gram, whose solve is the readout itself when the candidate wins.
   *
   * @param phi        the task's features, n x F float
   * @param gram       every task's Gram, this task's rows included (packed or factored: {@link RouterGram})
   * @param cross      every task's cross terms, F x classesNow row-major
   * @param oldClasses classes before this task (this task's classes are the next c columns)
   * @param previous   the relative ridge chosen at the task before (NaN: none); its neighbours on the grid are
   *                   tried first ({@link #window}), and the search walks on along the grid while the error falls
   *                   (iris in tasks of one class moved from 1e-4 to 1e-3, the window's end, with an error a third
   *                   of its neighbour's: the walk goes on to where the error turns)
   * @return the chosen relative ridge and its readout, F x classesNow row-major
   */
  RidgeFit chooseRidge(INDArray phi, RouterGram gram, double[] cross, int oldClasses, int classesNow,
      double previous) {
    int f = (int) phi.columns();
    double[] grid = config.routerRidges();
    Arrays.sort(grid);
    double diagonal = gram.meanDiagonal();
    // A first task of one class has a constant target: every ridge fits it, leave-one-out cannot tell them apart.
    boolean constantTarget = oldClasses == 0 && c == 1;
    if (target.length < 2 || grid.length == 1 || constantTarget) {
      return unvalidated(gram, diagonal, cross, classesNow, grid, previous);
    }
    int[] rows = validationRows();
    int m = rows.length;
    double[] phiT = Nd4j.pullRows(phi, 1, rows).transpose().castTo(DataType.DOUBLE).dup('c').data().asDouble();
    INDArray validation = Nd4j.create(phiT, new long[] {f, m}, 'c');
    try (RouterGram.RidgeSystem system = gram.system(phiT, m, cross, classesNow)) {
      Search search = new Search(grid, system, diagonal, validation, rows, f, classesNow, oldClasses);
      int[] window = window(grid, previous);
      for (int r = window[1]; r >= window[0]; r--) {
        search.tryRidge(r, false);
      }
      // The statistics moved further than one step of the grid: walk on while the error falls.
      for (int r = window[1] + 1; r < grid.length && search.bestIndex() == r - 1; r++) {
        search.tryRidge(r, true);
      }
      for (int r = window[0] - 1; r >= 0 && search.bestIndex() == r + 1; r--) {
        search.tryRidge(r, false);
      }
      return search.best() != null ? search.best() : unvalidated(gram, diagonal, cross, classesNow, grid, previous);
    }
  }

  /** The leave-one-out search over the grid's ridges: the best so far and its index. */
  private final class Search {
    private final double[] grid;
    private final RouterGram.RidgeSystem system;
    private final double diagonal;
    private final INDArray validation;
    private final int[] rows;
    private final int f;
    private final int classes;
    private final int oldClasses;
    private RidgeFit best;
    private int bestIndex = -1;
    private double bestError = Double.POSITIVE_INFINITY;

    Search(double[] grid, RouterGram.RidgeSystem system, double diagonal, INDArray validation, int[] rows, int f,
        int classes, int oldClasses) {
      this.grid = grid;
      this.system = system;
      this.diagonal = diagonal;
      this.validation = validation;
      this.rows = rows;
      this.f = f;
      this.classes = classes;
      this.oldClasses = oldClasses;
    }

    /** Scores grid ridge {@code r}; it becomes the best if its error is smaller (or equal, with {@code orEqual}). */
    void tryRidge(int r, boolean orEqual) {
      RouterGram.Fit fit;
      try {
        fit = system.at(grid[r] * diagonal);
      } catch (SingularSystemException tooSmall) {
        LOG.debug("router ridge {}: singular", grid[r]);
        return;
      }
      double error = leaveOneOutError(validation, fit.leverage(), fit.readout(), rows, f, classes, oldClasses);
      LOG.debug("router ridge {}: leave-one-out squared error {} on {} rows", grid[r], error, rows.length);
      if (error < bestError || (orEqual && error == bestError)) {
        bestError = error;
        bestIndex = r;
        best = new RidgeFit(grid[r], fit.readout());
      }
    }

    RidgeFit best() {
      return best;
    }

    int bestIndex() {
      return bestIndex;
    }
  }

  /** The previous task's ridge (the grid's middle at the first task) when validation cannot choose. */
  private static RidgeFit unvalidated(RouterGram gram, double diagonal, double[] cross, int classesNow,
      double[] ridges, double previous) {
    double relative = Double.isNaN(previous) ? ridges[ridges.length / 2] : previous;
    return new RidgeFit(relative, gram.solve(relative * diagonal, cross, classesNow));
  }

  /** Sum over the validation rows of the squared leave-one-out residuals over every class seen. */
  private double leaveOneOutError(INDArray validation, double[] leverage, double[] readout, int[] rows, int f,
      int classes, int classOffset) {
    int m = rows.length;
    // every validation row's fitted scores, m x classes: one double gemm (validation is F x m)
    double[] predicted = validation.transpose().mmul(Nd4j.create(readout, new long[] {f, classes}, 'c')).dup('c')
        .data().asDouble();
    double error = 0;
    for (int i = 0; i < m; i++) {
      double keep = Math.max(1 - leverage[i], 1e-9);
      int right = classOffset + target[rows[i]];
      for (int k = 0; k < classes; k++) {
        double residual = ((k == right ? 1 : 0) - predicted[i * classes + k]) / keep;
        error += residual * residual;
      }
    }
    return error;
  }

  /** Every row of the task (sorted) up to {@value #LOO_ROWS}; beyond, a seeded sample of that many. */
  int[] validationRows() {
    if (order.length <= LOO_ROWS) {
      int[] all = new int[order.length];
      for (int i = 0; i < all.length; i++) {
        all[i] = i;
      }
      return all;
    }
    int[] sample = Arrays.copyOf(order, LOO_ROWS);
    Arrays.sort(sample);
    return sample;
  }

  /**
   * The first and last index of the sorted {@code grid} tried first: the values within a factor of ten-and-a-bit of
   * {@code previous} (the statistics change by one task at a time: three solves, not five), the whole grid at the
   * first task or when {@code previous} is not inside the grid's range.
   */
  static int[] window(double[] grid, double previous) {
    int lo = 0;
    int hi = grid.length - 1;
    if (Double.isNaN(previous) || previous < grid[0] || previous > grid[grid.length - 1]) {
      return new int[] {lo, hi};
    }
    while (lo < hi && grid[lo] < previous / 10.5) {
      lo++;
    }
    while (hi > lo && grid[hi] > previous * 10.5) {
      hi--;
    }
    return new int[] {lo, hi};
  }


  /** A router ridge (relative to the mean diagonal of the Gram) and the readout it gives. */
  record RidgeFit(double relative, double[] readout) {
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
