package io.autoactivator.model.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

class TrainTestSplitTest {

  @Test
  void holdsOutTheFractionOfEachClassReproducibly() {
    int n = 150;
    float[][] x = new float[n][];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      x[i] = new float[] {i};
      y[i] = i < 100 ? 0 : 1; // 100 of class 0, 50 of class 1
    }
    Dataset data = new Dataset("t", x, y, new String[0]);
    TrainTestSplit split = TrainTestSplit.stratified(data, 0.2, 7);

    assertThat(count(split.test(), 0)).isEqualTo(20);
    assertThat(count(split.test(), 1)).isEqualTo(10);
    assertThat(split.train().size()).isEqualTo(120);
    TrainTestSplit again = TrainTestSplit.stratified(data, 0.2, 7);
    assertThat(again.test().features()).isEqualTo(split.test().features());
    TrainTestSplit other = TrainTestSplit.stratified(data, 0.2, 8);
    assertThat(other.test().features()).isNotEqualTo(split.test().features());
    // disjoint and complete
    assertThat(Arrays.stream(split.train().features()).map(r -> r[0]).filter(
        v -> Arrays.stream(split.test().features()).anyMatch(t -> t[0] == v))).isEmpty();
  }

  private static long count(Dataset data, int label) {
    return Arrays.stream(data.labels()).filter(l -> l == label).count();
  }
}
