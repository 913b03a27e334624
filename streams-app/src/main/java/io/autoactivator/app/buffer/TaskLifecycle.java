package io.autoactivator.app.buffer;

import java.time.Duration;
import java.util.List;

/**
 * A task's life as a pure function: {@code (state, event) -> (state, effects)}. It reads no store and calls no
 * one; {@link TaskProcessor} feeds it the events it has checked, saves the new state and carries out the effects.
 *
 * <pre>
 *   OPEN --END--> ENDED --all samples--> READY --its turn--> TRAINING --snapshot committed--> TRAINED
 *     \____________\__ (END with every sample already in) __/      \_ training lost: re-submitted (attempts + 1)
 *   OPEN, ENDED --no record for the incompleteness timeout--> INCOMPLETE (accepts samples again)
 *   OPEN, ENDED, INCOMPLETE --no record for the abandonment timeout--> QUARANTINED (dead letter TASK_ABANDONED,
 *                                                                     buffer deleted, out of the queue; a task
 *                                                                     without any boundary leaves no state)
 *   TRAINING --the sweep finds its snapshot not loaded and no training of it here: the attempt was lost-->
 *            re-submitted, or QUARANTINED after the last allowed attempt (dead letter, out of the queue)
 *   any but TRAINED --operator ABORT--> QUARANTINED (buffer deleted, classes released, out of the queue)
 *   TRAINING --its last attempt found its samples gone from the samples topic (retention)--> QUARANTINED
 *            (dead letter SAMPLES_EXPIRED, the model's input dimension released if nothing else holds it)
 * </pre>
 *
 * <p>Every decision about the task is taken here and kept in its {@link TaskState}, which is changelogged: the
 * attempts it was handed to training, and why it was quarantined ({@link TaskState#cause()}), so an instance that
 * takes the task over after a crash or a rebalance knows all of it. What stays in memory is about one process, not
 * the task: what its training thread is running or has just published, and what it found out until the sweep
 * takes that into the state (the training hand-off).
 */
public final class TaskLifecycle {

  /** Something that happened to the task, already checked by the processor. */
  public sealed interface Event permits Buffered, Started, Ended, Turn, TrainingWatched, TrainingLost, SamplesLost,
      Committed, Swept, Aborted {
  }

  /** The task now has {@code received} valid samples buffered (one more, or fewer after a purge). */
  public record Buffered(long received, long now) implements Event {
  }

  /** Its START arrived, announcing {@code classes}; {@code received} samples are buffered with those labels. */
  public record Started(int[] classes, long received, long now) implements Event {
  }

  /** Its END arrived, announcing {@code classes} and {@code expected} samples; {@code received} are buffered. */
  public record Ended(int[] classes, long expected, long received, long now) implements Event {
  }

  /** The task is at the head of its model's queue and nothing else of the model is training. */
  public record Turn() implements Event {
  }

  /**
   * The sweep looked at the head of its model's queue: whether the snapshot of the task's training is loaded here
   * ({@code snapshotLoaded}), whether this instance has its training queued, running or its snapshot on the way back
   * ({@code inFlight}), and what its last attempt found out ({@code unrecoverable}: why the task can never train, or
   * null). A TRAINING task with neither lost its last attempt (a crash, a rebalance, a failure): it is
   * {@link SamplesLost} when the attempt found its samples gone, else {@link TrainingLost}.
   */
  public record TrainingWatched(boolean snapshotLoaded, boolean inFlight, String unrecoverable, int maxAttempts,
      long now) implements Event {
  }

  /**
   * The task is TRAINING, its snapshot is not committed, and no training of it is running anywhere here; after
   * {@code maxAttempts} attempts it is quarantined instead of tried again.
   */
  public record TrainingLost(int maxAttempts, long now) implements Event {
  }

  /**
   * Training found samples of the task deleted from the samples topic (retention): it can never be trained on all
   * its data, and it is never trained on part of it. {@code why} is what training found (it becomes the cause).
   */
  public record SamplesLost(String why, long now) implements Event {
  }

  /** An operator aborted the task (a task-events ABORT). */
  public record Aborted(long now) implements Event {
  }

  /** The snapshot of the task was read back from the snapshot topic as {@code version}. */
  public record Committed(long version, long now) implements Event {
  }

  /**
   * The wall-clock sweep ran at {@code now}: a task not complete for {@code incompleteTimeoutMs} is reported, one
   * not complete for {@code abandonedTimeoutMs} ({@code task.abandoned.timeout.ms}) is given up.
   */
  public record Swept(long now, long incompleteTimeoutMs, long abandonedTimeoutMs) implements Event {

    /** A sweep that never gives a task up (tests of the incompleteness report alone). */
    public Swept(long now, long incompleteTimeoutMs) {
      this(now, incompleteTimeoutMs, Long.MAX_VALUE);
    }
  }

