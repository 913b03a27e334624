package io.autoactivator.model.baselines;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;

import org.junit.jupiter.api.Test;

import io.autoactivator.model.snapshot.BoundedInput;

/** The baselines' array lengths are checked against the bytes left before an array is allocated. */
class CodecsTest {

  @Test
  void anAnnouncedArrayLargerThanTheRemainingBytesFailsBeforeAllocation() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (DataOutputStream data = new DataOutputStream(out)) {
      data.writeLong(1L << 30); // as many values as the header's dimensions announce, 4 GiB
      data.write(new byte[32]);
    }
    byte[] forged = out.toByteArray();
    assertThatThrownBy(() -> Codecs.readFloats(BoundedInput.of(forged, 0, forged.length), 1L << 30, "class means"))
        .isInstanceOf(EOFException.class).hasMessageContaining("class means");
    assertThatThrownBy(() -> Codecs.readDoubles(BoundedInput.of(forged, 0, forged.length), 1L << 30, "Gram"))
        .isInstanceOf(EOFException.class);
  }
}
