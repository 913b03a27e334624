package io.autoactivator.model.snapshot;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Writes and reads the values of primitive arrays in bulk, big-endian (the byte order of {@link DataOutput}), for the
 * learners' weight codecs. Going through {@code DataInput.readFloat} value by value made a 52 MB snapshot take three
 * times longer to read than to write; chunks of 64 Ki values through a {@link ByteBuffer} view do not. Lengths are
 * the caller's business: each codec frames and checks them its own way, and calls {@link #require} with a length
 * it read before it allocates an array of that length.
 */
public final class RawArrays {

  private static final int CHUNK_VALUES = 1 << 16;

  private RawArrays() {
  }

  /**
   * Throws unless {@code count} values of {@code width} bytes can still be read from {@code in}: a no-op for an input
   * that does not know its end, a bound for the {@link BoundedInput} a snapshot's weights are read from.
   */
  public static void require(DataInput in, long count, int width, String what) throws IOException {
    if (in instanceof BoundedInput bounded) {
      bounded.require(count, width, what);
    }
  }

  /** Writes every value of {@code values}. */
  public static void writeFloats(DataOutput out, float[] values) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(Math.min(values.length, CHUNK_VALUES) * Float.BYTES);
    for (int start = 0; start < values.length; start += CHUNK_VALUES) {
      int count = Math.min(CHUNK_VALUES, values.length - start);
      buffer.clear();
      buffer.asFloatBuffer().put(values, start, count);
      out.write(buffer.array(), 0, count * Float.BYTES);
    }
  }

  /** Fills {@code into} with values written by {@link #writeFloats}. */
  public static void readFloats(DataInput in, float[] into) throws IOException {
    byte[] bytes = new byte[Math.min(into.length, CHUNK_VALUES) * Float.BYTES];
    for (int start = 0; start < into.length; start += CHUNK_VALUES) {
      int count = Math.min(CHUNK_VALUES, into.length - start);
      in.readFully(bytes, 0, count * Float.BYTES);
      ByteBuffer.wrap(bytes, 0, count * Float.BYTES).order(ByteOrder.BIG_ENDIAN).asFloatBuffer()
          .get(into, start, count);
    }
  }

  /** Writes every value of {@code values}. */
  public static void writeDoubles(DataOutput out, double[] values) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(Math.min(values.length, CHUNK_VALUES) * Double.BYTES);
    for (int start = 0; start < values.length; start += CHUNK_VALUES) {
      int count = Math.min(CHUNK_VALUES, values.length - start);
      buffer.clear();
      buffer.asDoubleBuffer().put(values, start, count);
      out.write(buffer.array(), 0, count * Double.BYTES);
    }
  }

  /** Fills {@code into} with values written by {@link #writeDoubles}. */
  public static void readDoubles(DataInput in, double[] into) throws IOException {
    byte[] bytes = new byte[Math.min(into.length, CHUNK_VALUES) * Double.BYTES];
    for (int start = 0; start < into.length; start += CHUNK_VALUES) {
      int count = Math.min(CHUNK_VALUES, into.length - start);
      in.readFully(bytes, 0, count * Double.BYTES);
      ByteBuffer.wrap(bytes, 0, count * Double.BYTES).order(ByteOrder.BIG_ENDIAN).asDoubleBuffer()
          .get(into, start, count);
    }
  }
}
