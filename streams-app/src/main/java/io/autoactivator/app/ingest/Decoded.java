package io.autoactivator.app.ingest;

import io.autoactivator.app.records.Envelope;
import io.autoactivator.app.records.Outbound;

/**
 * What the decoder made of one input record: either a good record in its envelope, or the dead letter that
 * replaces it. Exactly one of {@code accepted} and {@code rejected} is set.
 *
 * <p>{@code parsed} is what the decoder already read from {@code accepted}'s bytes: the Avro record, for a sample
 * its {@link io.autoactivator.schemas.serde.SampleSummary} (ingest never needs the features), for a query its
 * {@link io.autoactivator.schemas.serde.RequestRow} (the features as the row the model reads). It lives only inside
 * one sub-topology (it never crosses a repartition topic or a store), so a step right after the decoder, such as
 * serving or the task processor for samples already on their model's partition, need not pay for a second Avro
 * decode; anything downstream of a repartition decodes the envelope again.
 *
 * <p>{@code keyedByModel} is true for a sample or boundary whose key is its model id (the producers' contract) and
 * that sits on the partition its model id hashes to: it already is on its model's partition, so it is processed
 * where it is, without a copy through a repartition topic.
 */
public record Decoded(Envelope accepted, Object parsed, Outbound rejected, boolean keyedByModel) {

  static Decoded accept(Envelope envelope, Object parsed, boolean keyedByModel) {
    return new Decoded(envelope, parsed, null, keyedByModel);
  }

  static Decoded reject(Outbound deadLetter) {
    return new Decoded(null, null, deadLetter, false);
  }

  /** A good record read back from a repartition topic: not decoded yet, on its model's partition now. */
  public static Decoded repartitioned(Envelope envelope) {
    return new Decoded(envelope, null, null, true);
  }

  public boolean isRejected() {
    return rejected != null;
  }
}
