package io.autoactivator.app.kafka;

/** Names of the state stores; their changelog topics are {@code <application.id>-<name>-changelog}. */
public final class StoreNames {

  /**
   * Accepted samples: {@link #chunkKey} -> {@link AcceptedChunk} (where a run of a task's samples lie on the samples
   * topic, some dozens per value), and from earlier releases {@code modelId/taskId/sampleId} -> {@link
   * AcceptedSample} (one sample per value; still read, no longer written). The samples topic is the buffer; this
   * store de-duplicates and says which records training reads back.
   */
  public static final String TASK_SAMPLES = "task-samples";
  /**
   * The buffer of releases before the log became the buffer: {@code modelId/taskId/sampleId} -> encoded envelope of
   * the sample record. Still declared so that an upgraded instance restores it and moves its entries into
   * {@link #TASK_SAMPLES} (then it stays empty).
   */
  public static final String LEGACY_TASK_BUFFER = "task-buffer";
  /** Task states: {@code modelId/taskId} -> TaskState. */
  public static final String TASK_STATE = "task-state";
  /** Model states: {@code modelId} -> ModelState. */
  public static final String MODEL_STATE = "model-state";

  private StoreNames() {
  }

  /** Task-samples key of one sample. */
  public static String sampleKey(String modelId, String taskId, String sampleId) {
    return modelId + "/" + taskId + "/" + sampleId;
  }

  /** Prefix of every task-samples key of one task (ids never contain '/'). */
  public static String taskPrefix(String modelId, String taskId) {
    return modelId + "/" + taskId + "/";
  }

  /**
   * Task-samples key of a task's chunk number {@code sequence} ({@link AcceptedChunk}): the task's prefix, then
   * '/' and the number in ten digits, so a task's chunks sort in their order, and no per-sample key of earlier
   * releases (ids never contain '/') equals one.
   */
  public static String chunkKey(String modelId, String taskId, int sequence) {
    String digits = Integer.toString(sequence);
    return taskPrefix(modelId, taskId) + "/" + "0000000000".substring(digits.length()) + digits;
  }

  /** True for a {@link #chunkKey}, false for a per-sample key ({@link #sampleKey}) of earlier releases. */
  public static boolean isChunkKey(String key) {
    return key.contains("//");
  }

  /** Task-state key. */
  public static String taskKey(String modelId, String taskId) {
    return modelId + "/" + taskId;
  }
}
