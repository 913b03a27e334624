package io.autoactivator.app.serve;

import org.apache.kafka.common.TopicPartition;

import io.autoactivator.app.records.Envelope;
import io.autoactivator.schemas.serde.RequestRow;

/**
 * A request read from the queries topic and waiting for the inference thread: decoded once (its features straight
 * into the row the model reads), stamped with the moment it was read from Kafka.
 *
 * @param source       queries partition it was read from
 * @param epoch        the ownership of {@code source} it was read under ({@link OffsetLedger}); a request of an
 *                     older ownership is dropped, not answered: the partition's next owner answers it
 * @param envelope     the original record (for a dead letter)
 * @param request      the decoded request, null for one that was dead-lettered before the queue
 * @param receivedAt   wall-clock milliseconds when the poll that read it returned
 * @param receivedNanos {@link System#nanoTime()} at the same moment, for the time in queue
 */
record PendingQuery(TopicPartition source, long epoch, Envelope envelope, RequestRow request, long receivedAt,
    long receivedNanos) {

  /** The request's features. */
  float[] row() {
    return request.features();
  }

  long offset() {
    return envelope.offset();
  }
}
