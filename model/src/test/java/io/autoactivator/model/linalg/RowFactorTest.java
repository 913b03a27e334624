package io.autoactivator.model.linalg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;

import org.junit.jupiter.api.Test;

class RowFactorTest {

  private static double[] rows(int n, int f, long seed) {
    Random random = new Random(seed);
    double[] x = new double[n * f];
    for (int i = 0; i < x.length; i++) {
      x[i] = random.nextDouble() + 0.1 * random.nextGaussian();
    }
    return x;
  }

  private static double[] gram(double[] x, int n, int f) {
    double[] g = new double[f * f];
    for (int i = 0; i < n; i++) {
      for (int a = 0; a < f; a++) {
        double v = x[i * f + a];
        for (int b = 0; b < f; b++) {
          g[a * f + b] += v * x[i * f + b];
        }
      }
    }
    return g;
  }

  private static double[] concat(double[]... parts) {
    int length = 0;
    for (double[] p : parts) {
      length += p.length;
    }
    double[] out = new double[length];
    int at = 0;
    for (double[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }

  private static void assertFactors(RowFactor factor, double[] gram) {
    int f = factor.features();
    double[] r = factor.values();
    double scale = 0;
    for (int i = 0; i < f; i++) {
      scale = Math.max(scale, gram[i * f + i]);
    }
    for (int a = 0; a < f; a++) {
      for (int b = 0; b < f; b++) {
        double v = 0;
        for (int k = 0; k < factor.rows(); k++) {
          v += r[k * f + a] * r[k * f + b];
        }
        assertThat(Math.abs(v - gram[a * f + b])).as("G[%d][%d]", a, b).isLessThan(1e-11 * scale);
      }
    }
    for (int i = 0; i < factor.rows(); i++) {
      assertThat(r[i * f + i]).as("diagonal %d", i).isGreaterThanOrEqualTo(0);
      for (int j = 0; j < i; j++) {
        assertThat(r[i * f + j]).as("below the diagonal at %d,%d", i, j).isZero();
      }
    }
  }

  @Test
  void rowsAppendedInBatchesAcrossPanelBoundariesFactorTheirGram() {
    int f = 150;
    double[] a = rows(7, f, 1);
    double[] b = rows(40, f, 2);
    double[] c = rows(13, f, 3);
    double[] d = rows(33, f, 4);
    RowFactor factor = RowFactor.empty(f).append(a, 7).append(b, 40).append(c, 13).append(d, 33);
    assertThat(factor.rows()).isEqualTo(93);
    assertFactors(factor, gram(concat(a, b, c, d), 93, f));
    assertThat(factor.meanDiagonal()).isCloseTo(trace(gram(concat(a, b, c, d), 93, f), f) / f,
        org.assertj.core.data.Percentage.withPercentage(1e-9));
  }

  @Test
  void theFactorDependsOnTheGramOnlyNotOnHowTheRowsArrived() {
    int f = 80;
    double[] x = rows(60, f, 5);
    RowFactor once = RowFactor.empty(f).append(x, 60);
    RowFactor inParts = RowFactor.empty(f);
    for (int start = 0; start < 60; start += 9) {
      int n = Math.min(9, 60 - start);
      double[] part = new double[n * f];
      System.arraycopy(x, start * f, part, 0, n * f);
      inParts = inParts.append(part, n);
    }
    double[] r1 = once.values();
    double[] r2 = inParts.values();
    for (int i = 0; i < r1.length; i++) {
      assertThat(r2[i]).isCloseTo(r1[i], org.assertj.core.data.Offset.offset(1e-9));
    }
  }

  @Test
  void moreRowsThanColumnsGiveASquareFactorAndDuplicatesAreHarmless() {
    int f = 40;
    double[] x = rows(30, f, 6);
    double[] again = concat(x, x);
    RowFactor factor = RowFactor.empty(f).append(again, 60).append(rows(25, f, 7), 25);
    assertThat(factor.rows()).isEqualTo(f);
    assertFactors(factor, gram(concat(again, rows(25, f, 7)), 85, f));
    RowFactor duplicates = RowFactor.empty(f).append(x, 30).append(x, 30);
    assertThat(duplicates.rows()).isEqualTo(f);
    assertFactors(duplicates, gram(again, 60, f));
  }

  @Test
  void productsAndThePackedGramAgreeWithTheFactor() {
    int f = 50;
    double[] x = rows(20, f, 8);
    RowFactor factor = RowFactor.empty(f).append(x, 20);
    double[] g = gram(x, 20, f);
    double[] packed = factor.gramPacked();
    int at = 0;
    for (int a = 0; a < f; a++) {
      for (int b = a; b < f; b++) {
        assertThat(packed[at++]).isCloseTo(g[a * f + b], org.assertj.core.data.Offset.offset(1e-10));
      }
    }
    double[] r = factor.values();
    double[] u = rows(20, 3, 9);
    double[] k;
    double[] back;
    double[] xr;
    try (RowFactor.Products products = factor.products()) {
      k = products.rowGram();
      back = products.multiply(products.multiplyTransposed(u, 3), 3);
      xr = products.multiply(transpose(x, 20, f), 20);
    }
    for (int i = 0; i < 20; i++) {
      for (int j = 0; j < 20; j++) {
        double v = 0;
        double w = 0;
        for (int c = 0; c < f; c++) {
          v += r[i * f + c] * r[j * f + c];
          w += r[i * f + c] * x[j * f + c];
        }
        assertThat(k[i * 20 + j]).isCloseTo(v, org.assertj.core.data.Offset.offset(1e-10));
        assertThat(xr[i * 20 + j]).isCloseTo(w, org.assertj.core.data.Offset.offset(1e-10));
      }
      for (int m = 0; m < 3; m++) {
        double v = 0;
        for (int j = 0; j < 20; j++) {
          v += k[i * 20 + j] * u[j * 3 + m];
        }
        assertThat(back[i * 3 + m]).isCloseTo(v, org.assertj.core.data.Offset.offset(1e-9));
      }
    }
  }

  @Test
  void theRowGramOfAFactorOfSeveralBlocksIsRRTransposed() {
    int f = 700;
    int n = 300; // more than one 256-row block of K
    RowFactor factor = RowFactor.empty(f).append(rows(n, f, 11), n);
    double[] r = factor.values();
    double[] k;
    try (RowFactor.Products products = factor.products()) {
      k = products.rowGram();
    }
    for (int i = 0; i < n; i += 7) {
      for (int j = 0; j < n; j += 5) {
        double v = 0;
        for (int c = 0; c < f; c++) {
          v += r[i * f + c] * r[j * f + c];
        }
        assertThat(k[i * n + j]).as("K[%d][%d]", i, j).isCloseTo(v, org.assertj.core.data.Offset.offset(1e-8));
      }
    }
  }

  @Test
  void aStoredFactorIsCheckedWhenReadBack() {
    RowFactor factor = RowFactor.empty(10).append(rows(4, 10, 10), 4);
    assertThat(RowFactor.of(10, 4, factor.values())).isEqualTo(factor);
    assertThatThrownBy(() -> RowFactor.of(10, 5, factor.values())).isInstanceOf(IllegalArgumentException.class);
    double[] forged = factor.values();
    forged[10 + 0] = 1; // below the diagonal of row 1
    assertThatThrownBy(() -> RowFactor.of(10, 4, forged)).hasMessageContaining("row 1");
    forged[10 + 0] = Double.NaN;
    assertThatThrownBy(() -> RowFactor.of(10, 4, forged)).isInstanceOf(IllegalArgumentException.class);
  }

  private static double[] transpose(double[] x, int n, int f) {
    double[] t = new double[x.length];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < f; j++) {
        t[j * n + i] = x[i * f + j];
      }
    }
    return t;
  }

  private static double trace(double[] g, int f) {
    double t = 0;
    for (int i = 0; i < f; i++) {
      t += g[i * f + i];
    }
    return t;
  }
}
