package io.autoactivator.app.buffer;

import static org.assertj.core.api.Assertions.assertThat;

import io.autoactivator.app.buffer.TaskLifecycle.Effect;
import io.autoactivator.app.buffer.TaskLifecycle.Transition;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** The task lifecycle without stores, threads or a topology: events in, state and effects out. */
class TaskLifecycleTest {

  private static final int[] CLASSES = {3, 4};

  private static TaskState fresh() {
    return TaskState.fresh("m", "t1", 0);
  }

  @Test
  void samplesThenEndMakeATaskReadyAndQueued() {
    Transition t = TaskLifecycle.apply(fresh(), new TaskLifecycle.Buffered(1, 10));
    assertThat(t.state().status()).isEqualTo(TaskStatus.OPEN);
    assertThat(t.state().received()).isEqualTo(1);
    assertThat(t.effects()).isEmpty();

    t = TaskLifecycle.apply(t.state(), new TaskLifecycle.Ended(CLASSES, 2, 1, 20));
    assertThat(t.state().status()).isEqualTo(TaskStatus.ENDED);
    assertThat(t.effects()).containsExactly(Effect.ENQUEUE);

    t = TaskLifecycle.apply(t.state(), new TaskLifecycle.Buffered(2, 30));
    assertThat(t.state().status()).isEqualTo(TaskStatus.READY);
    assertThat(t.state().lastSeen()).isEqualTo(30);
    assertThat(t.effects()).isEmpty();
  }

  @Test
  void anEndAfterEverySampleIsReadyAtOnce() {
    TaskState started = TaskLifecycle.apply(fresh(), new TaskLifecycle.Started(CLASSES, 0, 5)).state();
    assertThat(started.status()).isEqualTo(TaskStatus.OPEN);
    assertThat(started.startSeen()).isTrue();
    TaskState two = TaskLifecycle.apply(TaskLifecycle.apply(started, new TaskLifecycle.Buffered(1, 6)).state(),
        new TaskLifecycle.Buffered(2, 7)).state();
    Transition t = TaskLifecycle.apply(two, new TaskLifecycle.Ended(CLASSES, 2, 2, 8));
    assertThat(t.state().status()).isEqualTo(TaskStatus.READY);
    assertThat(t.effects()).containsExactly(Effect.ENQUEUE);
  }

  @Test
  void itsTurnHandsAReadyTaskToTrainingOnceAndCountsTheAttempt() {
    TaskState ready = ready();
    Transition t = TaskLifecycle.apply(ready, new TaskLifecycle.Turn());
    assertThat(t.state().status()).isEqualTo(TaskStatus.TRAINING);
    assertThat(t.state().attempts()).isEqualTo(1);
    assertThat(t.effects()).containsExactly(Effect.SUBMIT_TRAINING);

    Transition again = TaskLifecycle.apply(t.state(), new TaskLifecycle.Turn());
    assertThat(again.state()).isSameAs(t.state());
    assertThat(again.effects()).isEmpty();
    assertThat(TaskLifecycle.apply(fresh(), new TaskLifecycle.Turn()).effects()).isEmpty();
  }

  @Test
  void lostTrainingIsResubmittedAndRecordedAsAnotherAttempt() {
    TaskState training = TaskLifecycle.apply(ready(), new TaskLifecycle.Turn()).state();
    Transition t = TaskLifecycle.apply(training, new TaskLifecycle.TrainingLost(Integer.MAX_VALUE, 0));
    assertThat(t.state().status()).isEqualTo(TaskStatus.TRAINING);
    assertThat(t.state().attempts()).isEqualTo(2);
    assertThat(t.effects()).containsExactly(Effect.RESUBMIT_TRAINING);
    assertThat(TaskLifecycle.apply(ready(), new TaskLifecycle.TrainingLost(Integer.MAX_VALUE, 0)).effects()).isEmpty();
  }

