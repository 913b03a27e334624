package io.autoactivator.app.kafka;

/** Names of the state stores; their changelog topics are {@code <application.id>-<name>-changelog}. */
public final class StoreNames {

  /**
   * Accepted samples: {@code modelId/taskId/sampleId} -> {@link AcceptedSample} (where the sample lies on the
   * samples topic). The samples topic is the buffer; this store de-duplicates and says which records training
   * reads back.
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

  /** Task-state key. */
  public static String taskKey(String modelId, String taskId) {
    return modelId + "/" + taskId;
  }
}
