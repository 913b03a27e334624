package io.autoactivator.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.autoactivator.schemas.serde.RecordDecodingException.Reason;

/**
 * Schemas evolve without breaking anyone: today's readers read every released writer, and adding an
 * optional field works in both directions and both framings.
 */
class SchemaEvolutionTest {

    private static final String ADDED = "addedLater";
    private static final Map<String, Schema> CURRENT = SampleRecords.recordClasses().stream()
            .map(type -> SpecificData.get().getSchema(type))
            .collect(Collectors.toMap(Schema::getFullName, Function.identity()));

    private static FakeSchemaRegistry registry;

    @BeforeAll
    static void startRegistry() {
        registry = new FakeSchemaRegistry();
    }

    @AfterAll
    static void stopRegistry() {
        registry.close();
    }

    static List<Schema> released() {
        return ReleasedSchemas.all();
    }

    static List<SpecificRecord> records() {
        return SampleRecords.all();
    }

    @Test
    void everyRecordTypeIsReleasedAndNoReleasedTypeWasDropped() {
        assertThat(released()).extracting(Schema::getFullName).containsAll(CURRENT.keySet());
        assertThat(CURRENT.keySet()).containsAll(released().stream().map(Schema::getFullName).toList());
    }

    @ParameterizedTest(name = "{index}: current {0} reads it")
    @MethodSource("released")
    void everyCurrentSchemaIsBackwardCompatibleWithEveryReleasedVersion(Schema released) {
        Schema current = CURRENT.get(released.getFullName());

        SchemaCompatibility.SchemaPairCompatibility result =
                SchemaCompatibility.checkReaderWriterCompatibility(current, released);

        assertThat(result.getType()).as(result.getDescription()).isEqualTo(SchemaCompatibilityType.COMPATIBLE);
    }

    @ParameterizedTest
    @MethodSource("records")
    void todaysConfluentReaderDecodesAWriterWithANewOptionalField(SpecificRecord record) throws IOException {
        Schema newer = withAddedField(record.getSchema());
        int id = registry.preRegister(newer);
        byte[] bytes = BadBytesTest.confluentFramed(id, newer, asNewer(record, newer, "from the future"));

        Object decoded = AvroSerdes.serde(record.getClass(), registry.serdeConfig(), false).deserializer()
                .deserialize("evolving", bytes);

        assertThat(decoded).isEqualTo(record);
    }

    @ParameterizedTest
    @MethodSource("records")
    void todaysSingleObjectReaderDecodesAWriterWithANewOptionalFieldOnceItKnowsThatSchema(SpecificRecord record)
            throws IOException {
        Schema newer = withAddedField(record.getSchema());
        byte[] bytes = toArray(new BinaryMessageEncoder<GenericRecord>(GenericData.get(), newer)
                .encode(asNewer(record, newer, "from the future")));
        SingleObjectFraming<? extends SpecificRecord> framing = new SingleObjectFraming<>(record.getClass());

        assertThatThrownBy(() -> framing.decode("evolving", bytes))
                .as("single-object bytes carry only a fingerprint: an unreleased writer schema is unknown")
                .isInstanceOfSatisfying(RecordDecodingException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_SCHEMA));

        framing.addWriterSchema(newer);

        assertThat(framing.decode("evolving", bytes)).isEqualTo(record);
    }

    @ParameterizedTest
    @MethodSource("records")
    void aReaderWithANewOptionalFieldDecodesTodaysConfluentBytesWithTheDefault(SpecificRecord record)
            throws IOException {
        Schema newer = withAddedField(record.getSchema());
        byte[] bytes = serialize(record, registry.serdeConfig());

        GenericRecord decoded = new GenericDatumReader<GenericRecord>(record.getSchema(), newer)
                .read(null, DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null));

        assertThat(decoded.get(ADDED)).isNull();
        assertThat(decoded).isEqualTo(asNewer(record, newer, null));
    }

    @ParameterizedTest
    @MethodSource("records")
    void aReaderWithANewOptionalFieldDecodesTodaysSingleObjectBytesWithTheDefault(SpecificRecord record)
            throws IOException {
        Schema newer = withAddedField(record.getSchema());
        byte[] bytes = serialize(record, Map.of());
        BinaryMessageDecoder<GenericRecord> newerDecoder = new BinaryMessageDecoder<>(GenericData.get(), newer);
        newerDecoder.addSchema(record.getSchema());

        GenericRecord decoded = newerDecoder.decode(bytes);

        assertThat(decoded.get(ADDED)).isNull();
        assertThat(decoded).isEqualTo(asNewer(record, newer, null));
    }

    /** The current schema plus {@code addedLater: ["null","string"] = null}, as a later release might add. */
    static Schema withAddedField(Schema current) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode tree = (ObjectNode) json.readTree(current.toString());
        ObjectNode field = ((ArrayNode) tree.get("fields")).addObject();
        field.put("name", ADDED);
        field.putArray("type").add("null").add("string");
        field.putNull("default");
        field.put("doc", "A field a later release adds.");
        return new Schema.Parser().parse(json.writeValueAsString(tree));
    }

    /** {@code record} as a generic record of the newer schema, with the added field set to {@code added}. */
    private static GenericRecord asNewer(SpecificRecord record, Schema newer, String added) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<SpecificRecord>(record.getSchema(), SpecificData.getForClass(record.getClass()))
                .write(record, encoder);
        encoder.flush();
        GenericRecord generic = new GenericDatumReader<GenericRecord>(record.getSchema(), newer)
                .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
        generic.put(ADDED, added);
        return generic;
    }

    private static <T extends SpecificRecord> byte[] serialize(SpecificRecord record, Map<String, ?> config) {
        @SuppressWarnings("unchecked")
        T typed = (T) record;
        @SuppressWarnings("unchecked")
        Class<T> type = (Class<T>) record.getClass();
        return AvroSerdes.serde(type, config, false).serializer().serialize("evolving", typed);
    }

    private static byte[] toArray(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }
}
