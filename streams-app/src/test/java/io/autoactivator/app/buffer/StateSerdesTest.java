package io.autoactivator.app.buffer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The state layouts: the current one round-trips, the layout before the log became the buffer is still read. */
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
