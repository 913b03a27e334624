package io.autoactivator.app.buffer;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

import io.autoactivator.app.kafka.DeadLetters;
import io.autoactivator.app.records.Envelope;
import io.autoactivator.app.records.Outbound;
import io.autoactivator.app.records.Reason;

/**
 * The task processor's dead letters: a refused record, or a whole task given up. They are forwarded downstream of
 * the processor, so they commit in the same transaction as the state change that caused them.
 */
final class TaskRejections {

  private final ProcessorContext<String, Outbound> context;
  private final DeadLetters deadLetters;

  TaskRejections(ProcessorContext<String, Outbound> context, DeadLetters deadLetters) {
    this.context = context;
    this.deadLetters = deadLetters;
  }

  /** Dead-letters {@code envelope} when {@code refusal} says so (counting its quota); true when it did. */
  boolean refused(Envelope envelope, TaskChecks.Refusal refusal, long now) {
    if (refusal == null) {
      return false;
    }
    if (refusal.quota() != null) {
      deadLetters.countQuota(refusal.quota());
    }
    reject(envelope, refusal.reason(), refusal.message(), now);
    return true;
  }

  void reject(Envelope envelope, Reason reason, String message, long now) {
    context.forward(new Record<>(envelope.topic(), deadLetters.reject(envelope, reason, message, now), now));
  }

  /** A dead letter about a whole task (quarantined, abandoned, its samples expired), sent now. */
  void rejectTask(TaskState task, Reason reason, String message) {
    long now = context.currentSystemTimeMs();
    Envelope origin = new Envelope(Envelope.Kind.BOUNDARY, "task " + task.modelId() + "/" + task.taskId(), -1, -1,
        now, task.modelId().getBytes(StandardCharsets.UTF_8), null);
    reject(origin, reason, message, now);
  }
}
