package io.autoactivator.app.kafka;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A value of the task-samples store ({@link StoreNames#TASK_SAMPLES}) under a chunk key ({@link
 * StoreNames#chunkKey}): where a run of a task's accepted samples lie, one entry per sample (its id, then what an
 * {@link AcceptedSample} holds). One chunk stands for some dozens of samples, so the changelog carries one record
 * per chunk and commit instead of one per sample; the entries of a chunk are in acceptance order.
 *
 * <p>Layout: a format byte ({@value #FORMAT}), then per entry the id's UTF-8 length (4 bytes), the id, and the 20
 * bytes of {@link AcceptedSample#encode}. Never 20 bytes long, so it cannot be mistaken for the
 * per-sample value earlier releases wrote (those keep being read).
 */
public final class AcceptedChunk {

  /** The first byte of every chunk. */
  public static final byte FORMAT = 1;

  /** One accepted sample of a chunk: its id (UTF-8) and where it lies. */
  public record Entry(byte[] id, AcceptedSample sample) {

    public String sampleId() {
      return new String(id, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Entry e && Arrays.equals(id, e.id) && sample.equals(e.sample);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(id) * 31 + sample.hashCode();
    }

    @Override
    public String toString() {
      return sampleId() + "=" + sample;
    }
  }

  private AcceptedChunk() {
  }

  /** The entries of {@code chunk}, in the order they were added. */
  public static List<Entry> decode(byte[] chunk) {
    List<Entry> entries = new ArrayList<>();
    ByteBuffer b = open(chunk);
    while (b.hasRemaining()) {
      byte[] id = new byte[b.getInt()];
      b.get(id);
      entries.add(new Entry(id, new AcceptedSample(b.getInt(), b.getLong(), b.getInt(), b.getInt())));
    }
    return entries;
  }

  /** How many entries {@code chunk} holds, without decoding them. */
  public static int count(byte[] chunk) {
    ByteBuffer b = open(chunk);
    int n = 0;
    while (b.hasRemaining()) {
      int idLength = b.getInt();
      b.position(b.position() + idLength + AcceptedSample.ENCODED_BYTES);
      n++;
    }
    return n;
  }

  private static ByteBuffer open(byte[] chunk) {
    if (chunk == null || chunk.length == 0 || chunk[0] != FORMAT) {
      throw new IllegalArgumentException("not an accepted-samples chunk (format " + FORMAT + "): "
          + (chunk == null ? "null" : chunk.length + " bytes"));
    }
    return ByteBuffer.wrap(chunk, 1, chunk.length - 1);
  }

  /** A chunk being filled: entries appended, {@link #toBytes} a copy of what it holds so far. */
  public static final class Builder {

    private byte[] buffer;
    private int length;
    private int entries;

    /** An empty chunk. */
    public Builder() {
      buffer = new byte[256];
      buffer[0] = FORMAT;
      length = 1;
    }

    /** A chunk that goes on from {@code chunk} (a restored open chunk). */
    public Builder(byte[] chunk) {
      entries = count(chunk);
      buffer = Arrays.copyOf(chunk, Math.max(256, chunk.length * 2));
      length = chunk.length;
    }

    /** Appends one entry. */
    public Builder add(byte[] id, AcceptedSample sample) {
      int need = length + Integer.BYTES + id.length + AcceptedSample.ENCODED_BYTES;
      if (need > buffer.length) {
        buffer = Arrays.copyOf(buffer, Math.max(need, buffer.length * 2));
      }
      ByteBuffer b = ByteBuffer.wrap(buffer, length, need - length);
      b.putInt(id.length).put(id).putInt(sample.partition()).putLong(sample.offset())
          .putInt(sample.bytes()).putInt(sample.label());
      length = need;
      entries++;
      return this;
    }

    /** Bytes the chunk holds so far (the format byte included). */
    public int bytes() {
      return length;
    }

    public int entries() {
      return entries;
    }

    /** The chunk as the store keeps it: a copy, so later entries do not change a value already handed over. */
    public byte[] toBytes() {
      return Arrays.copyOf(buffer, length);
    }
  }
}
