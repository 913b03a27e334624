package io.autoactivator.model.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ContinualMetricsTest {

  /*
   * R (rows: after training task i; columns: test data of task j):
   *          j=0   j=1   j=2
   *   i=0   0.90    -     -
   *   i=1   0.60  0.80    -
   *   i=2   0.70  0.50  0.40
   *
   * ACC        = (0.70 + 0.50 + 0.40) / 3                          = 1.60 / 3 = 0.533333...
   * AIA        = ( 0.90  +  (0.60+0.80)/2  +  (0.70+0.50+0.40)/3 ) / 3
   *            = ( 0.90  +  0.70  +  0.533333 ) / 3                = 2.133333 / 3 = 0.711111...
   * BWT        = ( (0.70-0.90) + (0.50-0.80) ) / 2 = (-0.20 - 0.30) / 2 = -0.25
   * forgetting = ( (max(0.90,0.60) - 0.70) + (max(0.80) - 0.50) ) / 2 = (0.20 + 0.30) / 2 = 0.25
   *   note: task 0's best is R[0][0]=0.90 (not R[1][0]); the max runs over i in [j, T-2], never the last row.
   */
  private static final double[][] R = {
      {0.90, Double.NaN, Double.NaN},
      {0.60, 0.80, Double.NaN},
      {0.70, 0.50, 0.40}};

  @Test
  void matchesTheHandComputedValues() {
    ContinualMetrics m = ContinualMetrics.of(AccuracyMatrix.of(R));
    assertThat(m.acc()).isCloseTo(1.6 / 3, within(1e-12));
    assertThat(m.aia()).isCloseTo((0.9 + 0.7 + 1.6 / 3) / 3, within(1e-12));
    assertThat(m.aia()).isCloseTo(0.711111111, within(1e-8));
    assertThat(m.bwt()).isCloseTo(-0.25, within(1e-12));
    assertThat(m.forgetting()).isCloseTo(0.25, within(1e-12));
  }

  @Test
  void forgettingUsesTheBestEarlierAccuracyNotTheDiagonal() {
    // task 0 improved after task 1 (0.5 -> 0.9) then dropped to 0.6: BWT = (0.6-0.5) = +0.1 but forgetting = 0.9-0.6
    AccuracyMatrix r = AccuracyMatrix.of(new double[][] {{0.5, 0, 0}, {0.9, 0.8, 0}, {0.6, 0.8, 1.0}});
    // BWT = ((0.6-0.5) + (0.8-0.8)) / 2 = 0.05; forgetting = ((0.9-0.6) + (0.8-0.8)) / 2 = 0.15
    assertThat(ContinualMetrics.bwt(r)).isCloseTo(0.05, within(1e-12));
    assertThat(ContinualMetrics.forgetting(r)).isCloseTo(0.15, within(1e-12));
  }

  @Test
  void singleTaskHasNoBackwardTransfer() {
    ContinualMetrics m = ContinualMetrics.of(AccuracyMatrix.of(new double[][] {{0.75}}));
    assertThat(m.acc()).isEqualTo(0.75);
    assertThat(m.aia()).isEqualTo(0.75);
    assertThat(m.bwt()).isNaN();
    assertThat(m.forgetting()).isNaN();
  }

  @Test
  void rejectsEntriesAboveTheDiagonalAndNonFractions() {
    AccuracyMatrix r = new AccuracyMatrix(2);
    assertThatThrownBy(() -> r.set(0, 1, 0.5)).hasMessageContaining("not learned");
    assertThatThrownBy(() -> r.set(1, 0, 95.0)).hasMessageContaining("fraction");
  }

  @Test
  void statIgnoresNotApplicableRuns() {
    Stat s = Stat.of(0.5, 0.7, Double.NaN);
    assertThat(s.mean()).isCloseTo(0.6, within(1e-12));
    assertThat(s.std()).isCloseTo(Math.sqrt(0.02), within(1e-12));
    assertThat(s.n()).isEqualTo(2);
    assertThat(Stat.of(Double.NaN).format(100, 1)).isEqualTo("n/a");
    assertThat(Stat.of(0.5).format(100, 1)).isEqualTo("50.0 ± 0.0");
  }
}
