package io.autoactivator.app.buffer;

import java.util.Arrays;

/**
 * What the app knows of one task of one model: the value of the task-state store, key {@code modelId/taskId}.
 *
 * @param classes   the task's classes, or an empty array while no boundary has arrived
 * @param expected  samples the END announced, -1 before the END
 * @param received  valid samples buffered so far
 * @param version   the snapshot version that trained it (0 until TRAINED)
 * @param attempts  times it was handed to training (the first submission and every re-submission)
 * @param bytes     bytes of the sample records accepted so far (their values on the samples topic)
 * @param ranges    where the accepted samples lie on the samples topic, per partition
 * @param cause     why it was quarantined, decided by {@link TaskLifecycle}; empty while it is not (and for a task
 *                  quarantined before state layout 4, which did not keep it)
 */
public record TaskState(String modelId, String taskId, TaskStatus status, boolean startSeen, boolean endSeen,
    int[] classes, long expected, long received, long firstSeen, long lastSeen, long version, int attempts,
    long bytes, OffsetRanges ranges, String cause) {

  /** Longest cause kept: a cause comes partly from outside (an exception's message), the store is not a log. */
  static final int MAX_CAUSE_CHARS = 1_000;

  public TaskState {
    cause = cause == null ? "" : cause.length() > MAX_CAUSE_CHARS ? cause.substring(0, MAX_CAUSE_CHARS) : cause;
  }

  /** A task seen for the first time now. */
  public static TaskState fresh(String modelId, String taskId, long now) {
    return new TaskState(modelId, taskId, TaskStatus.OPEN, false, false, new int[0], -1, 0, now, now, 0, 0, 0,
        OffsetRanges.none(), "");
  }

  public boolean classesKnown() {
    return classes.length > 0;
  }

  public boolean hasClass(int label) {
    for (int c : classes) { // once per sample: a loop, not a stream
      if (c == label) {
        return true;
      }
    }
    return false;
  }

  /** True when the END arrived and every sample it announced is buffered. */
  public boolean complete() {
    return endSeen && received == expected;
  }

  /** Accepting samples and boundaries (not yet complete and queued, training or trained). */
  public boolean accepting() {
    return status == TaskStatus.OPEN || status == TaskStatus.ENDED || status == TaskStatus.INCOMPLETE;
  }

  public TaskState withStatus(TaskStatus newStatus) {
    return new TaskState(modelId, taskId, newStatus, startSeen, endSeen, classes, expected, received, firstSeen,
        lastSeen, version, attempts, bytes, ranges, cause);
  }

  public TaskState withReceived(long newReceived, long now) {
    return new TaskState(modelId, taskId, status, startSeen, endSeen, classes, expected, newReceived, firstSeen, now,
        version, attempts, bytes, ranges, cause);
  }

  /** One more accepted sample: {@code size} bytes at {@code offset} of {@code partition} of the samples topic. */
  public TaskState withSample(int partition, long offset, int size, long now) {
    return new TaskState(modelId, taskId, status, startSeen, endSeen, classes, expected, received + 1, firstSeen, now,
        version, attempts, bytes + size, ranges.with(partition, offset), cause);
  }

  /** Its accepted samples also cover {@code offset} of {@code partition} ({@code size} bytes), count unchanged. */
  public TaskState located(int partition, long offset, int size) {
    return new TaskState(modelId, taskId, status, startSeen, endSeen, classes, expected, received, firstSeen,
        lastSeen, version, attempts, bytes + size, ranges.with(partition, offset), cause);
  }

  /** {@code size} bytes fewer (samples purged when the boundary arrived). */
  public TaskState withoutBytes(long size) {
    return new TaskState(modelId, taskId, status, startSeen, endSeen, classes, expected, received, firstSeen,
        lastSeen, version, attempts, bytes - size, ranges, cause);
  }

  public TaskState withStart(int[] newClasses, long now) {
    return new TaskState(modelId, taskId, status, true, endSeen, newClasses, expected, received, firstSeen, now,
        version, attempts, bytes, ranges, cause);
  }

  public TaskState withEnd(int[] newClasses, long newExpected, long now) {
    return new TaskState(modelId, taskId, TaskStatus.ENDED, startSeen, true, newClasses, newExpected, received,
        firstSeen, now, version, attempts, bytes, ranges, cause);
  }

  public TaskState trained(long newVersion, long now) {
    return new TaskState(modelId, taskId, TaskStatus.TRAINED, startSeen, endSeen, classes, expected, received,
        firstSeen, now, newVersion, attempts, bytes, ranges, cause);
  }

  /**
   * Quarantined for {@code why}: out of the queue, classes released (a stray task must not keep every class); the
   * cause stays in the state, so it outlives the instance that found it out.
   */
  public TaskState quarantined(String why, long now) {
    return new TaskState(modelId, taskId, TaskStatus.QUARANTINED, startSeen, endSeen, new int[0], expected, 0,
        firstSeen, now, version, attempts, 0, OffsetRanges.none(), why);
  }

  /** One more hand-off to training. */
  public TaskState attempted() {
    return new TaskState(modelId, taskId, status, startSeen, endSeen, classes, expected, received, firstSeen, lastSeen,
        version, attempts + 1, bytes, ranges, cause);
  }

  /** What a task that is not complete is waiting for. */
  public String waitingFor() {
    return endSeen ? "its END announced " + expected + " samples and " + received + " arrived"
        : "its END never came (" + received + " samples buffered)";
  }

  /** After a change of received count or boundary: ENDED or OPEN become READY once complete. */
  public TaskState settle() {
    if (accepting() && complete()) {
      return withStatus(TaskStatus.READY);
    }
    if (status == TaskStatus.OPEN && endSeen) {
      return withStatus(TaskStatus.ENDED);
    }
    return this;
  }

  @Override
  public String toString() {
    return modelId + "/" + taskId + " " + status + " classes=" + Arrays.toString(classes) + " received=" + received
        + "/" + expected + " bytes=" + bytes + " offsets=" + ranges + (version > 0 ? " v" + version : "")
        + (attempts > 1 ? " attempts=" + attempts : "") + (cause.isEmpty() ? "" : " (" + cause + ")");
  }
}
