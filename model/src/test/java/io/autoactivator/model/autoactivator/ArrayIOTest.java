package io.autoactivator.model.autoactivator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;

import org.junit.jupiter.api.Test;

import io.autoactivator.model.snapshot.BoundedInput;

/** Array lengths in weights are claims of whoever wrote them: checked against the bytes left before allocating. */
class ArrayIOTest {

  private static byte[] lengthThenBytes(int length, int bytes) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (DataOutputStream data = new DataOutputStream(out)) {
      data.writeInt(length);
      data.write(new byte[bytes]);
    }
    return out.toByteArray();
  }

  @Test
  void aLengthTheRemainingBytesCannotHoldFailsBeforeAnyAllocation() throws IOException {
    byte[] forged = lengthThenBytes(1 << 30, 16); // 4 GiB of floats announced, 16 bytes present
    assertThatThrownBy(() -> ArrayIO.readFloats(BoundedInput.of(forged, 0, forged.length), "router weights"))
        .isInstanceOf(EOFException.class).hasMessageContaining("router weights").hasMessageContaining("16 bytes left");
    assertThatThrownBy(() -> ArrayIO.readDoubles(BoundedInput.of(forged, 0, forged.length), "router gram"))
        .isInstanceOf(EOFException.class);
    byte[] ints = lengthThenBytes(1 << 24, 8);
    assertThatThrownBy(() -> ArrayIO.readInts(BoundedInput.of(ints, 0, ints.length), "classes"))
        .isInstanceOf(EOFException.class);
  }

  @Test
  void aLengthThatFitsIsRead() throws IOException {
    byte[] fits = lengthThenBytes(4, 16);
    assertThat(ArrayIO.readFloats(BoundedInput.of(fits, 0, fits.length), "biases")).containsExactly(0f, 0f, 0f, 0f);
  }
}
