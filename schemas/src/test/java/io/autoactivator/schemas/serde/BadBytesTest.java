package io.autoactivator.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import io.autoactivator.schemas.LabelledSample;
import io.autoactivator.schemas.TaskBoundary;
import io.autoactivator.schemas.serde.RecordDecodingException.Reason;

/**
 * Bytes that are not a record of the expected type raise one exception type, RecordDecodingException, whose
 * message names the topic and the cause and whose reason the app can dead-letter. Nothing decodes to null.
 */
class BadBytesTest {

    private static final String TOPIC = "samples-in";

    @Nested
    class SingleObjectEncoding {

        private final Deserializer<LabelledSample> samples = AvroSerdes.serde(LabelledSample.class).deserializer();
        private final byte[] good = AvroSerdes.serde(LabelledSample.class).serializer()
                .serialize(TOPIC, SampleRecords.labelledSample());

        @Test
        void emptyBytes() {
            assertFails(samples, new byte[0], Reason.EMPTY, "no bytes");
        }

        @Test
        void aHeaderCutShort() {
            assertFails(samples, Arrays.copyOf(good, 6), Reason.TRUNCATED, "only 6 bytes");
        }

        @Test
        void aBodyCutShort() {
            assertFails(samples, Arrays.copyOf(good, good.length / 2), Reason.TRUNCATED, "body ended early");
        }

        @Test
        void anUnknownMagicByte() {
            assertFails(samples, "{\"label\":3}".getBytes(), Reason.UNKNOWN_MAGIC_BYTE, "expected header C3 01 but found 7B 22");
        }

        @Test
        void confluentFramedBytes() {
            byte[] confluent = new byte[] {0, 0, 0, 0, 1, 2, 4, 6};
            assertFails(samples, confluent, Reason.UNKNOWN_MAGIC_BYTE, "found 00 00");
        }

        @Test
        void anUnknownFingerprint() {
            byte[] bytes = good.clone();
            bytes[5] ^= 0x5A;
            assertFails(samples, bytes, Reason.UNKNOWN_SCHEMA, "is not a known schema of io.autoactivator.schemas.LabelledSample");
        }

        @Test
        void anotherRecordTypesBytes() {
            byte[] boundary = AvroSerdes.serde(TaskBoundary.class).serializer()
                    .serialize(TOPIC, SampleRecords.taskBoundaryEnd());
            assertFails(samples, boundary, Reason.WRONG_RECORD_TYPE, "belongs to io.autoactivator.schemas.TaskBoundary");
        }
    }

    @Nested
    class ConfluentWireFormat {

        private final FakeSchemaRegistry registry = new FakeSchemaRegistry();
        private final Deserializer<LabelledSample> samples =
                AvroSerdes.serde(LabelledSample.class, registry.serdeConfig(), false).deserializer();
        private final byte[] good = AvroSerdes.serde(LabelledSample.class, registry.serdeConfig(), false).serializer()
                .serialize(TOPIC, SampleRecords.labelledSample());

        @AfterEach
        void stopRegistry() {
            registry.close();
        }

        @Test
        void emptyBytes() {
            assertFails(samples, new byte[0], Reason.EMPTY, "no bytes");
        }

        @Test
        void aHeaderCutShort() {
            assertFails(samples, new byte[] {0, 0, 0}, Reason.TRUNCATED, "only 3 bytes");
        }

        @Test
        void aBodyCutShort() {
            assertFails(samples, Arrays.copyOf(good, good.length / 2), Reason.TRUNCATED, "body ended early");
        }

        @Test
        void trailingBytesAfterTheRecord() {
            byte[] longer = Arrays.copyOf(good, good.length + 2);
            assertFails(samples, longer, Reason.MALFORMED, "trailing bytes");
        }

        @Test
        void singleObjectEncodedBytes() {
            byte[] singleObject = AvroSerdes.serde(LabelledSample.class).serializer()
                    .serialize(TOPIC, SampleRecords.labelledSample());
            assertFails(samples, singleObject, Reason.UNKNOWN_MAGIC_BYTE, "expected magic byte 00 but found C3");
        }

