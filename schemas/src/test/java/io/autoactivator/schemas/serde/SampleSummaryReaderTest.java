package io.autoactivator.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.autoactivator.schemas.LabelledSample;
import io.autoactivator.schemas.serde.RecordDecodingException.Reason;

/**
 * The summary reader says exactly what the whole decoded sample says (ids, label, length, first non-finite
 * feature), under both framings and every writer schema the decoder accepts, and fails exactly where it fails.
 */
class SampleSummaryReaderTest {

    private static FakeSchemaRegistry registry;

    @BeforeAll
    static void startRegistry() {
        registry = new FakeSchemaRegistry();
    }

    @AfterAll
    static void stopRegistry() {
        registry.close();
    }

    static Stream<String> framings() {
        return Stream.of("single-object", "confluent");
    }

    private static AvroSerde<LabelledSample> serde(String framing) {
        return AvroSerdes.serde(LabelledSample.class, framing.equals("confluent") ? registry.serdeConfig() : Map.of(),
                false);
    }

    @ParameterizedTest
    @MethodSource("framings")
    void summarisesWhatTheWholeRecordSays(String framing) {
        AvroSerde<LabelledSample> serde = serde(framing);
        Random random = new Random(7);
        List<LabelledSample> samples = new ArrayList<>(List.of(SampleRecords.labelledSample(),
                sample(new float[] {-0.0f, Float.MIN_VALUE, Float.MAX_VALUE, -Float.MAX_VALUE, 1e-40f}),
                sample(new float[1])));
        for (int i = 0; i < 20; i++) {
            float[] features = new float[1 + random.nextInt(2000)];
            for (int j = 0; j < features.length; j++) {
                do {
                    features[j] = Float.intBitsToFloat(random.nextInt()); // any finite bit pattern
                } while (!Float.isFinite(features[j]));
            }
            samples.add(sample(features));
        }

        for (LabelledSample sample : samples) {
            byte[] bytes = serde.serializer().serialize("samples", sample);

            SampleSummary summary = serde.read("samples", bytes, SampleSummaryReader.INSTANCE);

            assertThat(summary).isEqualTo(SampleSummary.of(serde.deserializer().deserialize("samples", bytes)));
            assertThat(summary.firstNonFinite()).isEqualTo(-1);
            assertThat(summary.featureCount()).isEqualTo(sample.getFeatures().size());
            assertThat(summary.sampleId()).isEqualTo(sample.getSampleId());
        }
    }

