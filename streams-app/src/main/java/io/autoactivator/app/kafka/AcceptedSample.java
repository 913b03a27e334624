package io.autoactivator.app.kafka;

import java.nio.ByteBuffer;

/**
 * The value of the task-samples store ({@link StoreNames#TASK_SAMPLES}): where the accepted copy of one sample
 * lies on the samples topic, its size and its label. The log holds the sample itself; this is what the task
 * processor keeps to de-duplicate, to re-check labels when a boundary arrives late, and what training reads the
 * task back by.
 *
 * @param partition partition of the samples topic
 * @param offset    offset of the accepted record
 * @param bytes     size of its value
 * @param label     its label
 */
public record AcceptedSample(int partition, long offset, int bytes, int label) {

  /** Length of the encoded form. */
  public static final int ENCODED_BYTES = 20;

  /** 20 bytes: partition, offset, size, label (big-endian). */
  public byte[] encode() {
    return ByteBuffer.allocate(ENCODED_BYTES).putInt(partition).putLong(offset).putInt(bytes).putInt(label).array();
  }

  /** Reads what {@link #encode} wrote. */
  public static AcceptedSample decode(byte[] value) {
    if (value == null || value.length != ENCODED_BYTES) {
      throw new IllegalArgumentException("an accepted sample is " + ENCODED_BYTES + " bytes, not "
          + (value == null ? "null" : value.length));
    }
    ByteBuffer b = ByteBuffer.wrap(value);
    return new AcceptedSample(b.getInt(), b.getLong(), b.getInt(), b.getInt());
  }
}
