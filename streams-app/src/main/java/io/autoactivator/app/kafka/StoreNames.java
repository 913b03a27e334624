package io.autoactivator.app.kafka;

/** Names of the state stores; their changelog topics are {@code <application.id>-<name>-changelog}. */
public final class StoreNames {

  /** Buffered samples: {@code modelId/taskId/sampleId} -> encoded envelope of the sample record. */
  public static final String TASK_BUFFER = "task-buffer";
  /** Task states: {@code modelId/taskId} -> TaskState. */
  public static final String TASK_STATE = "task-state";
  /** Model states: {@code modelId} -> ModelState. */
  public static final String MODEL_STATE = "model-state";

  private StoreNames() {
  }

  /** Buffer key of one sample. */
  public static String sampleKey(String modelId, String taskId, String sampleId) {
    return modelId + "/" + taskId + "/" + sampleId;
  }

  /** Prefix of every buffer key of one task (ids never contain '/'). */
  public static String taskPrefix(String modelId, String taskId) {
    return modelId + "/" + taskId + "/";
  }

  /** Task-state key. */
  public static String taskKey(String modelId, String taskId) {
    return modelId + "/" + taskId;
  }
}