  @Test
  void aTaskWhoseTrainingKeepsFailingIsQuarantinedAfterTheLastAttempt() {
    TaskState training = TaskLifecycle.apply(ready(), new TaskLifecycle.Turn()).state();
    Transition second = TaskLifecycle.apply(training, new TaskLifecycle.TrainingLost(2, 5));
    assertThat(second.effects()).containsExactly(Effect.RESUBMIT_TRAINING);
    Transition third = TaskLifecycle.apply(second.state(), new TaskLifecycle.TrainingLost(2, 6));
    assertThat(third.state().status()).isEqualTo(TaskStatus.QUARANTINED);
    assertThat(third.state().classes()).as("its classes are free again").isEmpty();
    assertThat(third.effects()).containsExactly(Effect.DEQUEUE, Effect.DELETE_BUFFER, Effect.REPORT_QUARANTINED);
    assertThat(third.state().attempts()).isEqualTo(2);
    assertThat(third.state().cause()).isEqualTo("training failed or was lost at each of its 2 attempts"
        + " (training.max.attempts)");
    assertThat(second.state().cause()).as("no cause before the quarantine").isEmpty();
    assertThat(TaskLifecycle.apply(third.state(), new TaskLifecycle.TrainingLost(2, 7)).effects()).isEmpty();
  }

  @Test
  void theSweepDecidesThatTheLastAttemptWasLostOnlyWhenNothingOfItsTrainingIsLeft() {
    TaskState training = TaskLifecycle.apply(ready(), new TaskLifecycle.Turn()).state();
    Transition loaded = TaskLifecycle.apply(training, new TaskLifecycle.TrainingWatched(true, false, null, 3, 5));
    assertThat(loaded.state()).as("its snapshot is loaded: it commits").isSameAs(training);
    assertThat(loaded.effects()).isEmpty();
    Transition running = TaskLifecycle.apply(training, new TaskLifecycle.TrainingWatched(false, true, null, 3, 5));
    assertThat(running.state()).as("training of it is queued, running or on its way back").isSameAs(training);
    assertThat(running.effects()).isEmpty();

    Transition lost = TaskLifecycle.apply(training, new TaskLifecycle.TrainingWatched(false, false, null, 3, 5));
    assertThat(lost.effects()).as("neither: the attempt was lost").containsExactly(Effect.RESUBMIT_TRAINING);
    assertThat(lost.state().attempts()).isEqualTo(2);
    Transition last = TaskLifecycle.apply(lost.state(), new TaskLifecycle.TrainingWatched(false, false, null, 2, 6));
    assertThat(last.state().status()).isEqualTo(TaskStatus.QUARANTINED);
    assertThat(last.effects()).containsExactly(Effect.DEQUEUE, Effect.DELETE_BUFFER, Effect.REPORT_QUARANTINED);

    Transition gone = TaskLifecycle.apply(training,
        new TaskLifecycle.TrainingWatched(false, false, "t.samples-0 starts at 9", 3, 7));
    assertThat(gone.state().status()).isEqualTo(TaskStatus.QUARANTINED);
    assertThat(gone.state().cause()).isEqualTo("t.samples-0 starts at 9");
    assertThat(gone.effects()).as("never retried; the model may take another input dimension")
        .containsExactly(Effect.DEQUEUE, Effect.DELETE_BUFFER, Effect.REPORT_SAMPLES_LOST, Effect.RELEASE_DIMENSION);

    assertThat(TaskLifecycle.apply(ready(), new TaskLifecycle.TrainingWatched(false, false, null, 1, 8)).effects())
        .as("a task not in training has no attempt to lose").isEmpty();
  }

