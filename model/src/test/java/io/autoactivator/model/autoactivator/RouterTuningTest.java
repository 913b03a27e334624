package io.autoactivator.model.autoactivator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Random;

import io.autoactivator.model.linalg.RowFactor;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The ridges are chosen by leave-one-out error computed in closed form; these specifications check the closed form
 * against the definition: refit without each validation row, predict it, sum the squared errors.
 */
class RouterTuningTest {

  private static final AutoActivatorConfig CONFIG = AutoActivatorConfig.fromOptions(Map.of());
  private static final double[] GRID = {1e-5, 1e-4, 1e-3, 1e-2, 1e-1};

  /** A task of n rows with f random features and c classes, with earlier tasks' statistics of {@code old} rows. */
  private record Task(float[] phi, int[] target, double[] oldRows, double[] oldGram, double[] oldCross, int n, int f,
      int c, int oldClasses) {

    static Task random(int n, int f, int c, int old, int oldClasses, long seed) {
      return random(n, f, c, old, oldClasses, 0.8, seed);
    }

    static Task random(int n, int f, int c, int old, int oldClasses, double signal, long seed) {
      Random random = new Random(seed);
      float[] phi = new float[n * f];
      int[] target = new int[n];
      for (int i = 0; i < n; i++) {
        target[i] = random.nextInt(c);
        for (int j = 0; j < f; j++) {
          phi[i * f + j] = (float) (random.nextGaussian() + (j % c == target[i] ? signal : 0));
        }
      }
      double[] oldGram = new double[f * f];
      double[] oldCross = new double[f * (oldClasses + c)];
      double[] oldRows = new double[old * f];
      for (int r = 0; r < old; r++) {
        int label = random.nextInt(oldClasses);
        double[] row = new double[f];
        for (int j = 0; j < f; j++) {
          row[j] = random.nextGaussian() + (j % oldClasses == label ? 0.5 : 0);
        }
        System.arraycopy(row, 0, oldRows, r * f, f);
        for (int a = 0; a < f; a++) {
          for (int b = 0; b < f; b++) {
            oldGram[a * f + b] += row[a] * row[b];
          }
          oldCross[a * (oldClasses + c) + label] += row[a];
        }
      }
      return new Task(phi, target, oldRows, oldGram, oldCross, n, f, c, oldClasses);
    }

    int classes() {
      return oldClasses + c;
    }

    /** Every task's Gram and cross terms, optionally without row {@code skip} of this task (-1: none). */
    double[][] statistics(int skip) {
      double[] gram = oldGram.clone();
      double[] cross = oldCross.clone();
      for (int i = 0; i < n; i++) {
        if (i == skip) {
          continue;
        }
        for (int a = 0; a < f; a++) {
          for (int b = 0; b < f; b++) {
            gram[a * f + b] += (double) phi[i * f + a] * phi[i * f + b];
          }
          cross[a * classes() + oldClasses + target[i]] += phi[i * f + a];
        }
      }
      return new double[][] {gram, cross};
    }

    /** Every task's Gram as its row factor: the old rows, then this task's. */
    RouterGram factored() {
      double[] rows = new double[n * f];
      for (int i = 0; i < rows.length; i++) {
        rows[i] = phi[i];
      }
      return new RouterGram.Factored(RowFactor.empty(f).append(oldRows, oldRows.length / f).append(rows, n));
    }

    double[] packed(double[] full) {
      double[] packed = new double[f * (f + 1) / 2];
      int p = 0;
      for (int a = 0; a < f; a++) {
        for (int b = a; b < f; b++) {
          packed[p++] = full[a * f + b];
        }
      }
      return packed;
    }
  }

  /** The definition: refit without each row, score it over every class seen. */
  private static double bruteForceError(Task t, double relative) {
    double[][] all = t.statistics(-1);
    double ridge = relative * RouterTuning.meanDiagonal(t.packed(all[0]), t.f());
    double error = 0;
    for (int i = 0; i < t.n(); i++) {
      double[][] without = t.statistics(i);
      DMatrixRMaj a = DMatrixRMaj.wrap(t.f(), t.f(), without[0]);
      for (int j = 0; j < t.f(); j++) {
        a.add(j, j, ridge);
      }
      DMatrixRMaj w = new DMatrixRMaj(t.f(), t.classes());
      CommonOps_DDRM.solve(a, DMatrixRMaj.wrap(t.f(), t.classes(), without[1]), w);
      for (int k = 0; k < t.classes(); k++) {
        double p = 0;
        for (int j = 0; j < t.f(); j++) {
          p += t.phi()[i * t.f() + j] * w.get(j, k);
        }
        double e = (k == t.oldClasses() + t.target()[i] ? 1 : 0) - p;
        error += e * e;
      }
    }
    return error;
  }

