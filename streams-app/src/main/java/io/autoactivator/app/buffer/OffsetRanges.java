package io.autoactivator.app.buffer;

import java.util.Arrays;

/**
 * Where a task's accepted samples lie on the samples topic: per partition, the first and the last offset of a
 * sample the task accepted. The log is the buffer, so this (with the accepted sample ids) is all the state keeps
 * of a task's data: training reads the ranges back, and a range whose first offset the topic no longer holds means
 * retention deleted samples of the task.
 *
 * <p>Immutable; partitions in ascending order.
 */
public final class OffsetRanges {

  private static final OffsetRanges NONE = new OffsetRanges(new int[0], new long[0], new long[0]);

  private final int[] partitions;
  private final long[] first;
  private final long[] last;

  private OffsetRanges(int[] partitions, long[] first, long[] last) {
    this.partitions = partitions;
    this.first = first;
    this.last = last;
  }

  /** No sample yet. */
  public static OffsetRanges none() {
    return NONE;
  }

  /** Ranges as read back from state: {@code partitions} ascending, {@code first[i] <= last[i]}. */
  public static OffsetRanges of(int[] partitions, long[] first, long[] last) {
    if (partitions.length != first.length || partitions.length != last.length) {
      throw new IllegalArgumentException("ranges of " + partitions.length + " partitions with " + first.length
          + " and " + last.length + " bounds");
    }
    for (int i = 0; i < partitions.length; i++) {
      if ((i > 0 && partitions[i] <= partitions[i - 1]) || first[i] > last[i] || first[i] < 0) {
        throw new IllegalArgumentException("invalid offset range " + partitions[i] + ": " + first[i] + ".."
            + last[i]);
      }
    }
    return partitions.length == 0 ? NONE : new OffsetRanges(partitions.clone(), first.clone(), last.clone());
  }

  /** These ranges widened to cover {@code offset} of {@code partition}; {@code this} when they already do. */
  public OffsetRanges with(int partition, long offset) {
    if (partition < 0 || offset < 0) {
      return this; // a record of unknown origin (a test driver without metadata) has no place in the log
    }
    int i = Arrays.binarySearch(partitions, partition);
    if (i >= 0) {
      if (offset >= first[i] && offset <= last[i]) {
        return this;
      }
      long[] f = first.clone();
      long[] l = last.clone();
      f[i] = Math.min(f[i], offset);
      l[i] = Math.max(l[i], offset);
      return new OffsetRanges(partitions, f, l);
    }
    int at = -i - 1;
    return new OffsetRanges(insert(partitions, at, partition), insert(first, at, offset), insert(last, at, offset));
  }

  public int size() {
    return partitions.length;
  }

  public boolean isEmpty() {
    return partitions.length == 0;
  }

  public int partition(int i) {
    return partitions[i];
  }

  public long first(int i) {
    return first[i];
  }

  public long last(int i) {
    return last[i];
  }

  private static int[] insert(int[] a, int at, int v) {
    int[] out = new int[a.length + 1];
    System.arraycopy(a, 0, out, 0, at);
    out[at] = v;
    System.arraycopy(a, at, out, at + 1, a.length - at);
    return out;
  }

  private static long[] insert(long[] a, int at, long v) {
    long[] out = new long[a.length + 1];
    System.arraycopy(a, 0, out, 0, at);
    out[at] = v;
    System.arraycopy(a, at, out, at + 1, a.length - at);
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof OffsetRanges r && Arrays.equals(partitions, r.partitions) && Arrays.equals(first, r.first)
        && Arrays.equals(last, r.last);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(partitions) * 31 + Arrays.hashCode(last);
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < partitions.length; i++) {
      b.append(i > 0 ? ", " : "").append(partitions[i]).append(':').append(first[i]).append("..").append(last[i]);
    }
    return b.append(']').toString();
  }
}
