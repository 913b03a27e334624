package io.autoactivator.model.api;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test's task source that reads like the service's log: chunks of consecutive rows handed over in a fixed
 * shuffled order (never row order), each pass counted; it cannot be materialised, so a learner that streams is seen
 * to stream.
 */
public final class ShuffledChunks implements TaskSource {

  private final TaskData task;
  private final int size;
  private final AtomicInteger passes;

  /** {@code task} in chunks of at most {@code size} rows; every pass increments {@code passes}. */
  public ShuffledChunks(TaskData task, int size, AtomicInteger passes) {
    this.task = task;
    this.size = size;
    this.passes = passes;
  }

  @Override
  public String taskId() {
    return task.taskId();
  }

  @Override
  public int[] classes() {
    return task.classes();
  }

  @Override
  public int size() {
    return task.size();
  }

  @Override
  public int dimension() {
    return task.dimension();
  }

  @Override
  public void read(int maxRows, ChunkReader reader) {
    passes.incrementAndGet();
    int step = Math.min(size, maxRows);
    int chunks = (task.size() + step - 1) / step;
    int[] order = new int[chunks];
    for (int i = 0; i < chunks; i++) {
      order[i] = i;
    }
    SplittableRandom random = new SplittableRandom(5);
    for (int i = chunks - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int swap = order[i];
      order[i] = order[j];
      order[j] = swap;
    }
    for (int k : order) {
      int from = k * step;
      int to = Math.min(task.size(), from + step);
      int[] rows = new int[to - from];
      for (int i = 0; i < rows.length; i++) {
        rows[i] = from + i;
      }
      reader.accept(new TaskChunk(rows, Arrays.copyOfRange(task.features(), from, to),
          Arrays.copyOfRange(task.labels(), from, to)));
    }
  }

  @Override
  public TaskData materialise() {
    throw new AssertionError("a streamed task is never materialised");
  }
}
