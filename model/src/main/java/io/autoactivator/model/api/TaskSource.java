package io.autoactivator.model.api;

import java.util.Arrays;

/**
 * One task's labelled data as a source read in chunks, as many times as a learner needs: a task larger than the
 * heap never has to be one matrix in memory. A learner that accumulates statistics (Gram matrices, cross terms)
 * reads it pass after pass; one that still needs every sample at once calls {@link #materialise()} (the task
 * then must fit the heap, as before).
 *
 * <p>Every pass hands over the same samples with the same rows, in the same order: a source is as deterministic
 * as the {@link TaskData} it stands for, so the same seed and source give the same model on every instance. The
 * data is valid as {@link TaskData} requires (finite values, one dimension, labels among the classes); a source
 * checks what it reads and fails the pass with {@link InvalidTaskDataException} otherwise.
 *
 * <p>{@link #of(TaskData)} adapts an in-memory task, so every learner and test written against {@code TaskData}
 * keeps working; the service hands learners a source that reads the task back from its log.
 */
public interface TaskSource {

  /**
   * The most bytes a learner's in-memory matrices of one task should take; beyond, a learner that can reads the task
   * in chunks instead ({@link IncrementalLearner#streams}). 1 GiB: half of the smallest heap the service is run
   * with (-Xmx2g), where ND4J's off-heap limit (JavaCPP's maxbytes) is tied to -Xmx by default and the app and the
   * chunk being read need the rest. A constant, not a share of this JVM's heap, so every instance takes the same
   * path for the same task and writes the same bytes; every benchmark task we hold is below it (split MNIST's
   * 12,000 rows x 784 features), so those train exactly as before.
   */
  long IN_MEMORY_BUDGET = 1L << 30;

  /** The task's id, unique within one model's task sequence. */
  String taskId();

  /** The global class labels this task introduces (distinct, non-empty). */
  int[] classes();

  /** Number of samples; rows run from 0 to {@code size() - 1}. */
  int size();

  /** Number of features per sample. */
  int dimension();

  /**
   * One pass over the task: hands every sample to {@code reader} exactly once, in chunks of at most
   * {@code maxRows} samples, in the source's fixed order.
   *
   * @throws InvalidTaskDataException when the data read is not a valid task (or no longer complete)
   */
  void read(int maxRows, ChunkReader reader);

  /** What a pass hands each chunk to. */
  @FunctionalInterface
  interface ChunkReader {
    void accept(TaskChunk chunk);
  }

  /**
   * The whole task in memory, each sample at its row: one copy of the features (plus a chunk being read), for the
   * learners that need every sample at once.
   */
  default TaskData materialise() {
    int n = size();
    float[][] features = new float[n][];
    int[] labels = new int[n];
    boolean[] seen = new boolean[n];
    read(4096, chunk -> {
      for (int i = 0; i < chunk.size(); i++) {
        int row = chunk.rows()[i];
        if (row < 0 || row >= n || seen[row]) {
          throw new InvalidTaskDataException("task " + taskId() + ": row " + row + " read twice or out of [0, "
              + n + ")");
        }
        seen[row] = true;
        features[row] = chunk.features()[i];
        labels[row] = chunk.labels()[i];
      }
    });
    for (int row = 0; row < n; row++) {
      if (!seen[row]) {
        throw new InvalidTaskDataException("task " + taskId() + ": row " + row + " of " + n + " was never read");
      }
    }
    return new TaskData(taskId(), classes(), features, labels);
  }

  /** {@code data} as a source: rows are its indices, chunks views of its arrays (nothing is copied). */
  static TaskSource of(TaskData data) {
    return new InMemory(data);
  }

  /** The adapter of {@link #of}. */
  final class InMemory implements TaskSource {

    private final TaskData data;

    private InMemory(TaskData data) {
      this.data = data;
    }

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
      if (maxRows < 1) {
        throw new IllegalArgumentException("maxRows must be positive, was " + maxRows);
      }
      for (int from = 0; from < data.size(); from += maxRows) {
        int to = Math.min(data.size(), from + maxRows);
        int[] rows = new int[to - from];
        for (int i = 0; i < rows.length; i++) {
          rows[i] = from + i;
        }
        reader.accept(new TaskChunk(rows, Arrays.copyOfRange(data.features(), from, to),
            Arrays.copyOfRange(data.labels(), from, to)));
      }
    }

    /** The data itself: nothing to copy. */
    @Override
    public TaskData materialise() {
      return data;
    }
  }
}
