package io.autoactivator.model.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** A task as a source read in chunks: the in-memory adapter, materialising, and learners fed a source. */
class TaskSourceTest {

  private static TaskData task() {
    float[][] x = new float[10][];
    int[] y = new int[10];
    for (int i = 0; i < 10; i++) {
      x[i] = new float[] {i, i % 2 == 0 ? 1f : -1f, 0.5f * i};
      y[i] = i % 2 == 0 ? 4 : 7;
    }
    return new TaskData("t", new int[] {4, 7}, x, y);
  }

  @Test
  void theAdapterHandsEveryRowOnceInOrderInBoundedChunks() {
    TaskData data = task();
    TaskSource source = TaskSource.of(data);
    List<Integer> rows = new ArrayList<>();
    List<Integer> sizes = new ArrayList<>();
    source.read(4, chunk -> {
      sizes.add(chunk.size());
      for (int i = 0; i < chunk.size(); i++) {
        rows.add(chunk.rows()[i]);
        assertThat(chunk.features()[i]).isSameAs(data.features()[chunk.rows()[i]]);
        assertThat(chunk.labels()[i]).isEqualTo(data.labels()[chunk.rows()[i]]);
      }
    });
    assertThat(sizes).containsExactly(4, 4, 2);
    assertThat(rows).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
    assertThat(source.size()).isEqualTo(10);
    assertThat(source.dimension()).isEqualTo(3);
    assertThat(source.materialise()).isSameAs(data);
  }

  @Test
  void materialisingPutsEachSampleAtItsRowWhateverOrderTheSourceReads() {
    TaskData data = task();
    TaskData rebuilt = reversed(data).materialise();
    assertThat(rebuilt.features()).isDeepEqualTo(data.features());
    assertThat(rebuilt.labels()).containsExactly(data.labels());
    assertThat(rebuilt.classes()).containsExactly(4, 7);
  }

  @Test
  void aSourceThatSkipsOrRepeatsARowIsNotATask() {
    TaskData data = task();
    TaskSource missing = new Reading(data, (max, reader) -> reader.accept(new TaskChunk(new int[] {0},
        new float[][] {data.features()[0]}, new int[] {4})));
    assertThatThrownBy(missing::materialise).isInstanceOf(InvalidTaskDataException.class)
        .hasMessageContaining("row 1 of 10 was never read");
    TaskSource twice = new Reading(data, (max, reader) -> {
      TaskSource.of(data).read(max, reader);
      reader.accept(new TaskChunk(new int[] {3}, new float[][] {data.features()[3]}, new int[] {7}));
    });
    assertThatThrownBy(twice::materialise).isInstanceOf(InvalidTaskDataException.class)
        .hasMessageContaining("row 3 read twice");
  }

  @Test
  void everyLearnerFedASourceWritesTheSameBytesAsFedTheData() throws IOException {
    TaskData data = task();
    for (String name : List.of("analytic", "ncm", "joint", "autoactivator")) {
      IncrementalLearner a = Learners.create(name, Map.of(), 7);
      IncrementalLearner b = Learners.create(name, Map.of(), 7);
      byte[] fromData = bytes(a.learn(null, data, TrainingListener.NONE));
      byte[] fromSource = bytes(b.learn(null, reversed(data), TrainingListener.NONE));
      assertThat(fromSource).as(name).isEqualTo(fromData);
    }
  }

  private static byte[] bytes(ClassIncrementalModel model) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (DataOutputStream data = new DataOutputStream(out)) {
      model.writeWeights(data);
    }
    return out.toByteArray();
  }

  /** The task read back to front, two rows a chunk: a source whose storage order is not the row order. */
  private static TaskSource reversed(TaskData data) {
    return new Reading(data, (max, reader) -> {
      for (int row = data.size() - 1; row >= 0; row -= 2) {
        int other = row - 1;
        reader.accept(new TaskChunk(new int[] {row, other}, new float[][] {data.features()[row],
            data.features()[other]}, new int[] {data.labels()[row], data.labels()[other]}));
      }
    });
  }

  private interface Pass {
    void read(int maxRows, TaskSource.ChunkReader reader);
  }

  private record Reading(TaskData data, Pass pass) implements TaskSource {
    @Override
    public String taskId() {
      return data.taskId();
    }

    @Override
    public int[] classes() {
      return data.classes();
    }

    @Override
    public int size() {
      return data.size();
    }

    @Override
    public int dimension() {
      return data.dimension();
    }

    @Override
    public void read(int maxRows, ChunkReader reader) {
      pass.read(maxRows, reader);
    }
  }
}
