package io.autoactivator.app.buffer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The state layouts: the current one round-trips; the layout before the log became the buffer and the one before
 * the quarantine cause are still read (the changelogs hold them).
 */
class StateSerdesTest {

  @Test
  void aTaskKeepsItsBytesAndOffsetRangesThroughTheStore() {
    TaskState task = TaskState.fresh("m", "t1", 1).withSample(2, 40, 3_000, 2).withSample(0, 7, 3_100, 3)
        .withSample(2, 12, 2_900, 4);
    assertThat(task.ranges().toString()).isEqualTo("[0:7..7, 2:12..40]");
    assertThat(task.bytes()).isEqualTo(9_000);
    TaskState back = StateSerdes.taskState().deserializer().deserialize("t",
        StateSerdes.taskState().serializer().serialize("t", task));
    assertThat(back.ranges()).isEqualTo(task.ranges());
    assertThat(back.bytes()).isEqualTo(9_000);
    assertThat(back.received()).isEqualTo(3);
    assertThat(back.toString()).isEqualTo(task.toString());
  }

  @Test
  void aQuarantinedTaskKeepsItsCauseThroughTheStore() {
    TaskState task = TaskState.fresh("m", "t1", 1).withEnd(new int[] {3}, 1, 2).withStatus(TaskStatus.TRAINING)
        .attempted().quarantined("samples of task t1 were deleted from t.samples-0", 3);
    TaskState back = StateSerdes.taskState().deserializer().deserialize("t",
        StateSerdes.taskState().serializer().serialize("t", task));
    assertThat(back.cause()).isEqualTo("samples of task t1 were deleted from t.samples-0");
    assertThat(back.toString()).isEqualTo(task.toString());
    assertThat(TaskState.fresh("m", "t2", 1).quarantined("x".repeat(70_000), 2).cause())
        .as("bounded: a cause partly comes from outside").hasSize(TaskState.MAX_CAUSE_CHARS);
  }

  /**
   * Values the layout-3 serde wrote (main at 04ec711, before the cause), as the task-state changelog still holds
   * them: a quarantined task after two attempts and a task in training. They read as they were, with no cause.
   */
  @Test
  void layoutThreeWrittenByTheOldSerdeIsReadWithoutACause() {
    TaskState quarantined = read("0300016d00027431060101000000000000000000000001000000000000000000000000000000010000"
        + "000000000009000000000000000000000002000000000000000000000000");
    assertThat(quarantined.toString())
        .isEqualTo("m/t1 QUARANTINED classes=[] received=0/1 bytes=0 offsets=[] attempts=2");
    assertThat(quarantined.cause()).isEmpty();

    TaskState training = read("0300016d0002743203000100000001000000050000000000000001000000000000000100000000000000"
        + "0100000000000000040000000000000000000000010000000000000bb8000000010000000200000000000000280000000000000028");
    assertThat(training.toString())
        .isEqualTo("m/t2 TRAINING classes=[5] received=1/1 bytes=3000 offsets=[2:40..40]");
    assertThat(training.attempts()).isEqualTo(1);
    assertThat(training.cause()).isEmpty();
    TaskState lostAgain = TaskLifecycle.apply(training, new TaskLifecycle.TrainingLost(1, 9)).state();
    assertThat(lostAgain.status()).as("an old value goes on through the lifecycle").isEqualTo(TaskStatus.QUARANTINED);
    assertThat(lostAgain.cause()).isEqualTo("training failed or was lost at each of its 1 attempts"
        + " (training.max.attempts)");
  }

  private static TaskState read(String hex) {
    return StateSerdes.taskState().deserializer().deserialize("t", HexFormat.of().parseHex(hex));
  }

  @Test
  void aModelKeepsItsBufferedBytes() {
    ModelState model = ModelState.fresh("m").withDimension(784).enqueue("t1").buffering(12_345);
    ModelState back = StateSerdes.modelState().deserializer().deserialize("t",
        StateSerdes.modelState().serializer().serialize("t", model));
    assertThat(back).isEqualTo(model);
    assertThat(model.buffering(-20_000).bufferedBytes()).as("never below zero").isZero();
  }

  @Test
  void layoutTwoIsReadWithoutRangesOrBytes() throws IOException {
    ByteArrayOutputStream task = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(task)) {
      out.writeByte(2);
      out.writeUTF("m");
      out.writeUTF("t1");
      out.writeByte(TaskStatus.ENDED.ordinal());
      out.writeBoolean(true);
      out.writeBoolean(true);
      out.writeInt(1);
      out.writeInt(3);
      out.writeLong(5);
      out.writeLong(4);
      out.writeLong(1);
      out.writeLong(9);
      out.writeLong(0);
      out.writeInt(0);
    }
    TaskState v2 = StateSerdes.taskState().deserializer().deserialize("t", task.toByteArray());
    assertThat(v2.status()).isEqualTo(TaskStatus.ENDED);
    assertThat(v2.received()).isEqualTo(4);
    assertThat(v2.expected()).isEqualTo(5);
    assertThat(v2.ranges().isEmpty()).isTrue();
    assertThat(v2.bytes()).isZero();

    ByteArrayOutputStream model = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(model)) {
      out.writeByte(2);
      out.writeUTF("m");
      out.writeInt(1);
      out.writeUTF("t1");
      out.writeLong(3);
      out.writeInt(784);
    }
    ModelState m2 = StateSerdes.modelState().deserializer().deserialize("t", model.toByteArray());
    assertThat(m2).isEqualTo(new ModelState("m", List.of("t1"), 3, 784, 0));
  }
}
