package io.autoactivator.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

import io.autoactivator.schemas.PredictionRequest;
import io.autoactivator.schemas.TaskBoundary;

/**
 * The row reader says exactly what the whole decoded request says (ids, pinned version, every feature bit for bit)
 * for every request the decoder accepts, and fails with the same reason on every byte string it rejects: cut
 * short anywhere, a byte changed or inserted anywhere, another record type, an unknown fingerprint, random bytes.
 */
class RequestRowReaderTest {

    private static final AvroSerde<PredictionRequest> SERDE = AvroSerdes.serde(PredictionRequest.class);
    private static FakeSchemaRegistry registry;

    @BeforeContainer
    static void startRegistry() {
        registry = new FakeSchemaRegistry();
    }

    @AfterContainer
    static void stopRegistry() {
        registry.close();
    }

    @Property(tries = 300)
    void readsWhatTheWholeRecordSays(@ForAll("requests") PredictionRequest request) {
        byte[] bytes = SERDE.serializer().serialize("queries", request);

        RequestRow row = SERDE.read("queries", bytes, RequestRowReader.INSTANCE);

        assertThat(row).isEqualTo(RequestRow.of(SERDE.deserializer().deserialize("queries", bytes)));
        assertThat(row.requestId()).isEqualTo(request.getRequestId());
        assertThat(row.pinnedVersion()).isEqualTo(request.getPinnedVersion());
        assertThat(row.features()).hasSize(request.getFeatures().size());
        for (int i = 0; i < row.features().length; i++) {
            assertThat(Float.floatToRawIntBits(row.features()[i]))
                    .isEqualTo(Float.floatToRawIntBits(request.getFeatures().get(i)));
        }
    }

    @Property(tries = 300)
    void failsWhereTheWholeDecoderFailsWithTheSameReason(@ForAll("requests") PredictionRequest request,
            @ForAll("damage") Damage damage) {
        byte[] bytes = damage.apply(SERDE.serializer().serialize("queries", request));

        assertSameOutcome(SERDE, bytes);
    }

    @Property(tries = 200)
    void randomBytesAfterAValidHeaderFailOrReadAlike(@ForAll("bodies") byte[] body) {
        byte[] header = Arrays.copyOf(SERDE.serializer().serialize("queries", request(new float[0], null)),
                SingleObjectFraming.HEADER_LENGTH);
        byte[] bytes = new byte[header.length + body.length];
        System.arraycopy(header, 0, bytes, 0, header.length);
        System.arraycopy(body, 0, bytes, header.length, body.length);

        assertSameOutcome(SERDE, bytes);
    }

    @Example
    void everyLengthCutShortAndEveryByteChangedUnderTheRegistryFraming() {
        AvroSerde<PredictionRequest> confluent = AvroSerdes.serde(PredictionRequest.class, registry.serdeConfig(),
                false);
        byte[] whole = confluent.serializer().serialize("queries", request(new float[] {1, Float.NaN, -0f, 4}, 9L));
        assertThat(confluent.read("queries", whole, RequestRowReader.INSTANCE))
                .isEqualTo(RequestRow.of(confluent.deserializer().deserialize("queries", whole)));
        for (int length = 0; length < whole.length; length++) {
            assertSameOutcome(confluent, Arrays.copyOf(whole, length));
        }
        for (int at = 0; at < whole.length; at++) {
            for (int bits : new int[] {0x01, 0x80, 0xff}) {
                byte[] bytes = whole.clone();
                bytes[at] ^= (byte) bits;
                assertSameOutcome(confluent, bytes);
            }
        }
    }

    @Example
    void anotherRecordTypeAndAnUnknownFingerprint() {
        byte[] boundary = AvroSerdes.serde(TaskBoundary.class).serializer().serialize("queries",
                SampleRecords.taskBoundaryEnd());
        assertThat(reason(() -> SERDE.read("queries", boundary, RequestRowReader.INSTANCE)))
                .isEqualTo(RecordDecodingException.Reason.WRONG_RECORD_TYPE);
        byte[] unknown = SERDE.serializer().serialize("queries", request(new float[] {1}, null));
        unknown[4] ^= 0x5a;
        assertThat(reason(() -> SERDE.read("queries", unknown, RequestRowReader.INSTANCE)))
                .isEqualTo(RecordDecodingException.Reason.UNKNOWN_SCHEMA);
        assertSameOutcome(SERDE, boundary);
        assertSameOutcome(SERDE, unknown);
    }

