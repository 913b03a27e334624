package io.autoactivator.app.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Test;

import io.autoactivator.app.config.Limits;
import io.autoactivator.app.kafka.DeadLetters;
import io.autoactivator.app.kafka.RecordCodecs;
import io.autoactivator.app.kafka.Topic;
import io.autoactivator.app.records.Envelope;
import io.autoactivator.app.records.Reason;
import io.autoactivator.schemas.DeadLetter;
import io.autoactivator.schemas.PredictionRequest;
import io.autoactivator.schemas.serde.RecordDecodingException;
import io.autoactivator.schemas.serde.RequestRow;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * A query either reaches the serving queue as the row the whole generated record describes, or becomes the dead
 * letter the whole-record decoder gave it (same reason, same message): a tombstone, too many bytes, bytes that do
 * not decode (cut anywhere, any byte changed), an empty request id, too many features. Non-finite values and the
 * dimension are the answerer's to check (BatchAnswererTest), so they pass here.
 */
class QueryDecoderTest {

  private static final int MAX_FEATURES = 1000;
  private final RecordCodecs codecs = RecordCodecs.singleObject();
  private final Limits defaults = Limits.defaults();
  private final Limits limits = new Limits(4096, MAX_FEATURES, defaults.maxSnapshotBytes(),
      defaults.maxTrainingAttempts(), defaults.deadLetterValueBytes(), defaults.maxTaskSamples(),
      defaults.maxModelBufferedBytes(), defaults.retainedVersions(), defaults.maxPendingSnapshotBytes(),
      defaults.maxPendingSnapshotAgeMs(), defaults.abandonedTaskTimeoutMs());
  private final DeadLetters deadLetters = new DeadLetters("test",
      new Topic<>("dead-letters", Serdes.String(), codecs.deadLetters()), new SimpleMeterRegistry());
  private final QueryDecoder decoder = new QueryDecoder(codecs, deadLetters, limits);

  @Test
  void aGoodRequestBecomesTheRowItsWholeRecordDescribes() {
    PredictionRequest request = request("q-1", 7L, 1f, Float.NaN, -0f, Float.POSITIVE_INFINITY);

    Decoded decoded = decoder.decode(envelope(encode(request)), 5);

    assertThat(decoded.isRejected()).isFalse();
    RequestRow row = (RequestRow) decoded.parsed();
    assertThat(row).isEqualTo(RequestRow.of(request));
    assertThat(row.features()).hasSize(4);
    assertThat(Float.isNaN(row.features()[1])).as("NaN is the answerer's to reject").isTrue();
    assertThat(row.pinnedVersion()).isEqualTo(7L);
  }

  @Test
  void rejectsWhatNeedsNoModelWithTheReasonsItAlwaysGave() {
    assertThat(letter(null)).extracting(DeadLetter::getReason).isEqualTo(Reason.TOMBSTONE.name());
    assertThat(letter(new byte[4097]).getReason()).isEqualTo(Reason.TOO_LARGE.name());
    assertThat(letter(encode(request("", null, 1f))).getReason()).isEqualTo(Reason.INVALID_ID.name());
    DeadLetter tooMany = letter(encode(request("q-2", null, new float[MAX_FEATURES + 1])));
    assertThat(tooMany.getReason()).isEqualTo(Reason.TOO_LARGE.name());
    assertThat(tooMany.getMessage()).isEqualTo("query q-2 has 1001 features, more than input.max.features=1000");
    assertThat(decoder.decode(envelope(encode(request("q-3", null, new float[MAX_FEATURES]))), 0).isRejected())
        .isFalse();
  }

  @Test
  void everyDamagedRequestGetsTheDeadLetterOfTheWholeRecordDecoder() {
    byte[] whole = encode(request("q-4", 3L, 0.5f, 1.5f, 2.5f, 3.5f, 4.5f));
    List<byte[]> damaged = new ArrayList<>();
    for (int length = 0; length < whole.length; length++) {
      damaged.add(Arrays.copyOf(whole, length));
    }
    for (int at = 0; at < whole.length; at++) {
      for (int bits : new int[] {0x01, 0x02, 0x40, 0x80, 0xff}) {
        byte[] bytes = whole.clone();
        bytes[at] ^= (byte) bits;
        damaged.add(bytes);
      }
    }
    int rejected = 0;
    for (byte[] bytes : damaged) {
      Verdict expected = wholeRecordVerdict(bytes);
      Decoded decoded = decoder.decode(envelope(bytes), 0);
      if (expected.row != null) {
        assertThat(decoded.isRejected()).as(Arrays.toString(bytes)).isFalse();
        assertThat(decoded.parsed()).isEqualTo(expected.row);
        continue;
      }
      rejected++;
      assertThat(decoded.isRejected()).as(Arrays.toString(bytes)).isTrue();
      DeadLetter letter = read(decoded);
      assertThat(letter.getReason()).isEqualTo(expected.reason);
      assertThat(letter.getErrorClass()).isEqualTo(expected.errorClass);
      if (!expected.message.startsWith("MALFORMED")) { // a malformed body's detail is the failing call's message
        assertThat(letter.getMessage()).isEqualTo(expected.message);
      }
      assertThat(letter.getOriginalValue().array()).isEqualTo(bytes);
    }
    assertThat(rejected).as("every cut and some changes are rejected; a changed float still decodes")
        .isGreaterThan(whole.length).isLessThan(damaged.size());
  }

  // ------------------------------------------------------------------ the decoder before session 7, as the oracle

  private record Verdict(RequestRow row, String reason, String errorClass, String message) {
  }

  /** What the decoder said when it decoded the whole generated record: the same checks on Avro's boxed list. */
  private Verdict wholeRecordVerdict(byte[] bytes) {
    PredictionRequest q;
    try {
      q = codecs.queries().deserializer().deserialize("queries", bytes);
    } catch (RecordDecodingException e) {
      return new Verdict(null, Reason.UNDECODABLE.name(), e.getClass().getName(), e.reason() + ": " + e.getMessage());
    }
    if (q.getRequestId().isEmpty()) {
      return new Verdict(null, Reason.INVALID_ID.name(), Reason.INVALID_ID.name(), "requestId is empty");
    }
    if (q.getFeatures().size() > MAX_FEATURES) {
      return new Verdict(null, Reason.TOO_LARGE.name(), Reason.TOO_LARGE.name(), "query " + q.getRequestId()
          + " has " + q.getFeatures().size() + " features, more than input.max.features=" + MAX_FEATURES);
    }
    return new Verdict(RequestRow.of(q), null, null, null);
  }

  private DeadLetter letter(byte[] value) {
    Decoded decoded = decoder.decode(envelope(value), 0);
    assertThat(decoded.isRejected()).isTrue();
    return read(decoded);
  }

  private DeadLetter read(Decoded decoded) {
    return codecs.deadLetters().deserializer().deserialize("dead-letters", decoded.rejected().value());
  }

  private byte[] encode(PredictionRequest request) {
    return codecs.queries().serializer().serialize("queries", request);
  }

  private static Envelope envelope(byte[] value) {
    return new Envelope(Envelope.Kind.QUERY, "queries", 0, 42, 0, null, value);
  }

  private static PredictionRequest request(String id, Long pinned, float... features) {
    List<Float> boxed = new ArrayList<>();
    for (float f : features) {
      boxed.add(f);
    }
    return new PredictionRequest(id, "m", boxed, pinned, Instant.ofEpochMilli(1_700_000_000_000L));
  }
}