  @Test
  void anOperatorAbortQuarantinesAnyTaskNotTrainedYet() {
    Transition t = TaskLifecycle.apply(ready(), new TaskLifecycle.Aborted(9));
    assertThat(t.state().status()).isEqualTo(TaskStatus.QUARANTINED);
    assertThat(t.state().cause()).isEqualTo("aborted by an operator (task-events ABORT)");
    assertThat(t.effects()).containsExactly(Effect.DEQUEUE, Effect.DELETE_BUFFER, Effect.REPORT_QUARANTINED);
    assertThat(TaskLifecycle.apply(t.state(), new TaskLifecycle.Aborted(10)).effects()).isEmpty();
  }

  @Test
  void aTrainingTaskWhoseSamplesRetentionDeletedIsQuarantinedNotRetried() {
    TaskState training = TaskLifecycle.apply(ready(), new TaskLifecycle.Turn()).state();
    Transition t = TaskLifecycle.apply(training, new TaskLifecycle.SamplesLost("t.samples-0 starts at 9", 12));
    assertThat(t.state().status()).isEqualTo(TaskStatus.QUARANTINED);
    assertThat(t.state().cause()).as("what training found is the cause").isEqualTo("t.samples-0 starts at 9");
    assertThat(t.state().classes()).as("its classes are free again").isEmpty();
    assertThat(t.effects()).containsExactly(Effect.DEQUEUE, Effect.DELETE_BUFFER, Effect.REPORT_SAMPLES_LOST);
    assertThat(TaskLifecycle.apply(ready(), new TaskLifecycle.SamplesLost("gone", 12)).effects())
        .as("only a task in training finds out").isEmpty();
  }

  @Test
  void aCommittedSnapshotTrainsTheTaskAndDeletesItsBuffer() {
    TaskState training = TaskLifecycle.apply(ready(), new TaskLifecycle.Turn()).state();
    Transition t = TaskLifecycle.apply(training, new TaskLifecycle.Committed(7, 99));
    assertThat(t.state().status()).isEqualTo(TaskStatus.TRAINED);
    assertThat(t.state().version()).isEqualTo(7);
    assertThat(t.state().lastSeen()).isEqualTo(99);
    assertThat(t.effects()).containsExactly(Effect.DELETE_BUFFER);
  }

  @Test
  void theSweepReportsOnlyWaitingTasksPastTheTimeout() {
    TaskState open = TaskLifecycle.apply(fresh(), new TaskLifecycle.Buffered(1, 100)).state();
    assertThat(TaskLifecycle.apply(open, new TaskLifecycle.Swept(1_099, 1_000)).state()).isSameAs(open);
    Transition t = TaskLifecycle.apply(open, new TaskLifecycle.Swept(1_100, 1_000));
    assertThat(t.state().status()).isEqualTo(TaskStatus.INCOMPLETE);
    assertThat(t.effects()).containsExactly(Effect.REPORT_INCOMPLETE);
    assertThat(t.state().accepting()).isTrue();

    TaskState ready = ready();
    assertThat(TaskLifecycle.apply(ready, new TaskLifecycle.Swept(1_000_000, 1)).effects()).isEmpty();
    TaskState incomplete = t.state();
    assertThat(TaskLifecycle.apply(incomplete, new TaskLifecycle.Swept(1_000_000, 1)).effects()).isEmpty();
  }

