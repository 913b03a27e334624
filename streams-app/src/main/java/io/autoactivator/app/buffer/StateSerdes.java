package io.autoactivator.app.buffer;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Binary forms of the state-store values. Written and read by this app alone (stores and their changelogs), so a
 * versioned fixed layout is enough; a layout change bumps the version byte.
 */
public final class StateSerdes {

  /**
   * Layout written; 2 added the task's training attempts, 3 the task's accepted bytes and offset ranges on the
   * samples topic and the model's buffered bytes (the log became the buffer), 4 the task's quarantine cause. Layouts
   * 1 and 2 are still read: their tasks have no ranges and no bytes until the task processor migrates the old
   * task-buffer store into them; a task of layouts 1 to 3 has no cause (empty). The changelogs hold every layout
   * an earlier build wrote, so none is ever dropped from the reader.
   */
  private static final byte VERSION = 4;

  private StateSerdes() {
  }

  public static Serde<TaskState> taskState() {
    return Serdes.serdeFrom((topic, s) -> s == null ? null : write(out -> {
      out.writeUTF(s.modelId());
      out.writeUTF(s.taskId());
      out.writeByte(s.status().ordinal());
      out.writeBoolean(s.startSeen());
      out.writeBoolean(s.endSeen());
      out.writeInt(s.classes().length);
      for (int c : s.classes()) {
        out.writeInt(c);
      }
      out.writeLong(s.expected());
      out.writeLong(s.received());
      out.writeLong(s.firstSeen());
      out.writeLong(s.lastSeen());
      out.writeLong(s.version());
      out.writeInt(s.attempts());
      out.writeLong(s.bytes());
      OffsetRanges r = s.ranges();
      out.writeInt(r.size());
      for (int i = 0; i < r.size(); i++) {
        out.writeInt(r.partition(i));
        out.writeLong(r.first(i));
        out.writeLong(r.last(i));
      }
      out.writeUTF(s.cause());
    }), (topic, data) -> data == null ? null : read(data, (version, in) -> {
      String modelId = in.readUTF();
      String taskId = in.readUTF();
      TaskStatus status = TaskStatus.values()[in.readByte()];
      boolean start = in.readBoolean();
      boolean end = in.readBoolean();
      int[] classes = new int[in.readInt()];
      for (int i = 0; i < classes.length; i++) {
        classes[i] = in.readInt();
      }
      long expected = in.readLong();
      long received = in.readLong();
      long firstSeen = in.readLong();
      long lastSeen = in.readLong();
      long trainedVersion = in.readLong();
      int attempts = version >= 2 ? in.readInt() : (status == TaskStatus.TRAINING ? 1 : 0);
      long bytes = 0;
      OffsetRanges ranges = OffsetRanges.none();
      if (version >= 3) {
        bytes = in.readLong();
        int n = in.readInt();
        int[] partitions = new int[n];
        long[] first = new long[n];
        long[] last = new long[n];
        for (int i = 0; i < n; i++) {
          partitions[i] = in.readInt();
          first[i] = in.readLong();
          last[i] = in.readLong();
        }
        ranges = OffsetRanges.of(partitions, first, last);
      }
      String cause = version >= 4 ? in.readUTF() : "";
      return new TaskState(modelId, taskId, status, start, end, classes, expected, received, firstSeen, lastSeen,
          trainedVersion, attempts, bytes, ranges, cause);
    }));
  }

  public static Serde<ModelState> modelState() {
    return Serdes.serdeFrom((topic, s) -> s == null ? null : write(out -> {
      out.writeUTF(s.modelId());
      out.writeInt(s.queue().size());
      for (String t : s.queue()) {
        out.writeUTF(t);
      }
      out.writeLong(s.committedVersion());
      out.writeInt(s.dimension());
      out.writeLong(s.bufferedBytes());
    }), (topic, data) -> data == null ? null : read(data, (version, in) -> {
      String modelId = in.readUTF();
      int n = in.readInt();
      List<String> queue = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        queue.add(in.readUTF());
      }
      long committed = in.readLong();
      int dimension = in.readInt();
      return new ModelState(modelId, queue, committed, dimension, version >= 3 ? in.readLong() : 0);
    }));
  }

  private interface Writer {
    void write(DataOutputStream out) throws IOException;
  }

  private interface Reader<T> {
    T read(byte version, DataInputStream in) throws IOException;
  }

  private static byte[] write(Writer writer) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(VERSION);
      writer.write(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static <T> T read(byte[] data, Reader<T> reader) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
      byte version = in.readByte();
      if (version < 1 || version > VERSION) {
        throw new IOException("unknown state version " + version);
      }
      return reader.read(version, in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