    @Example
    void aFeatureCountLargerThanTheBytesIsTruncatedNotAllocated() {
        byte[] good = SERDE.serializer().serialize("queries", request(new float[0], null));
        // header, requestId "r-0" (06 72 2d 30), modelId "m" (02 6d), then a block of 2^30 floats and 8 bytes
        int featuresAt = SingleObjectFraming.HEADER_LENGTH + 4 + 2;
        byte[] bytes = Arrays.copyOf(Arrays.copyOf(good, featuresAt), featuresAt + 5 + 8);
        System.arraycopy(new byte[] {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x08}, 0, bytes, featuresAt, 5);

        assertThat(reason(() -> SERDE.read("queries", bytes, RequestRowReader.INSTANCE)))
                .isEqualTo(RecordDecodingException.Reason.TRUNCATED);
        assertSameOutcome(SERDE, bytes);
    }

    @Example
    void readsFeaturesWrittenInManyBlocks() throws IOException {
        float[] features = new float[10_000];
        for (int i = 0; i < features.length; i++) {
            features[i] = i * 0.5f;
        }
        Schema schema = PredictionRequest.getClassSchema();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(singleObjectHeader(schema));
        BinaryEncoder blocks = new EncoderFactory().configureBlockSize(64).blockingBinaryEncoder(out, null);
        PredictionRequest request = request(features, 3L);
        new GenericDatumWriter<GenericRecord>(schema).write(generic(schema, request), blocks);
        blocks.flush();

        RequestRow row = SERDE.read("queries", out.toByteArray(), RequestRowReader.INSTANCE);

        assertThat(row.features()).containsExactly(features);
        assertThat(row).isEqualTo(RequestRow.of(SERDE.deserializer().deserialize("queries", out.toByteArray())));
    }

    @Example
    void skipsANewerWritersExtraFieldsAndResolvesAWriterWithOtherTypes() throws IOException {
        Schema newer = withField(1, "{\"name\": \"origin\", \"type\": [\"null\", \"string\"], \"default\": null}");
        int newerId = registry.preRegister(newer);
        Schema intPinned = withField(3, "{\"name\": \"pinnedVersion\", \"type\": [\"null\", \"int\"], \"default\": null}",
                "pinnedVersion");
        int intPinnedId = registry.preRegister(intPinned);
        AvroSerde<PredictionRequest> confluent = AvroSerdes.serde(PredictionRequest.class, registry.serdeConfig(),
                false);
        PredictionRequest request = request(new float[] {1, 2, Float.POSITIVE_INFINITY}, 5L);

        GenericRecord extra = generic(newer, request);
        extra.put("origin", "camera-3");
        byte[] newerBytes = BadBytesTest.confluentFramed(newerId, newer, extra);
        GenericRecord ints = generic(intPinned, request);
        ints.put("pinnedVersion", 5);
        byte[] intBytes = BadBytesTest.confluentFramed(intPinnedId, intPinned, ints);

        for (byte[] bytes : List.of(newerBytes, intBytes)) {
            RequestRow row = confluent.read("queries", bytes, RequestRowReader.INSTANCE);
            assertThat(row).isEqualTo(RequestRow.of(request));
            assertThat(row).isEqualTo(RequestRow.of(confluent.deserializer().deserialize("queries", bytes)));
        }
    }

    // ------------------------------------------------------------------ generators and helpers

    @Provide
    Arbitrary<PredictionRequest> requests() {
        Arbitrary<Float> anyFloat = Arbitraries.integers().between(Integer.MIN_VALUE, Integer.MAX_VALUE)
                .map(Float::intBitsToFloat); // every bit pattern: NaNs, infinities, subnormals, -0
        Arbitrary<List<Float>> features = Arbitraries.oneOf(anyFloat.list().ofMaxSize(40),
                anyFloat.list().ofMinSize(700).ofMaxSize(5000));
        Arbitrary<String> ids = Arbitraries.strings().withCharRange('a', 'z').withChars("-/0é中").ofMaxLength(12);
        Arbitrary<Long> pinned = Arbitraries.longs().injectNull(0.5);
        Arbitrary<Instant> sentAt = Arbitraries.longs().between(-1L << 40, 1L << 40).map(Instant::ofEpochMilli)
                .injectNull(0.5);
        return Combinators.combine(ids, ids, features, pinned, sentAt).as(PredictionRequest::new);
    }

