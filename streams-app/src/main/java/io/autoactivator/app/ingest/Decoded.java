package io.autoactivator.app.ingest;

/**
 * What the decoder made of one input record: either a good record in its envelope, or the dead letter that
 * replaces it. Exactly one of the two is set.
 */
public record Decoded(Envelope accepted, Outbound rejected) {

  static Decoded accept(Envelope envelope) {
    return new Decoded(envelope, null);
  }

  static Decoded reject(Outbound deadLetter) {
    return new Decoded(null, deadLetter);
  }

  public boolean isRejected() {
    return rejected != null;
  }
}
