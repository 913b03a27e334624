package io.autoactivator.model.snapshot;

import java.io.ByteArrayInputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.EOFException;

/**
 * The weights of a snapshot as a {@link DataInput} that knows how many bytes are left, so that a codec can compare
 * an array length it has just read (written by whoever wrote the snapshot) with the bytes that could hold it before
 * it allocates the array: a forged length of 2^30 floats must not cost 4 GiB of heap, or an OutOfMemoryError.
 * {@link #require} is the check; codecs call it through {@link RawArrays#require}.
 */
public final class BoundedInput extends DataInputStream {

  private final ByteArrayInputStream bytes;

  private BoundedInput(ByteArrayInputStream bytes) {
    super(bytes);
    this.bytes = bytes;
  }

  /** Reads {@code length} bytes of {@code array} from {@code offset}. */
  public static BoundedInput of(byte[] array, int offset, int length) {
    return new BoundedInput(new ByteArrayInputStream(array, offset, length));
  }

  /** Bytes not read yet. */
  public long remaining() {
    return bytes.available();
  }

  /** Throws unless {@code count} values of {@code width} bytes each can still be read. */
  public void require(long count, int width, String what) throws EOFException {
    if (count < 0 || count > remaining() / width) {
      throw new EOFException(what + ": " + count + " values of " + width + " bytes announced, only " + remaining()
          + " bytes left");
    }
  }
}
