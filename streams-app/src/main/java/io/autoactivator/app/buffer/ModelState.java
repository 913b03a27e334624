package io.autoactivator.app.buffer;

import java.util.ArrayList;
import java.util.List;

/**
 * What the app knows of one model: the value of the model-state store, key {@code modelId}.
 *
 * @param queue            ended tasks not yet trained, in END order: they train strictly in this order
 * @param committedVersion version of the last snapshot committed to the snapshot topic (0: none)
 * @param dimension        input dimension, fixed by the model's first accepted sample (0: not yet)
 * @param bufferedBytes    bytes of the samples its untrained tasks hold on the samples topic
 *                         ({@code model.max.buffered.bytes} bounds it)
 */
public record ModelState(String modelId, List<String> queue, long committedVersion, int dimension,
    long bufferedBytes) {

  public ModelState {
    queue = List.copyOf(queue);
  }

  public static ModelState fresh(String modelId) {
    return new ModelState(modelId, List.of(), 0, 0, 0);
  }

  public ModelState withDimension(int newDimension) {
    return new ModelState(modelId, queue, committedVersion, newDimension, bufferedBytes);
  }

  public ModelState enqueue(String taskId) {
    if (queue.contains(taskId)) {
      return this;
    }
    List<String> next = new ArrayList<>(queue);
    next.add(taskId);
    return new ModelState(modelId, next, committedVersion, dimension, bufferedBytes);
  }

  /** After the snapshot of {@code taskId} committed as {@code version}. */
  public ModelState committed(String taskId, long version) {
    List<String> next = new ArrayList<>(queue);
    next.remove(taskId);
    return new ModelState(modelId, next, version, dimension, bufferedBytes);
  }

  /** At {@code version} (a loaded version that trained none of the queued tasks), the queue unchanged. */
  public ModelState advancedTo(long version) {
    return new ModelState(modelId, queue, version, dimension, bufferedBytes);
  }

  /** Without {@code taskId} in the queue (quarantined), the committed version unchanged. */
  public ModelState dequeue(String taskId) {
    List<String> next = new ArrayList<>(queue);
    next.remove(taskId);
    return new ModelState(modelId, next, committedVersion, dimension, bufferedBytes);
  }

  /** {@code delta} more (or, negative, fewer) buffered bytes; never below 0. */
  public ModelState buffering(long delta) {
    return new ModelState(modelId, queue, committedVersion, dimension, Math.max(0, bufferedBytes + delta));
  }

  /** The task to train next, or null. */
  public String head() {
    return queue.isEmpty() ? null : queue.get(0);
  }
}
