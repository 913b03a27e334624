package io.autoactivator.app.buffer;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.autoactivator.app.records.Reason;
import io.autoactivator.app.train.TrainingHandoff;
import io.autoactivator.app.train.TrainingRequest;

/**
 * Moves a task through {@link TaskLifecycle}: saves the state the lifecycle answers and carries out its effects,
 * in order - the model's queue, the hand-off to training, the deletion of the buffer, the dead letters, logs and
 * counters. It decides nothing itself; what to do on an event is the lifecycle's answer.
 */
final class TaskTransitions {

  private static final Logger LOG = LoggerFactory.getLogger(TaskTransitions.class);

  private final TaskBook book;
  private final AcceptedSamples accepted;
  private final TrainingHandoff training;
  private final TaskRejections rejections;
  private final TaskMetrics metrics;
  private final String samplesTopic;
  private final Duration incompleteTimeout;
  private final long abandonedTimeoutMs;

  TaskTransitions(TaskBook book, AcceptedSamples accepted, TrainingHandoff training, TaskRejections rejections,
      TaskMetrics metrics, String samplesTopic, Duration incompleteTimeout, long abandonedTimeoutMs) {
    this.book = book;
    this.accepted = accepted;
    this.training = training;
    this.rejections = rejections;
    this.metrics = metrics;
    this.samplesTopic = samplesTopic;
    this.incompleteTimeout = incompleteTimeout;
    this.abandonedTimeoutMs = abandonedTimeoutMs;
  }

  /**
   * Moves {@code task} through its lifecycle: saves the new state (if {@code save} and the event changed it), then
   * carries out the effects; returns the new state.
   */
  TaskState apply(TaskState task, TaskLifecycle.Event event, boolean save) {
    TaskLifecycle.Transition transition = TaskLifecycle.apply(task, event);
    TaskState next = transition.state();
    if (save && next != task) {
      book.save(next);
    }
    for (TaskLifecycle.Effect effect : transition.effects()) {
      switch (effect) {
        case ENQUEUE -> book.save(book.model(next.modelId()).enqueue(next.taskId()));
        case SUBMIT_TRAINING -> submit(book.model(next.modelId()), next);
        case RESUBMIT_TRAINING -> {
          LOG.warn("model {} task {} was in training but no instance is training it here: re-submitting"
              + " (attempt {})", next.modelId(), next.taskId(), next.attempts());
          submit(book.model(next.modelId()), next);
        }
        case DELETE_BUFFER -> {
          int forgotten = accepted.forgetTask(next.modelId(), next.taskId());
          book.save(book.model(next.modelId()).buffering(-task.bytes()));
          LOG.info("model {} task {} {}; {} accepted samples ({} bytes on {}) forgotten", next.modelId(),
              next.taskId(), next.status() == TaskStatus.TRAINED ? "committed as version " + next.version()
                  : "quarantined", forgotten, task.bytes(), samplesTopic);
        }
        case REPORT_SAMPLES_LOST -> {
          metrics.samplesExpired();
          String why = next.cause();
          LOG.error("model {} task {}: {}; quarantined instead of trained on part of its data. Raise retention.ms"
              + " (and retention.bytes) of the samples topic {} above the longest time a task waits to train, then"
              + " publish the task again under a new task id", next.modelId(), next.taskId(), why, samplesTopic);
          rejections.rejectTask(next, Reason.SAMPLES_EXPIRED, "task " + next.taskId() + " of model "
              + next.modelId() + ": " + why + "; raise retention.ms of " + samplesTopic + " and publish the task"
              + " again under a new task id");
        }
        case DEQUEUE -> book.save(book.model(next.modelId()).dequeue(next.taskId()));
        case REPORT_QUARANTINED -> {
          metrics.quarantined();
          if (!(event instanceof TaskLifecycle.Aborted)) {
            LOG.error("model {} task {} quarantined after {} training attempts; the model's later tasks proceed",
                next.modelId(), next.taskId(), next.attempts());
            rejections.rejectTask(next, Reason.TASK_QUARANTINED, "task " + next.taskId() + " of model "
                + next.modelId() + " failed training " + next.attempts() + " times (training.max.attempts):"
                + " quarantined");
          }
        }
        case REPORT_ABANDONED -> {
          metrics.abandoned();
          String why = "task " + next.taskId() + " of model " + next.modelId() + " got no record for "
              + Duration.ofMillis(abandonedTimeoutMs) + " (task.abandoned.timeout.ms) while " + task.waitingFor()
              + ": quarantined, its " + task.received() + " buffered samples forgotten and its classes released;"
              + " the model's later tasks proceed. Publish it again under a new task id";
          LOG.error("model {}: {}", next.modelId(), why);
          rejections.rejectTask(next, Reason.TASK_ABANDONED, why);
        }
        case REPORT_INCOMPLETE -> {
          LOG.warn("task {} is incomplete after {}: {} - it will not be trained until its samples arrive",
              task.taskId(), incompleteTimeout, task);
          metrics.incomplete();
        }
        case FORGET_STATE -> book.forget(next);
        case RELEASE_DIMENSION -> book.releaseDimension(next.modelId());
        default -> throw new IllegalStateException("unhandled effect " + effect);
      }
    }
    return next;
  }

  /** Hands {@code task} to training on top of the model's last committed version; returns at once. */
  private void submit(ModelState model, TaskState task) {
    LOG.info("model {} task {}: {} samples handed to training on top of version {}", model.modelId(),
        task.taskId(), task.received(), model.committedVersion());
    accepted.flush(); // training reads where the task's samples lie from the store, on another thread
    training.submit(new TrainingRequest(model.modelId(), task.taskId(), model.committedVersion(),
        task.classes().clone(), task.expected()));
  }
}
