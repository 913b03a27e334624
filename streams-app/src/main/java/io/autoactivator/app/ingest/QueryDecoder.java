package io.autoactivator.app.ingest;

import io.autoactivator.app.config.Limits;
import io.autoactivator.app.kafka.DeadLetters;
import io.autoactivator.app.kafka.RecordCodecs;
import io.autoactivator.app.records.Envelope;
import io.autoactivator.app.records.Reason;
import io.autoactivator.schemas.serde.RecordDecodingException;
import io.autoactivator.schemas.serde.RequestRow;
import io.autoactivator.schemas.serde.RequestRowReader;

/**
 * The checks every prediction request passes before it may meet a model, in one place for whoever reads the queries
 * topic: a value (not a tombstone) within {@code input.max.record.bytes}, that decodes, with a request id and at
 * most {@code input.max.features} features. Anything else becomes a dead letter; the feature values and the
 * dimension are checked against the model at answer time, where the model is known.
 *
 * <p>The request is read as a {@link RequestRow} (its features straight into a {@code float[]}, the row the model
 * reads) under the same wire contract and with the same failures as the whole generated record.
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
    RequestRow q;
    try {
      q = codecs.queries().read(envelope.topic(), value, RequestRowReader.INSTANCE);
    } catch (RecordDecodingException e) {
      return Decoded.reject(deadLetters.reject(envelope, Reason.UNDECODABLE.name(), e.getClass().getName(),
          e.reason() + ": " + e.getMessage(), now));
    }
    return check(envelope, q, now);
  }

  /** The checks of {@link #decode} that need the decoded request. */
  private Decoded check(Envelope envelope, RequestRow q, long now) {
    if (q.requestId() == null || q.requestId().isEmpty()) {
      return reject(envelope, Reason.INVALID_ID, "requestId is empty", now);
    }
    if (q.features().length > limits.maxFeatures()) {
      return reject(envelope, Reason.TOO_LARGE, "query " + q.requestId() + " has " + q.features().length
          + " features, more than input.max.features=" + limits.maxFeatures(), now);
    }
    return Decoded.accept(envelope, q, false);
  }

  private Decoded reject(Envelope envelope, Reason reason, String message, long now) {
    return Decoded.reject(deadLetters.reject(envelope, reason, message, now));
  }
}
