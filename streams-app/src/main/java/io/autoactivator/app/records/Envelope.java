package io.autoactivator.app.records;

/**
 * A record as it was read, carried with where it came from. The original bytes travel through the repartition
 * topics and into the buffer untouched, so a record rejected late (say, a label the task's END did not announce)
 * is dead-lettered with the exact bytes, topic, partition and offset the producer wrote, not with a re-encoding.
 *
 * @param kind      what the value decodes to
 * @param topic     source topic
 * @param partition source partition (-1 if unknown)
 * @param offset    source offset (-1 if unknown)
 * @param seenAt    wall-clock milliseconds when this app first read the record
 * @param key       original key bytes, may be null
 * @param value     original value bytes
 */
public record Envelope(Kind kind, String topic, int partition, long offset, long seenAt, byte[] key, byte[] value) {

  /** The record type inside {@link #value}. */
  public enum Kind {
    SAMPLE, BOUNDARY, SNAPSHOT, QUERY
  }
}
