package io.autoactivator.app.ingest;

import io.autoactivator.app.records.Envelope;
import io.autoactivator.app.records.Outbound;
import org.apache.avro.specific.SpecificRecord;

/**
 * What the decoder made of one input record: either a good record in its envelope, or the dead letter that
 * replaces it. Exactly one of {@code accepted} and {@code rejected} is set.
 *
 * <p>{@code parsed} is the record the decoder already decoded from {@code accepted}'s bytes. It lives only inside
 * one sub-topology (it never crosses a repartition topic or a store), so a step right after the decoder, such as
 * serving, need not pay for a second Avro decode; anything downstream of a repartition decodes the envelope again.
 */
public record Decoded(Envelope accepted, SpecificRecord parsed, Outbound rejected) {

  static Decoded accept(Envelope envelope, SpecificRecord parsed) {
    return new Decoded(envelope, parsed, null);
  }

  static Decoded reject(Outbound deadLetter) {
    return new Decoded(null, null, deadLetter);
  }

  public boolean isRejected() {
    return rejected != null;
  }
}
