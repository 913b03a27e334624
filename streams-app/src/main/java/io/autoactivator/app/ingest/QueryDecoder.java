package io.autoactivator.app.ingest;

import io.autoactivator.app.config.Limits;
import io.autoactivator.app.kafka.DeadLetters;
import io.autoactivator.app.kafka.RecordCodecs;
import io.autoactivator.app.records.Envelope;
import io.autoactivator.app.records.Reason;
import io.autoactivator.schemas.PredictionRequest;
import io.autoactivator.schemas.serde.RecordDecodingException;

/**
 * The checks every prediction request passes before it may meet a model, in one place for whoever reads the queries
 * topic: a value (not a tombstone) within {@code input.max.record.bytes}, that decodes, with a request id and at
 * most {@code input.max.features} features. Anything else becomes a dead letter; the feature values and the
 * dimension are checked against the model at answer time, where the model is known.
 */
public final class QueryDecoder {

  private final RecordCodecs codecs;
  private final DeadLetters deadLetters;
  private final Limits limits;

  public QueryDecoder(RecordCodecs codecs, DeadLetters deadLetters, Limits limits) {
    this.codecs = codecs;
    this.deadLetters = deadLetters;
    this.limits = limits;
  }

  /** The request in {@code envelope}, or the dead letter that replaces it. */
  public Decoded decode(Envelope envelope, long now) {
    byte[] value = envelope.value();
    if (value == null) {
      return reject(envelope, Reason.TOMBSTONE, "a null value (tombstone) on an input topic", now);
    }
    if (value.length > limits.maxRecordBytes()) {
      return reject(envelope, Reason.TOO_LARGE, value.length + " bytes, more than input.max.record.bytes="
          + limits.maxRecordBytes(), now);
    }
    PredictionRequest q;
    try {
      q = codecs.queries().deserializer().deserialize(envelope.topic(), value);
    } catch (RecordDecodingException e) {
      return Decoded.reject(deadLetters.reject(envelope, Reason.UNDECODABLE.name(), e.getClass().getName(),
          e.reason() + ": " + e.getMessage(), now));
    }
    return check(envelope, q, now);
  }

  /** The checks of {@link #decode} that need the decoded request. */
  Decoded check(Envelope envelope, PredictionRequest q, long now) {
    if (q.getRequestId() == null || q.getRequestId().length() == 0) {
      return reject(envelope, Reason.INVALID_ID, "requestId is empty", now);
    }
    if (q.getFeatures().size() > limits.maxFeatures()) {
      return reject(envelope, Reason.TOO_LARGE, "query " + q.getRequestId() + " has " + q.getFeatures().size()
          + " features, more than input.max.features=" + limits.maxFeatures(), now);
    }
    return Decoded.accept(envelope, q, false);
  }

  private Decoded reject(Envelope envelope, Reason reason, String message, long now) {
    return Decoded.reject(deadLetters.reject(envelope, reason, message, now));
  }
}
