package io.autoactivator.model.autoactivator;

import io.autoactivator.model.snapshot.RawArrays;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/** Raw big-endian arrays with a length prefix, copied through a bounded buffer (fast for 10^7 values). */
final class ArrayIO {

  private static final int MAX_LENGTH = 1 << 30;

  private ArrayIO() {
  }

  static void writeFloats(DataOutput out, float[] values) throws IOException {
    out.writeInt(values.length);
    RawArrays.writeFloats(out, values);
  }

  static float[] readFloats(DataInput in, String what) throws IOException {
    int length = readLength(in, what);
    RawArrays.require(in, length, Float.BYTES, what);
    float[] values = new float[length];
    RawArrays.readFloats(in, values);
    return values;
  }

  static void writeDoubles(DataOutput out, double[] values) throws IOException {
    out.writeInt(values.length);
    RawArrays.writeDoubles(out, values);
  }

  static double[] readDoubles(DataInput in, String what) throws IOException {
    int length = readLength(in, what);
    RawArrays.require(in, length, Double.BYTES, what);
    double[] values = new double[length];
    RawArrays.readDoubles(in, values);
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
    RawArrays.require(in, length, Integer.BYTES, what);
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