        @Test
        void anIdTheRegistryDoesNotKnow() {
            byte[] bytes = good.clone();
            ByteBuffer.wrap(bytes).putInt(1, 999);
            RecordDecodingException e = assertFails(samples, bytes, Reason.UNKNOWN_SCHEMA, "schema id 999 is not in the registry");
            assertThat(e).hasCauseInstanceOf(SchemaRegistryException.class);
            assertThat(e.getCause()).hasMessageContaining("Schema not found");
        }

        @Test
        void anotherRecordTypesBytes() {
            byte[] boundary = AvroSerdes.serde(TaskBoundary.class, registry.serdeConfig(), false).serializer()
                    .serialize(TOPIC, SampleRecords.taskBoundaryEnd());
            assertFails(samples, boundary, Reason.WRONG_RECORD_TYPE, "is io.autoactivator.schemas.TaskBoundary");
        }

        @Test
        void aWriterSchemaWithTheSameNameThatCannotBeRead() throws IOException {
            Schema incompatible = SchemaBuilder.record("LabelledSample").namespace("io.autoactivator.schemas")
                    .fields().requiredString("label").endRecord();
            int id = registry.preRegister(incompatible);
            GenericRecord record = new GenericData.Record(incompatible);
            record.put("label", "three");

            assertFails(samples, confluentFramed(id, incompatible, record), Reason.INCOMPATIBLE_SCHEMA,
                    "cannot be read as the current io.autoactivator.schemas.LabelledSample");
        }

        @Test
        void aProtobufSchemaIdOnASharedRegistryIsUnknownAndAskedForOnlyOnce() {
            registry.answerAlways(200, "{\"schemaType\":\"PROTOBUF\",\"schema\":\"syntax = \\\"proto3\\\";\"}");
            byte[] bytes = good.clone();
            ByteBuffer.wrap(bytes).putInt(1, 77);
            assertFails(samples, bytes, Reason.UNKNOWN_SCHEMA, "schema id 77 cannot be used");
            int asked = registry.requests().size();
            assertFails(samples, bytes, Reason.UNKNOWN_SCHEMA, "schema id 77 cannot be used");
            assertThat(registry.requests()).as("the negative answer is cached").hasSize(asked);
        }

        @Test
        void aForbiddenAnswerIsAboutTheIdNotTheRegistry() {
            registry.answerAlways(403, "{\"error_code\":40301,\"message\":\"forbidden\"}");
            byte[] bytes = good.clone();
            ByteBuffer.wrap(bytes).putInt(1, 78);
            assertFails(samples, bytes, Reason.UNKNOWN_SCHEMA, "schema id 78 cannot be used");
        }

        @Test
        void aRegistryOutageIsNotADecodingFailure() {
            registry.answerAlways(500, "{\"error_code\":50001,\"message\":\"Error in the backend data store\"}");
            byte[] bytes = good.clone();
            ByteBuffer.wrap(bytes).putInt(1, 2);

            assertThatThrownBy(() -> samples.deserialize(TOPIC, bytes))
                    .isInstanceOf(SchemaRegistryException.class)
                    .hasMessageContaining("error_code 50001");
        }
    }

    static RecordDecodingException assertFails(Deserializer<?> deserializer, byte[] bytes, Reason reason,
                                               String cause) {
        RecordDecodingException[] thrown = new RecordDecodingException[1];
        assertThatThrownBy(() -> deserializer.deserialize(TOPIC, bytes))
                .isInstanceOfSatisfying(RecordDecodingException.class, e -> {
                    assertThat(e.reason()).isEqualTo(reason);
                    assertThat(e.topic()).isEqualTo(TOPIC);
                    assertThat(e.recordType()).isEqualTo(LabelledSample.class.getName());
                    thrown[0] = e;
                })
                .hasMessageContaining("topic '" + TOPIC + "'")
                .hasMessageContaining(reason.name())
                .hasMessageContaining(cause);
        return thrown[0];
    }

    static byte[] confluentFramed(int id, Schema schema, GenericRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.write(ByteBuffer.allocate(4).putInt(id).array());
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}