  /** What the processor must do after a transition, besides saving the state. */
  public enum Effect {
    /** Append the task to its model's training queue. */
    ENQUEUE,
    /** Hand the task to training for the first time. */
    SUBMIT_TRAINING,
    /** Hand the task to training again: the last attempt was lost (crash, rebalance, failure). */
    RESUBMIT_TRAINING,
    /** Delete the task's buffered samples. */
    DELETE_BUFFER,
    /** Report the task as incomplete (log, counter). */
    REPORT_INCOMPLETE,
    /** Take the task out of its model's queue. */
    DEQUEUE,
    /** Report the task as quarantined (dead letter, log, counter). */
    REPORT_QUARANTINED,
    /** Report that the task was given up after the abandonment timeout (dead letter, log, counter). */
    REPORT_ABANDONED,
    /**
     * Delete the task's state: an abandoned task that never had a boundary (a random task id) has nothing to
     * remember, so such ids do not grow the task-state store.
     */
    FORGET_STATE,
    /** Report that retention deleted samples of the task before it trained (dead letter, log, counter). */
    REPORT_SAMPLES_LOST,
    /**
     * Let the model forget its input dimension if it has no trained version and no other task holds samples, so the
     * next task may bring another.
     */
    RELEASE_DIMENSION
  }

  /** The new state and the effects, in the order they are to be carried out. */
  public record Transition(TaskState state, List<Effect> effects) {
    public Transition {
      effects = List.copyOf(effects);
    }

    static Transition stay(TaskState state) {
      return new Transition(state, List.of());
    }
  }

  private TaskLifecycle() {
  }

  /** The transition of {@code state} on {@code event}; an event that changes nothing gives back {@code state}. */
  public static Transition apply(TaskState state, Event event) {
    if (event instanceof Buffered b) {
      return Transition.stay(state.withReceived(b.received(), b.now()).settle());
    }
    if (event instanceof Started s) {
      return Transition.stay(state.withReceived(s.received(), s.now()).withStart(s.classes(), s.now()).settle());
    }
    if (event instanceof Ended e) {
      return new Transition(state.withReceived(e.received(), e.now()).withEnd(e.classes(), e.expected(), e.now())
          .settle(), List.of(Effect.ENQUEUE));
    }
    if (event instanceof Turn) {
      return state.status() == TaskStatus.READY
          ? new Transition(state.withStatus(TaskStatus.TRAINING).attempted(), List.of(Effect.SUBMIT_TRAINING))
          : Transition.stay(state);
    }
    if (event instanceof TrainingWatched watched) {
      if (state.status() != TaskStatus.TRAINING || watched.snapshotLoaded() || watched.inFlight()) {
        return Transition.stay(state);
      }
      if (watched.unrecoverable() == null) {
        return apply(state, new TrainingLost(watched.maxAttempts(), watched.now()));
      }
      Transition lost = apply(state, new SamplesLost(watched.unrecoverable(), watched.now()));
      List<Effect> effects = new java.util.ArrayList<>(lost.effects());
      effects.add(Effect.RELEASE_DIMENSION);
      return new Transition(lost.state(), effects);
    }
    if (event instanceof TrainingLost lost) {
      if (state.status() != TaskStatus.TRAINING) {
        return Transition.stay(state);
      }
      return state.attempts() >= lost.maxAttempts()
          ? new Transition(state.quarantined("training failed or was lost at each of its "
              + state.attempts() + " attempts (training.max.attempts)", lost.now()), List.of(Effect.DEQUEUE, Effect.DELETE_BUFFER,
              Effect.REPORT_QUARANTINED))
          : new Transition(state.attempted(), List.of(Effect.RESUBMIT_TRAINING));
    }
    if (event instanceof SamplesLost lost) {
      return state.status() != TaskStatus.TRAINING
          ? Transition.stay(state)
          : new Transition(state.quarantined(lost.why(), lost.now()), List.of(Effect.DEQUEUE, Effect.DELETE_BUFFER,
              Effect.REPORT_SAMPLES_LOST));
    }
    if (event instanceof Aborted a) {
      return state.status() == TaskStatus.TRAINED || state.status() == TaskStatus.QUARANTINED
          ? Transition.stay(state)
          : new Transition(state.quarantined("aborted by an operator (task-events ABORT)", a.now()),
              List.of(Effect.DEQUEUE, Effect.DELETE_BUFFER, Effect.REPORT_QUARANTINED));
    }
    if (event instanceof Committed c) {
      return new Transition(state.trained(c.version(), c.now()), List.of(Effect.DELETE_BUFFER));
    }
    Swept sweep = (Swept) event;
    boolean waiting = state.status() == TaskStatus.OPEN || state.status() == TaskStatus.ENDED;
    if ((waiting || state.status() == TaskStatus.INCOMPLETE)
        && sweep.now() - state.lastSeen() >= sweep.abandonedTimeoutMs()) {
      List<Effect> effects = state.startSeen() || state.endSeen()
          ? List.of(Effect.DEQUEUE, Effect.DELETE_BUFFER, Effect.REPORT_ABANDONED)
          : List.of(Effect.DEQUEUE, Effect.DELETE_BUFFER, Effect.REPORT_ABANDONED, Effect.FORGET_STATE);
      return new Transition(state.quarantined("abandoned: no record for " + Duration.ofMillis(
          sweep.abandonedTimeoutMs()) + " (task.abandoned.timeout.ms) while " + state.waitingFor(), sweep.now()),
          effects);
    }
    return waiting && sweep.now() - state.lastSeen() >= sweep.incompleteTimeoutMs()
        ? new Transition(state.withStatus(TaskStatus.INCOMPLETE), List.of(Effect.REPORT_INCOMPLETE))
        : Transition.stay(state);
  }
}
