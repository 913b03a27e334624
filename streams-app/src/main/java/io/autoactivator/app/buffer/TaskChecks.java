package io.autoactivator.app.buffer;

import java.util.Arrays;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import io.autoactivator.app.config.Limits;
import io.autoactivator.app.records.Reason;
import io.autoactivator.schemas.BoundaryKind;
import io.autoactivator.schemas.serde.SampleSummary;
import io.autoactivator.schemas.TaskBoundary;

/**
 * Whether a sample or a boundary may join its task, decided from the task's and the model's state alone: the
 * checks {@link TaskProcessor} runs before it changes anything, in the order that picks the dead letter's reason.
 * Pure (what needs a store is asked for through a supplier, only when its check is reached), so each rule is tested
 * without stores.
 */
final class TaskChecks {

  /**
   * Why a record is refused: its dead-letter reason and message, and the quota it hit (null when none), counted
   * in {@code autoactivator.quota.rejections}.
   */
  record Refusal(Reason reason, String message, String quota) {

    Refusal(Reason reason, String message) {
      this(reason, message, null);
    }
  }

  private final long maxTaskSamples;
  private final long maxModelBytes;

  /** @param limits {@code task.max.samples} and {@code model.max.buffered.bytes} */
  TaskChecks(Limits limits) {
    this.maxTaskSamples = limits.maxTaskSamples();
    this.maxModelBytes = limits.maxModelBufferedBytes();
  }

  /**
   * Why sample {@code s} (a record of {@code size} bytes) cannot be accepted into {@code task} of {@code model}, or
   * null.
   *
   * @param alreadyBuffered whether a sample with its id is buffered for the task
   */
  Refusal sample(TaskState task, ModelState model, SampleSummary s, int size, BooleanSupplier alreadyBuffered) {
    String taskId = task.taskId();
    if (task.status() == TaskStatus.TRAINED || task.status() == TaskStatus.TRAINING) {
      return new Refusal(Reason.TASK_ALREADY_TRAINED, "task " + taskId + " is " + task.status());
    }
    if (task.status() == TaskStatus.QUARANTINED) {
      return new Refusal(Reason.TASK_QUARANTINED, "task " + taskId + " is quarantined");
    }
    if (alreadyBuffered.getAsBoolean()) {
      return new Refusal(Reason.DUPLICATE_SAMPLE, "sample " + s.sampleId() + " of task " + taskId
          + " is already buffered");
    }
    long length = s.featureCount();
    if (model.dimension() != 0 && model.dimension() != length) {
      return new Refusal(Reason.WRONG_DIMENSION, "sample " + s.sampleId() + " has " + length
          + " features, model " + model.modelId() + " has " + model.dimension());
    }
    if (task.classesKnown() && !task.hasClass(s.label())) {
      return new Refusal(Reason.UNKNOWN_LABEL, "label " + s.label() + " is not one of task " + taskId
          + "'s classes " + Arrays.toString(task.classes()));
    }
    if (task.received() >= maxTaskSamples) {
      return new Refusal(Reason.TOO_LARGE, "task " + taskId + " already buffers " + task.received()
          + " samples, task.max.samples=" + maxTaskSamples, "task.max.samples");
    }
    if (model.bufferedBytes() + size > maxModelBytes) {
      return new Refusal(Reason.TOO_LARGE, "model " + model.modelId() + " already buffers " + model.bufferedBytes()
          + " bytes of untrained samples, model.max.buffered.bytes=" + maxModelBytes, "model.max.buffered.bytes");
    }
    if (!task.accepting() || (task.endSeen() && task.received() >= task.expected())) {
      return new Refusal(Reason.COUNT_MISMATCH, "task " + taskId + " already has the " + task.expected()
          + " samples its END announced");
    }
    return null;
  }

  /**
   * Why boundary {@code b} (a START or an END; an ABORT is the operator's, never refused here) cannot apply to
   * {@code task}, or null.
   *
   * @param classes    the boundary's classes, sorted
   * @param classOwner another task of the model that announced one of {@code classes}, or null
   */
  Refusal boundary(TaskState task, TaskBoundary b, int[] classes, Supplier<String> classOwner) {
    String taskId = task.taskId();
    if (task.status() == TaskStatus.QUARANTINED) {
      return new Refusal(Reason.TASK_QUARANTINED, "task " + taskId + " is quarantined");
    }
    boolean end = b.getKind() == BoundaryKind.END;
    if (end && b.getExpectedSampleCount() > maxTaskSamples) {
      return new Refusal(Reason.TOO_LARGE, "task " + taskId + " END announces " + b.getExpectedSampleCount()
          + " samples, task.max.samples=" + maxTaskSamples, "task.max.samples");
    }
    // a second END with another count corrects the first while the task still waits for its samples
    boolean correction = end && task.endSeen() && task.accepting() && task.expected() != b.getExpectedSampleCount();
    if (!correction && (end ? task.endSeen() : task.startSeen())) {
      return new Refusal(Reason.DUPLICATE_BOUNDARY, "task " + taskId + " already had its " + b.getKind());
    }
    if (!task.accepting()) {
      return new Refusal(Reason.TASK_ALREADY_TRAINED, "task " + taskId + " is " + task.status());
    }
    if (task.classesKnown() && !Arrays.equals(task.classes(), classes)) {
      return new Refusal(Reason.INCONSISTENT_BOUNDARY, "task " + taskId + " " + b.getKind() + " announces classes "
          + Arrays.toString(classes) + ", its other boundary " + Arrays.toString(task.classes()));
    }
    String taken = classOwner.get();
    if (taken != null) {
      return new Refusal(Reason.CLASS_ALREADY_LEARNED, "task " + taskId + " announces classes "
          + Arrays.toString(classes) + ", but task " + taken + " of model " + task.modelId() + " has some of them");
    }
    return null;
  }
}