    /** What can happen to bytes on the way: cut, a byte changed, a byte inserted, the tail doubled. */
    record Damage(String kind, double where, int bits) {
        byte[] apply(byte[] bytes) {
            int at = (int) (where * bytes.length);
            return switch (kind) {
                case "cut" -> Arrays.copyOf(bytes, at);
                case "flip" -> {
                    byte[] b = bytes.clone();
                    b[Math.min(at, b.length - 1)] ^= (byte) bits;
                    yield b;
                }
                case "insert" -> {
                    byte[] b = new byte[bytes.length + 1];
                    System.arraycopy(bytes, 0, b, 0, at);
                    b[at] = (byte) bits;
                    System.arraycopy(bytes, at, b, at + 1, bytes.length - at);
                    yield b;
                }
                default -> {
                    byte[] b = Arrays.copyOf(bytes, bytes.length + (bytes.length - at));
                    System.arraycopy(bytes, at, b, bytes.length, bytes.length - at);
                    yield b;
                }
            };
        }
    }

    @Provide
    Arbitrary<Damage> damage() {
        return Combinators.combine(Arbitraries.of("cut", "flip", "insert", "append"),
                Arbitraries.doubles().between(0, 1).filter(d -> d < 1), Arbitraries.integers().between(1, 255))
                .as(Damage::new);
    }

    @Provide
    Arbitrary<byte[]> bodies() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(64);
    }

    /** Both readers fail with the same reason, or both read the same request. */
    private static void assertSameOutcome(AvroSerde<PredictionRequest> serde, byte[] bytes) {
        Throwable whole = catchThrowable(() -> serde.deserializer().deserialize("queries", bytes));
        Throwable row = catchThrowable(() -> serde.read("queries", bytes, RequestRowReader.INSTANCE));
        if (whole == null) {
            assertThat(row).as("%s", Arrays.toString(bytes)).isNull();
            assertThat(serde.read("queries", bytes, RequestRowReader.INSTANCE))
                    .isEqualTo(RequestRow.of(serde.deserializer().deserialize("queries", bytes)));
            return;
        }
        assertThat(whole).isInstanceOf(RecordDecodingException.class);
        assertThat(row).as("%s: %s", Arrays.toString(bytes), whole).isInstanceOfSatisfying(
                RecordDecodingException.class, e -> assertThat(e.reason())
                        .isEqualTo(((RecordDecodingException) whole).reason()));
    }

    private static RecordDecodingException.Reason reason(Runnable read) {
        return ((RecordDecodingException) catchThrowable(read::run)).reason();
    }

    private static PredictionRequest request(float[] features, Long pinned) {
        List<Float> boxed = new ArrayList<>(features.length);
        for (float f : features) {
            boxed.add(f);
        }
        return new PredictionRequest("r-0", "m", boxed, pinned, Instant.ofEpochMilli(1_700_000_000_000L));
    }

    private static GenericRecord generic(Schema schema, PredictionRequest request) {
        GenericRecord record = new GenericData.Record(schema);
        record.put("requestId", request.getRequestId());
        record.put("modelId", request.getModelId());
        record.put("features", request.getFeatures());
        record.put("pinnedVersion", request.getPinnedVersion());
        record.put("sentAt", request.getSentAt() == null ? null : request.getSentAt().toEpochMilli());
        return record;
    }

    /** The current schema with {@code field} (JSON) inserted at {@code position}, replacing {@code replaced}. */
    private static Schema withField(int position, String field, String... replaced) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode tree = (ObjectNode) json.readTree(PredictionRequest.getClassSchema().toString());
        ArrayNode fields = (ArrayNode) tree.get("fields");
        for (String name : replaced) {
            for (int i = 0; i < fields.size(); i++) {
                if (fields.get(i).get("name").asText().equals(name)) {
                    fields.remove(i);
                }
            }
        }
        fields.insert(position, json.readTree(field));
        return new Schema.Parser().parse(json.writeValueAsString(tree));
    }

    private static byte[] singleObjectHeader(Schema schema) {
        return ByteBuffer.allocate(SingleObjectFraming.HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN)
                .put((byte) 0xC3).put((byte) 0x01).putLong(SchemaNormalization.parsingFingerprint64(schema)).array();
    }
}
