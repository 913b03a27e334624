package io.autoactivator.model.baselines;

import io.autoactivator.model.snapshot.RawArrays;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import io.autoactivator.model.api.LearnedTask;

/** Raw big-endian encodings shared by the baselines' snapshot codecs. Lengths are checked before allocating. */
final class Codecs {

  /** "AABL": AutoActivator baseline. */
  static final int MAGIC = 0x4141424C;
  /**
   * The version this build writes: 2 is version 1 without the learner's name after the version (the snapshot's
   * provenance header holds it, and the codec is the learner's own). Version 1 (builds before session 8) still reads.
   */
  static final int VERSION = 2;
  /** Version 1 repeated the learner's name. */
  private static final int NAMED_VERSION = 1;
  private static final long MAX_ELEMENTS = 1L << 30;

  private Codecs() {
  }

  static void writeHeader(DataOutput out) throws IOException {
    out.writeInt(MAGIC);
    out.writeInt(VERSION);
  }

  /** Checks magic and version (and, in version 1, the learner's name); returns the version. */
  static int readHeader(DataInput in, String learner) throws IOException {
    int magic = in.readInt();
    if (magic != MAGIC) {
      throw new IOException("not a baseline snapshot (magic 0x" + Integer.toHexString(magic) + ")");
    }
    int version = in.readInt();
    if (version != VERSION && version != NAMED_VERSION) {
      throw new IOException("unsupported baseline snapshot version " + version + " (this build reads "
          + NAMED_VERSION + " and " + VERSION + ")");
    }
    if (version == VERSION) {
      return version;
    }
    String written = in.readUTF();
    if (!written.equals(learner)) {
      throw new IOException("snapshot was written by learner '" + written + "', not '" + learner + "'");
    }
    return version;
  }

  static int positive(int value, String what) throws IOException {
    if (value <= 0) {
      throw new IOException("corrupt snapshot: " + what + " is " + value);
    }
    return value;
  }

  static void writeFloats(DataOutput out, float[] values) throws IOException {
    out.writeLong(values.length);
    RawArrays.writeFloats(out, values);
  }

  static float[] readFloats(DataInput in, long expected, String what) throws IOException {
    long length = in.readLong();
    if (length != expected || length > MAX_ELEMENTS) {
      throw new IOException("corrupt snapshot: " + what + " has " + length + " values, expected " + expected);
    }
    RawArrays.require(in, length, Float.BYTES, what);
    float[] values = new float[(int) length];
    RawArrays.readFloats(in, values);
    return values;
  }

  static void writeDoubles(DataOutput out, double[] values) throws IOException {
    out.writeLong(values.length);
    RawArrays.writeDoubles(out, values);
  }

  static double[] readDoubles(DataInput in, long expected, String what) throws IOException {
    long length = in.readLong();
    if (length != expected || length > MAX_ELEMENTS) {
      throw new IOException("corrupt snapshot: " + what + " has " + length + " values, expected " + expected);
    }
    RawArrays.require(in, length, Double.BYTES, what);
    double[] values = new double[(int) length];
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
    int length = in.readInt();
    if (length < 0 || length > (1 << 24)) {
      throw new IOException("corrupt snapshot: " + what + " has " + length + " values");
    }
    RawArrays.require(in, length, Integer.BYTES, what);
    int[] values = new int[length];
    for (int i = 0; i < length; i++) {
      values[i] = in.readInt();
    }
    return values;
  }

  static void writeTasks(DataOutput out, List<LearnedTask> tasks) throws IOException {
    out.writeInt(tasks.size());
    for (LearnedTask task : tasks) {
      out.writeUTF(task.taskId());
      writeInts(out, task.classes());
      out.writeInt(task.units());
    }
  }

  static List<LearnedTask> readTasks(DataInput in) throws IOException {
    int count = in.readInt();
    if (count < 0 || count > (1 << 20)) {
      throw new IOException("corrupt snapshot: " + count + " tasks");
    }
    List<LearnedTask> tasks = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      tasks.add(new LearnedTask(in.readUTF(), readInts(in, "task classes"), in.readInt()));
    }
    return List.copyOf(tasks);
  }
}