  private static double bruteForceBest(Task t, double[] candidates) {
    double best = Double.NaN;
    double bestError = Double.POSITIVE_INFINITY;
    for (int r = candidates.length - 1; r >= 0; r--) {
      double e = bruteForceError(t, candidates[r]);
      if (e < bestError) {
        bestError = e;
        best = candidates[r];
      }
    }
    return best;
  }

  private static RouterTuning tuning(Task t) {
    return tuning(t, CONFIG);
  }

  private static RouterTuning tuning(Task t, AutoActivatorConfig config) {
    INDArray x = Nd4j.create(DataType.FLOAT, t.n(), 3);
    return new RouterTuning(config, x, t.target(), t.c(), 7);
  }

  @Test
  void theRoutersRidgeIsTheOneWithTheSmallestLeaveOneOutErrorAndItsReadoutIsTheFullFit() {
    java.util.Set<Double> chosen = new java.util.TreeSet<>();
    double[] grid = {1e-3, 1e-2, 1e-1, 1, 10};
    AutoActivatorConfig config = AutoActivatorConfig.fromOptions(Map.of("router.ridges", "1e-3,1e-2,1e-1,1,10"));
    for (long seed = 1; seed <= 6; seed++) {
      // from few noisy rows (large ridges win) to many clean ones (small ridges win)
      Task t = Task.random(10 + (int) seed * 8, 30, 2, 15, 2, 0.5 * seed, seed);
      INDArray phi = Nd4j.create(t.phi(), new long[] {t.n(), t.f()}, 'c');
      double[][] all = t.statistics(-1);
      RouterTuning.RidgeFit fit = tuning(t, config).chooseRidge(phi, new RouterGram.Packed(t.packed(all[0]), t.f()),
          all[1], t.oldClasses(), t.classes(), Double.NaN);
      assertThat(fit.relative()).as("seed " + seed).isEqualTo(bruteForceBest(t, grid));
      chosen.add(fit.relative());
      double ridge = fit.relative() * RouterTuning.meanDiagonal(t.packed(all[0]), t.f());
      double[] expected = RouterTuning.solve(t.packed(all[0]), t.f(), ridge, all[1], t.classes());
      for (int i = 0; i < expected.length; i++) {
        assertThat(fit.readout()[i]).isCloseTo(expected[i], org.assertj.core.data.Offset.offset(1e-9));
      }
    }
    assertThat(chosen).as("the tasks do not all choose the same ridge: " + chosen).hasSizeGreaterThan(1);
  }

  @Test
  void laterTasksStartFromTheNeighboursOfThePreviousChoiceAndWalkOnFromTheWindowsEnd() {
    assertThat(RouterTuning.window(GRID, 1e-3)).containsExactly(1, 3);
    assertThat(RouterTuning.window(GRID, 1e-5)).containsExactly(0, 1);
    assertThat(RouterTuning.window(GRID, 1e-1)).containsExactly(3, 4);
    assertThat(RouterTuning.window(GRID, Double.NaN)).containsExactly(0, 4);
    assertThat(RouterTuning.window(GRID, 1.0)).as("outside the grid: all of it").containsExactly(0, 4);
    Task t = Task.random(30, 12, 2, 15, 2, 11);
    INDArray phi = Nd4j.create(t.phi(), new long[] {t.n(), t.f()}, 'c');
    double[][] all = t.statistics(-1);
    RouterTuning.RidgeFit fit = tuning(t).chooseRidge(phi, new RouterGram.Packed(t.packed(all[0]), t.f()), all[1],
        t.oldClasses(), t.classes(), 1e-3);
    assertThat(bruteForceBest(t, new double[] {1e-4, 1e-3, 1e-2})).as("the window's best is its end").isEqualTo(1e-2);
    assertThat(fit.relative()).as("the search walked on to the grid's best").isEqualTo(bruteForceBest(t, GRID))
        .isEqualTo(1e-1);
  }

