package io.autoactivator.model.baselines;

import io.autoactivator.model.snapshot.RawArrays;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import io.autoactivator.model.api.LearnedTask;
import io.autoactivator.model.api.LearnerSettings;

/**
 * Raw big-endian encodings shared by the baselines' snapshot codecs. Lengths are checked before allocating. What
 * the provenance header records (the learner's name, seed, options, tasks and classes) is not written again.
 */
final class Codecs {

  /** "AABL": AutoActivator baseline. */
  static final int MAGIC = 0x4141424C;
  /**
   * The version this build writes: 3 is version 2 without the task and class lists and without the analytic
   * models' ridge (the snapshot's provenance header holds them: {@link LearnerSettings}). Versions 1 and 2 still
   * read, with their own copy.
   */
  static final int VERSION = 3;
  /** Version 2 (session 8) no longer repeated the learner's name, but still the tasks, the classes and the ridge. */
  static final int LISTS_VERSION = 2;
  /** Version 1 repeated the learner's name (and finetune's hyperparameters) as well. */
  static final int NAMED_VERSION = 1;
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
    if (version < NAMED_VERSION || version > VERSION) {
      throw new IOException("unsupported baseline snapshot version " + version + " (this build reads "
          + NAMED_VERSION + " to " + VERSION + ")");
    }
    if (version != NAMED_VERSION) {
      return version;
    }
    String written = in.readUTF();
    if (!written.equals(learner)) {
      throw new IOException("snapshot was written by learner '" + written + "', not '" + learner + "'");
    }
    return version;
  }

  /** What a baseline model learned: its classes in score-column order, and its tasks, oldest first. */
  record Learned(int[] classes, List<LearnedTask> tasks) {
  }

  /**
   * The classes and tasks of weights of {@code version}: read where versions 1 and 2 kept them (after the fields
   * the caller has read), else taken from the header, where they must be a model's: at least one task, and the
   * classes those of the tasks in order, each once.
   */
  static Learned learned(DataInput in, int version, LearnerSettings header) throws IOException {
    if (version < VERSION) {
      return new Learned(readInts(in, "classes"), readTasks(in));
    }
    int[] classes = header.classes();
    List<LearnedTask> tasks = header.tasks();
    int[] ofTasks = tasks.stream().flatMapToInt(t -> Arrays.stream(t.classes())).toArray();
    if (tasks.isEmpty() || !Arrays.equals(classes, ofTasks) || Arrays.stream(classes).distinct().count()
        != classes.length) {
      throw new IOException("the header's " + tasks.size() + " tasks and classes " + Arrays.toString(classes)
          + " do not describe a model (the weights of version " + VERSION + " take them from the header)");
    }
    return new Learned(classes, tasks);
  }

  /** A positive number the header records for {@code key}; a clear error where it does not. */
  static double recordedNumber(Map<String, String> recorded, String key, String learner)
      throws IOException {
    String value = recorded.get(key);
    try {
      double parsed = Double.parseDouble(value == null ? "" : value.trim());
      if (parsed > 0 && Double.isFinite(parsed)) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IOException("the header records " + learner + "." + key + "=" + value + ", not a positive number");
  }

  /**
   * Throws when weights of this build's version hold another number of random features than the header records
   * (earlier versions carried their own settings, which win).
   */
  static void checkRecordedFeatures(int version, Map<String, String> recorded, int features) throws IOException {
    if (version == VERSION && recorded.containsKey("features")
        && !recorded.get("features").equals(Integer.toString(features))) {
      throw new IOException("the header records features=" + recorded.get("features") + ", the weights hold "
          + features + " random features");
    }
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

  private static int[] readInts(DataInput in, String what) throws IOException {
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

  private static List<LearnedTask> readTasks(DataInput in) throws IOException {
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