  @Test
  void aTaskStillNotCompleteAfterTheAbandonmentTimeoutIsQuarantined() {
    TaskState ended = TaskLifecycle.apply(fresh(), new TaskLifecycle.Ended(CLASSES, 3, 2, 100)).state();
    TaskState incomplete = TaskLifecycle.apply(ended, new TaskLifecycle.Swept(200, 50, 1_000)).state();
    assertThat(incomplete.status()).isEqualTo(TaskStatus.INCOMPLETE);
    assertThat(TaskLifecycle.apply(incomplete, new TaskLifecycle.Swept(1_099, 50, 1_000)).state())
        .isSameAs(incomplete);
    Transition t = TaskLifecycle.apply(incomplete, new TaskLifecycle.Swept(1_100, 50, 1_000));
    assertThat(t.state().status()).isEqualTo(TaskStatus.QUARANTINED);
    assertThat(t.state().classes()).as("its classes are released").isEmpty();
    assertThat(t.effects()).containsExactly(Effect.DEQUEUE, Effect.DELETE_BUFFER, Effect.REPORT_ABANDONED);
    assertThat(t.state().cause()).isEqualTo("abandoned: no record for PT1S (task.abandoned.timeout.ms) while its"
        + " END announced 3 samples and 2 arrived");

    TaskState open = TaskLifecycle.apply(fresh(), new TaskLifecycle.Buffered(1, 100)).state();
    assertThat(TaskLifecycle.apply(open, new TaskLifecycle.Swept(1_100, 5_000, 1_000)).effects())
        .as("a task with no boundary at all").containsExactly(Effect.DEQUEUE, Effect.DELETE_BUFFER,
            Effect.REPORT_ABANDONED, Effect.FORGET_STATE);
    TaskState training = TaskLifecycle.apply(ready(), new TaskLifecycle.Turn()).state();
    assertThat(TaskLifecycle.apply(training, new TaskLifecycle.Swept(Long.MAX_VALUE / 2, 1, 1)).effects())
        .as("complete tasks are never abandoned").isEmpty();
  }

  @Test
  void anIncompleteTaskThatGetsItsSamplesBecomesReady() {
    TaskState ended = TaskLifecycle.apply(fresh(), new TaskLifecycle.Ended(CLASSES, 1, 0, 0)).state();
    TaskState incomplete = TaskLifecycle.apply(ended, new TaskLifecycle.Swept(10, 1)).state();
    assertThat(incomplete.status()).isEqualTo(TaskStatus.INCOMPLETE);
    assertThat(TaskLifecycle.apply(incomplete, new TaskLifecycle.Buffered(1, 11)).state().status())
        .isEqualTo(TaskStatus.READY);
  }

  @Test
  void attemptsSurviveTheStoreAndTheOldLayoutIsStillRead() throws IOException {
    TaskState training = TaskLifecycle.apply(TaskLifecycle.apply(ready(), new TaskLifecycle.Turn()).state(),
        new TaskLifecycle.TrainingLost(Integer.MAX_VALUE, 0)).state();
    byte[] bytes = StateSerdes.taskState().serializer().serialize("t", training);
    TaskState back = StateSerdes.taskState().deserializer().deserialize("t", bytes);
    assertThat(back.attempts()).isEqualTo(2);
    assertThat(back.toString()).isEqualTo(training.toString());

    ByteArrayOutputStream old = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(old)) { // layout 1: no attempts
      out.writeByte(1);
      out.writeUTF("m");
      out.writeUTF("t1");
      out.writeByte(TaskStatus.TRAINING.ordinal());
      out.writeBoolean(true);
      out.writeBoolean(true);
      out.writeInt(2);
      out.writeInt(3);
      out.writeInt(4);
      out.writeLong(2);
      out.writeLong(2);
      out.writeLong(1);
      out.writeLong(5);
      out.writeLong(0);
    }
    TaskState v1 = StateSerdes.taskState().deserializer().deserialize("t", old.toByteArray());
    assertThat(v1.status()).isEqualTo(TaskStatus.TRAINING);
    assertThat(v1.classes()).containsExactly(3, 4);
    assertThat(v1.lastSeen()).isEqualTo(5);
    assertThat(v1.attempts()).isEqualTo(1);
  }

  private static TaskState ready() {
    TaskState state = fresh();
    state = TaskLifecycle.apply(state, new TaskLifecycle.Started(CLASSES, 0, 1)).state();
    state = TaskLifecycle.apply(state, new TaskLifecycle.Buffered(1, 2)).state();
    state = TaskLifecycle.apply(state, new TaskLifecycle.Ended(CLASSES, 1, 1, 3)).state();
    assertThat(state.status()).isEqualTo(TaskStatus.READY);
    return state;
  }
}
