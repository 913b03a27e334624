package io.autoactivator.model.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

class ClassIncrementalSplitTest {

  @Test
  void splitsRealMnistSliceIntoTasksInTheGivenOrder() throws IOException {
    Dataset test = IdxReader.readSplit(SharedData.root().orElseThrow().resolve("mnist"), "t10k");
    Dataset train = test.firstPerClass(20);
    int[] order = ClassIncrementalSplit.seededOrder(ClassIncrementalSplit.naturalOrder(train), 3);
    ClassIncrementalSplit split = ClassIncrementalSplit.split(train, test, 5, 2, order);

    assertThat(split.tasks()).hasSize(5);
    assertThat(split.allClasses()).containsExactly(order);
    for (ClassIncrementalSplit.Task task : split.tasks()) {
      assertThat(task.taskId()).isEqualTo("task-" + task.index());
      assertThat(task.train().size()).isEqualTo(40);
      assertThat(Arrays.stream(task.train().labels()).allMatch(l -> task.train().classIndex(l) >= 0)).isTrue();
      assertThat(Arrays.stream(task.test().labels()).allMatch(l -> task.train().classIndex(l) >= 0)).isTrue();
    }
    int testRows = split.tasks().stream().mapToInt(t -> t.test().size()).sum();
    assertThat(testRows).isEqualTo(10000);
  }

  @Test
  void seededOrdersAreReproduciblePermutations() {
    int[] classes = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    assertThat(ClassIncrementalSplit.seededOrder(classes, 1)).isEqualTo(ClassIncrementalSplit.seededOrder(classes, 1));
    assertThat(ClassIncrementalSplit.seededOrder(classes, 1)).isNotEqualTo(classes).containsExactlyInAnyOrder(classes);
  }

  @Test
  void tooFewClassesIsAnError() {
    Dataset data = new Dataset("d", new float[][] {{1}, {2}}, new int[] {0, 1}, new String[0]);
    assertThatThrownBy(() -> ClassIncrementalSplit.split(data, data, 2, 2, new int[] {0, 1}))
        .hasMessageContaining("need 4 classes");
  }
}