  @Test
  void theSearchWalksPastTheWindowWhileTheErrorFalls() {
    double[] grid = {1e-3, 1e-2, 1e-1, 1, 10};
    AutoActivatorConfig config = AutoActivatorConfig.fromOptions(Map.of("router.ridges", "1e-3,1e-2,1e-1,1,10"));
    java.util.Set<Double> beyond = new java.util.TreeSet<>();
    for (long seed = 1; seed <= 6; seed++) {
      Task t = Task.random(10 + (int) seed * 8, 30, 2, 15, 2, 0.5 * seed, seed);
      INDArray phi = Nd4j.create(t.phi(), new long[] {t.n(), t.f()}, 'c');
      double[][] all = t.statistics(-1);
      for (double previous : new double[] {1e-3, 10}) {
        RouterTuning.RidgeFit fit = tuning(t, config).chooseRidge(phi,
            new RouterGram.Packed(t.packed(all[0]), t.f()), all[1], t.oldClasses(), t.classes(), previous);
        assertThat(fit.relative()).as("seed " + seed + ", from " + previous).isEqualTo(bruteForceBest(t, grid));
        if (Math.abs(Math.log10(fit.relative() / previous)) > 1.5) {
          beyond.add(fit.relative());
        }
      }
    }
    assertThat(beyond).as("some tasks' best ridge lies more than one step from the previous one").isNotEmpty();
  }

  @Test
  void aFirstTaskOfOneClassTakesTheMiddleOfTheGrid() {
    Task t = Task.random(30, 12, 1, 0, 0, 11);
    INDArray phi = Nd4j.create(t.phi(), new long[] {t.n(), t.f()}, 'c');
    double[][] all = t.statistics(-1);
    RouterTuning.RidgeFit fit = tuning(t).chooseRidge(phi, new RouterGram.Packed(t.packed(all[0]), t.f()), all[1],
        0, 1, Double.NaN);
    assertThat(fit.relative()).isEqualTo(1e-3);
  }

  @Test
  void theFactoredGramChoosesTheSameRidgeAndReadoutAsThePackedOne() {
    AutoActivatorConfig config = AutoActivatorConfig.fromOptions(Map.of("router.ridges", "1e-3,1e-2,1e-1,1,10"));
    for (long seed = 1; seed <= 4; seed++) {
      // fewer rows (15 old + the task's) than features, as on a table
      Task t = Task.random(10 + (int) seed * 5, 60, 2, 15, 2, 0.5 * seed, seed);
      INDArray phi = Nd4j.create(t.phi(), new long[] {t.n(), t.f()}, 'c');
      double[][] all = t.statistics(-1);
      RouterTuning.RidgeFit packed = tuning(t, config).chooseRidge(phi, new RouterGram.Packed(t.packed(all[0]),
          t.f()), all[1], t.oldClasses(), t.classes(), Double.NaN);
      RouterTuning.RidgeFit factored = tuning(t, config).chooseRidge(phi, t.factored(), all[1], t.oldClasses(),
          t.classes(), Double.NaN);
      assertThat(factored.relative()).as("seed " + seed).isEqualTo(packed.relative());
      for (int i = 0; i < packed.readout().length; i++) {
        assertThat(factored.readout()[i]).isCloseTo(packed.readout()[i], org.assertj.core.data.Offset.offset(1e-7));
      }
      assertThat(t.factored().meanDiagonal()).isCloseTo(RouterTuning.meanDiagonal(t.packed(all[0]), t.f()),
          org.assertj.core.data.Percentage.withPercentage(1e-9));
      double ridge = 0.3;
      double[] a = t.factored().solve(ridge, all[1], t.classes());
      double[] b = new RouterGram.Packed(t.packed(all[0]), t.f()).solve(ridge, all[1], t.classes());
      for (int i = 0; i < a.length; i++) {
        assertThat(a[i]).isCloseTo(b[i], org.assertj.core.data.Offset.offset(1e-9));
      }
    }
  }

  @Test
  void theGramStaysFactoredWhileItsRowsAreAtMostTwoThirdsOfTheFeaturesThenPacks() {
    int f = 36;
    INDArray twelve = Nd4j.rand(DataType.FLOAT, 12, f);
    RouterGram gram = RouterGram.empty(f, 12).plus(twelve, () -> GramAlgebra.upperGram(twelve));
    assertThat(gram).isInstanceOf(RouterGram.Factored.class);
    gram = gram.plus(twelve, () -> GramAlgebra.upperGram(twelve));
    assertThat(gram).as("24 rows of 36 features").isInstanceOf(RouterGram.Factored.class);
    gram = gram.plus(twelve, () -> GramAlgebra.upperGram(twelve));
    assertThat(gram).isInstanceOf(RouterGram.Packed.class);
    double[] packed = ((RouterGram.Packed) gram).packed();
    double[] expected = GramAlgebra.upperGram(Nd4j.vstack(twelve, twelve, twelve));
    for (int i = 0; i < packed.length; i++) {
      assertThat(packed[i]).isCloseTo(expected[i], org.assertj.core.data.Offset.offset(1e-4));
    }
    assertThat(RouterGram.empty(f, 24)).isInstanceOf(RouterGram.Factored.class);
    assertThat(RouterGram.empty(f, 25)).isInstanceOf(RouterGram.Packed.class);
  }
}
