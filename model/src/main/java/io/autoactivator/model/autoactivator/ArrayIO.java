package io.autoactivator.model.autoactivator;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Raw big-endian arrays with a length prefix, copied through a bounded buffer (fast for 10^7 values). */
final class ArrayIO {

  private static final int CHUNK_VALUES = 1 << 16;
  private static final int MAX_LENGTH = 1 << 30;

  private ArrayIO() {
  }

  static void writeFloats(DataOutput out, float[] values) throws IOException {
    out.writeInt(values.length);
    ByteBuffer buffer = ByteBuffer.allocate(CHUNK_VALUES * Float.BYTES).order(ByteOrder.BIG_ENDIAN);
    for (int start = 0; start < values.length; start += CHUNK_VALUES) {
      int count = Math.min(CHUNK_VALUES, values.length - start);
      buffer.clear();
      buffer.asFloatBuffer().put(values, start, count);
      out.write(buffer.array(), 0, count * Float.BYTES);
    }
  }

  static float[] readFloats(DataInput in, String what) throws IOException {
    int length = readLength(in, what);
    float[] values = new float[length];
    byte[] bytes = new byte[Math.min(length, CHUNK_VALUES) * Float.BYTES];
    for (int start = 0; start < length; start += CHUNK_VALUES) {
      int count = Math.min(CHUNK_VALUES, length - start);
      in.readFully(bytes, 0, count * Float.BYTES);
      ByteBuffer.wrap(bytes, 0, count * Float.BYTES).order(ByteOrder.BIG_ENDIAN).asFloatBuffer()
          .get(values, start, count);
    }
    return values;
  }

  static void writeDoubles(DataOutput out, double[] values) throws IOException {
    out.writeInt(values.length);
    ByteBuffer buffer = ByteBuffer.allocate(CHUNK_VALUES * Double.BYTES).order(ByteOrder.BIG_ENDIAN);
    for (int start = 0; start < values.length; start += CHUNK_VALUES) {
      int count = Math.min(CHUNK_VALUES, values.length - start);
      buffer.clear();
      buffer.asDoubleBuffer().put(values, start, count);
      out.write(buffer.array(), 0, count * Double.BYTES);
    }
  }

  static double[] readDoubles(DataInput in, String what) throws IOException {
    int length = readLength(in, what);
    double[] values = new double[length];
    byte[] bytes = new byte[Math.min(length, CHUNK_VALUES) * Double.BYTES];
    for (int start = 0; start < length; start += CHUNK_VALUES) {
      int count = Math.min(CHUNK_VALUES, length - start);
      in.readFully(bytes, 0, count * Double.BYTES);
      ByteBuffer.wrap(bytes, 0, count * Double.BYTES).order(ByteOrder.BIG_ENDIAN).asDoubleBuffer()
          .get(values, start, count);
    }
    return values;
  }

  static void writeInts(DataOutput out, int[] values) throws IOException {
    out.writeInt(values.length);
    for (int v : values) {
      out.writeInt(v);
    }
  }

  static int[] readInts(DataInput in, String what) throws IOException {
    int length = readLength(in, what);
    if (length > 1 << 24) {
      throw new IOException(what + ": implausible length " + length);
    }
    int[] values = new int[length];
    for (int i = 0; i < length; i++) {
      values[i] = in.readInt();
    }
    return values;
  }

  private static int readLength(DataInput in, String what) throws IOException {
    int length = in.readInt();
    if (length < 0 || length > MAX_LENGTH) {
      throw new IOException(what + ": invalid array length " + length);
    }
    return length;
  }
}
