package io.autoactivator.model.transform;

import java.util.Objects;

import io.autoactivator.model.api.TaskChunk;
import io.autoactivator.model.api.TaskSource;

/**
 * A task source read through an {@link InputTransform}: every chunk is transformed as it is read, so a learner that
 * streams a task never holds more than a chunk of transformed rows (the transform of the whole task would be a
 * second copy of it).
 */
final class TransformedSource implements TaskSource {

  private final TaskSource source;
  private final InputTransform transform;

  TransformedSource(TaskSource source, InputTransform transform) {
    this.source = Objects.requireNonNull(source, "source");
    this.transform = Objects.requireNonNull(transform, "transform");
  }

  @Override
  public String taskId() {
    return source.taskId();
  }

  @Override
  public int[] classes() {
    return source.classes();
  }

  @Override
  public int size() {
    return source.size();
  }

  @Override
  public int dimension() {
    return source.dimension();
  }

  @Override
  public void read(int maxRows, ChunkReader reader) {
    source.read(maxRows, chunk -> reader.accept(new TaskChunk(chunk.rows(), transform.apply(chunk.features()),
        chunk.labels())));
  }
}