    @ParameterizedTest
    @MethodSource("framings")
    void namesTheFirstFeatureThatIsNotFinite(String framing) {
        AvroSerde<LabelledSample> serde = serde(framing);
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
                Float.intBitsToFloat(0x7fc00001)}) {
            for (int at : new int[] {0, 5, 4095, 4096, 5000}) {
                float[] features = new float[5001];
                Arrays.fill(features, 0.5f);
                features[5000] = Float.NaN; // a later one is not reported
                features[at] = bad;

                SampleSummary summary = serde.read("samples", serde.serializer().serialize("samples",
                        sample(features)), SampleSummaryReader.INSTANCE);

                assertThat(summary.firstNonFinite()).as("%s at %d", bad, at).isEqualTo(at);
                assertThat(Float.floatToIntBits(summary.nonFiniteValue())).isEqualTo(Float.floatToIntBits(bad));
                assertThat(summary.featureCount()).isEqualTo(5001);
            }
        }
    }

    @Test
    void readsAFeatureArrayWrittenInManyBlocks() throws IOException {
        float[] features = new float[3000];
        for (int i = 0; i < features.length; i++) {
            features[i] = i;
        }
        features[2500] = Float.POSITIVE_INFINITY;
        Schema schema = LabelledSample.getClassSchema();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(singleObjectHeader(schema));
        BinaryEncoder blocks = new EncoderFactory().configureBlockSize(64).blockingBinaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema).write(generic(schema, sample(features)), blocks);
        blocks.flush();
        AvroSerde<LabelledSample> serde = serde("single-object");

        SampleSummary summary = serde.read("samples", out.toByteArray(), SampleSummaryReader.INSTANCE);

        assertThat(summary).isEqualTo(SampleSummary.of(serde.deserializer().deserialize("samples",
                out.toByteArray())));
        assertThat(summary.featureCount()).isEqualTo(3000);
        assertThat(summary.firstNonFinite()).isEqualTo(2500);
    }

    @Test
    void skipsTheFieldsOfANewerWriterItDoesNotNeedWhereverTheyAre() throws IOException {
        Schema newer = withField(0, "{\"name\": \"origin\", \"type\": [\"null\", {\"type\": \"array\", \"items\":"
                + " \"string\"}], \"default\": null}");
        int id = registry.preRegister(newer);
        LabelledSample sample = sample(new float[] {1, 2, Float.NaN, 4});
        GenericRecord record = generic(newer, sample);
        record.put("origin", List.of("camera-3", "shelf-9"));
        byte[] bytes = BadBytesTest.confluentFramed(id, newer, record);
        AvroSerde<LabelledSample> serde = serde("confluent");

        SampleSummary summary = serde.read("samples", bytes, SampleSummaryReader.INSTANCE);

        assertThat(summary).isEqualTo(SampleSummary.of(sample));
        assertThat(summary.firstNonFinite()).isEqualTo(2);
    }

    @Test
    void letsAvroResolveAWriterThatWroteAFieldWithAnotherType() throws IOException {
        Schema bytesId = withField(2, "{\"name\": \"sampleId\", \"type\": \"bytes\"}", "sampleId");
        int id = registry.preRegister(bytesId);
        LabelledSample sample = sample(new float[] {1, Float.NaN, 3});
        GenericRecord record = generic(bytesId, sample);
        record.put("sampleId", ByteBuffer.wrap("s-3".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        byte[] bytes = BadBytesTest.confluentFramed(id, bytesId, record);
        AvroSerde<LabelledSample> serde = serde("confluent");

        SampleSummary summary = serde.read("samples", bytes, SampleSummaryReader.INSTANCE);

        assertThat(summary).isEqualTo(new SampleSummary("model-1", "task-2", "s-3", 7, 3, 1, Float.NaN));
        assertThat(summary).isEqualTo(SampleSummary.of(serde.deserializer().deserialize("samples", bytes)));
    }

    @ParameterizedTest
    @MethodSource("framings")
    void failsWithTheSameReasonAsTheWholeDecoder(String framing) {
        AvroSerde<LabelledSample> serde = serde(framing);
        byte[] whole = serde.serializer().serialize("samples", sample(new float[] {1, 2, 3, 4, 5, 6, 7, 8}));
        List<byte[]> bad = new ArrayList<>();
        for (int length = 0; length < whole.length; length++) {
            bad.add(Arrays.copyOf(whole, length));
        }
        byte[] wrongSchema = whole.clone();
        wrongSchema[3] ^= 0x55;
        bad.add(wrongSchema);

        for (byte[] bytes : bad) {
            Throwable expected = catchThrowable(() -> serde.deserializer().deserialize("samples", bytes));
            if (expected == null) {
                assertThat(serde.read("samples", bytes, SampleSummaryReader.INSTANCE))
                        .isEqualTo(SampleSummary.of(serde.deserializer().deserialize("samples", bytes)));
                continue;
            }
            assertThat(expected).isInstanceOf(RecordDecodingException.class);
            assertThatThrownBy(() -> serde.read("samples", bytes, SampleSummaryReader.INSTANCE))
                    .as("%d bytes", bytes.length)
                    .isInstanceOfSatisfying(RecordDecodingException.class, e -> assertThat(e.reason())
                            .isEqualTo(((RecordDecodingException) expected).reason()));
        }
    }

    private static LabelledSample sample(float[] features) {
        List<Float> boxed = new ArrayList<>(features.length);
        for (float f : features) {
            boxed.add(f);
        }
        return LabelledSample.newBuilder().setModelId("model-1").setTaskId("task-2").setSampleId("s-" + features.length)
                .setLabel(7).setFeatures(boxed).setEventTime(SampleRecords.T0).build();
    }

    private static GenericRecord generic(Schema schema, LabelledSample sample) {
        GenericRecord record = new GenericData.Record(schema);
        record.put("modelId", sample.getModelId());
        record.put("taskId", sample.getTaskId());
        record.put("sampleId", sample.getSampleId());
        record.put("label", sample.getLabel());
        record.put("features", sample.getFeatures());
        record.put("eventTime", sample.getEventTime().toEpochMilli());
        return record;
    }

    /** The current schema with {@code field} (JSON) inserted at {@code position}, replacing {@code replaced}. */
    private static Schema withField(int position, String field, String... replaced) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode tree = (ObjectNode) json.readTree(LabelledSample.getClassSchema().toString());
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
