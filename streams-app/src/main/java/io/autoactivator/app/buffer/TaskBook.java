package io.autoactivator.app.buffer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.autoactivator.app.kafka.StoreNames;

/**
 * The task and model states of one task processor: read decoded between records and written to the task-state and
 * model-state stores once per commit ({@link DecodedStates}, {@link #flush}), or at once when the stores have no
 * commit hook; the stores stay the truth that exactly-once commits and the changelogs restore. Every read and write
 * of those two stores by the processor and its helpers goes through here; a scan of a store writes what changed
 * first, so it sees every write.
 */
final class TaskBook {

  private static final Logger LOG = LoggerFactory.getLogger(TaskBook.class);
  private static final StringSerializer KEYS = new StringSerializer();

  private final KeyValueStore<String, TaskState> taskStore;
  private final KeyValueStore<String, ModelState> modelStore;
  private final DecodedStates<TaskState> tasks;
  private final DecodedStates<ModelState> models;

  /**
   * @param deferred true when {@link #flush} runs before every commit of both stores (then a write reaches its
   *                 store at the next flush), false to write through
   */
  TaskBook(KeyValueStore<String, TaskState> taskStore, KeyValueStore<String, ModelState> modelStore,
      boolean deferred) {
    this.taskStore = taskStore;
    this.modelStore = modelStore;
    this.tasks = deferred ? DecodedStates.deferring(taskStore) : DecodedStates.writingThrough(taskStore);
    this.models = deferred ? DecodedStates.deferring(modelStore) : DecodedStates.writingThrough(modelStore);
  }

  /** Writes every state changed since the last flush to its store. */
  void flush() {
    tasks.flush();
    models.flush();
  }

  /** The task's state, or a fresh one seen first {@code now} (not saved). */
  TaskState task(String modelId, String taskId, long now) {
    TaskState task = existing(modelId, taskId);
    return task != null ? task : TaskState.fresh(modelId, taskId, now);
  }

  /** The task's saved state, or null. */
  TaskState existing(String modelId, String taskId) {
    return tasks.get(StoreNames.taskKey(modelId, taskId));
  }

  void save(TaskState task) {
    tasks.put(StoreNames.taskKey(task.modelId(), task.taskId()), task);
  }

  void forget(TaskState task) {
    tasks.delete(StoreNames.taskKey(task.modelId(), task.taskId()));
  }

  /** The model's state, or a fresh one (not saved). */
  ModelState model(String modelId) {
    ModelState model = models.get(modelId);
    return model != null ? model : ModelState.fresh(modelId);
  }

  void save(ModelState model) {
    models.put(model.modelId(), model);
  }

  /** Every model's saved state, read before any is changed. */
  List<ModelState> models() {
    List<ModelState> all = new ArrayList<>();
    flush();
    try (KeyValueIterator<String, ModelState> it = modelStore.all()) {
      it.forEachRemaining(kv -> all.add(kv.value));
    }
    return all;
  }

  /** Every task's saved state, read before any is changed. */
  List<TaskState> tasks() {
    List<TaskState> all = new ArrayList<>();
    flush();
    try (KeyValueIterator<String, TaskState> it = taskStore.all()) {
      it.forEachRemaining(kv -> all.add(kv.value));
    }
    return all;
  }

  /** Another task of the model that announced one of {@code classes}, or null. */
  String classOwner(String modelId, String taskId, int[] classes) {
    flush();
    try (KeyValueIterator<String, TaskState> it = taskStore.prefixScan(modelId + "/", KEYS)) {
      while (it.hasNext()) {
        TaskState other = it.next().value;
        if (!other.taskId().equals(taskId) && Arrays.stream(other.classes()).anyMatch(c -> contains(classes, c))) {
          return other.taskId();
        }
      }
    }
    return null;
  }

  /**
   * A model with no trained version and no buffered sample left forgets its input dimension, so a stray first
   * sample of the wrong length stops fixing it once an operator aborted its task.
   */
  void releaseDimension(String modelId) {
    ModelState model = model(modelId);
    if (model.committedVersion() != 0 || model.dimension() == 0) {
      return;
    }
    flush();
    try (KeyValueIterator<String, TaskState> it = taskStore.prefixScan(modelId + "/", KEYS)) {
      while (it.hasNext()) {
        TaskState other = it.next().value;
        if (other.status() != TaskStatus.QUARANTINED && other.received() > 0) {
          return;
        }
      }
    }
    LOG.info("model {}: no sample buffered and no version trained; its input dimension is free again", modelId);
    save(model.withDimension(0));
  }

  /** Forgets every decoded value (after writing what changed): something (the legacy migration) wrote the stores. */
  void reread() {
    tasks.clear();
    models.clear();
  }

  private static boolean contains(int[] values, int value) {
    return Arrays.stream(values).anyMatch(v -> v == value);
  }
}
