package io.autoactivator.model.transform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

import io.autoactivator.model.api.ShuffledChunks;
import io.autoactivator.model.api.TaskData;
import io.autoactivator.model.api.TaskSource;

import org.junit.jupiter.api.Test;

/**
 * The transform fitted on a task read in chunks is the one fitted on its rows in memory (up to the order of the
 * sums), whatever order the chunks come in: the density rule looks at the task's first rows, not the first read.
 */
class InputTransformSourceTest {

  @Test
  void aSourceReadInShuffledChunksFitsTheTransformOfItsRows() {
    // Two features on one scale; a third that is zero on the task's first 4,096 rows (not dense there) and wide
    // after: from the first rows it does not count, so one common scale; counted, it would mean different units.
    SplittableRandom random = new SplittableRandom(2);
    float[][] rows = new float[6000][];
    int[] labels = new int[rows.length];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = new float[] {(float) random.nextGaussian(), (float) random.nextGaussian(),
          i < InputTransform.DENSITY_ROWS ? 0f : 1000f * (float) random.nextGaussian()};
      labels[i] = i % 2;
    }
    TaskData task = new TaskData("t", new int[] {0, 1}, rows, labels);
    AtomicInteger passes = new AtomicInteger();
    for (InputTransform.Mode mode : InputTransform.Mode.values()) {
      InputTransform memory = InputTransform.fit(rows, mode);
      InputTransform streamed = InputTransform.fit(new ShuffledChunks(task, 512, passes), mode);
      assertThat(streamed.kind()).isEqualTo(memory.kind());
      for (int j = 0; j < 3; j++) {
        assertThat((double) streamed.shift()[j]).isCloseTo(memory.shift()[j],
            org.assertj.core.api.Assertions.within(1e-4 * memory.scale()[j]));
        assertThat((double) streamed.scale()[j]).isCloseTo(memory.scale()[j],
            org.assertj.core.api.Assertions.within(1e-5 * memory.scale()[j]));
      }
    }
    assertThat(InputTransform.fit(rows, InputTransform.Mode.AUTO).kind()).isEqualTo(InputTransform.Kind.GLOBAL);
    assertThat(passes.get()).as("one pass per fit, none for mode none").isEqualTo(3);
  }

  @Test
  void aTransformedSourceHandsEachChunkTransformed() {
    float[][] rows = {{1f, 1000f}, {1.5f, 3000f}, {2.0f, 2000f}, {0.5f, 4000f}};
    TaskData task = new TaskData("t", new int[] {0}, rows, new int[4]);
    InputTransform transform = InputTransform.fit(rows, InputTransform.Mode.STANDARDIZE);
    float[][] expected = transform.apply(rows);
    float[][] read = new float[4][];
    new TransformedSource(TaskSource.of(task), transform).read(3, chunk -> {
      for (int i = 0; i < chunk.size(); i++) {
        read[chunk.rows()[i]] = chunk.features()[i];
      }
    });
    assertThat(read).isDeepEqualTo(expected);
  }
}
