package io.autoactivator.model.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

import io.autoactivator.model.api.TaskData;

class StandardizerTest {

  @Test
  void fitsMeanAndStdAndKeepsConstantColumnsAtStdOne() {
    Standardizer s = Standardizer.fit(new float[][] {{1, 5}, {3, 5}});
    assertThat(s.mean()).containsExactly(2.0, 5.0);
    assertThat(s.std()).containsExactly(1.0, 1.0);
    assertThat(s.apply(new float[][] {{4, 7}})[0]).containsExactly(2f, 2f);
  }

  @Test
  void statisticsComeFromTheFirstTaskOnlyAndLaterTasksDoNotChangeThem() {
    float[][] x = new float[40][];
    int[] y = new int[40];
    for (int i = 0; i < 40; i++) {
      int label = i / 10;
      x[i] = new float[] {label * 100 + i % 10, (float) Math.sin(i)};
      y[i] = label;
    }
    Dataset data = new Dataset("d", x, y, new String[0]);
    ClassIncrementalSplit split = ClassIncrementalSplit.split(data, data, 2, 2, new int[] {0, 1, 2, 3});
    TaskData first = split.tasks().get(0).train();
    Standardizer fitted = Standardizer.fit(first.features());
    Standardizer before = Standardizer.fit(first.features());

    // apply to the later task: a fresh transform, statistics untouched
    float[][] later = fitted.apply(split.tasks().get(1).train().features());
    assertThat(later).hasNumberOfRows(20);
    assertThat(fitted).isEqualTo(before);
    // and the first task's mean is the mean of classes 0 and 1 only (0..9, 100..109 -> 54.5)
    assertThat(fitted.mean()[0]).isCloseTo(54.5, within(1e-9));
    float[][] standardisedFirst = fitted.apply(first.features());
    double mean = 0;
    for (float[] row : standardisedFirst) {
      mean += row[0] / standardisedFirst.length;
    }
    assertThat(mean).isCloseTo(0, within(1e-6));
  }
}
