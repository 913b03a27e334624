package io.autoactivator.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.autoactivator.schemas.LabelledSample;
import io.autoactivator.schemas.TaskBoundary;

/** Every record type survives a trip through the serde, in both framings; tombstones stay null. */
class AvroSerdeRoundTripTest {

    private static FakeSchemaRegistry registry;

    @BeforeAll
    static void startRegistry() {
        registry = new FakeSchemaRegistry();
    }

    @AfterAll
    static void stopRegistry() {
        registry.close();
    }

    static List<SpecificRecord> records() {
        return SampleRecords.all();
    }

    @ParameterizedTest
    @MethodSource("records")
    void singleObjectEncodingRoundTripsEveryRecordType(SpecificRecord record) {
        assertThat(roundTrip(record, Map.of())).isEqualTo(record);
    }

    @ParameterizedTest
    @MethodSource("records")
    void confluentWireFormatRoundTripsEveryRecordType(SpecificRecord record) {
        assertThat(roundTrip(record, registry.serdeConfig())).isEqualTo(record);
    }

    @Test
    void withoutRegistryUrlTheSerdeWritesSingleObjectEncoding() {
        byte[] bytes = AvroSerdes.serde(LabelledSample.class).serializer()
                .serialize("samples", SampleRecords.labelledSample());

        assertThat(bytes).startsWith((byte) 0xC3, (byte) 0x01);
    }

    @Test
    void withRegistryUrlTheSerdeWritesConfluentFramingAndRegistersUnderTheTopicValueSubject() {
        byte[] bytes = AvroSerdes.serde(TaskBoundary.class, registry.serdeConfig(), false).serializer()
                .serialize("boundaries", SampleRecords.taskBoundaryEnd());

        assertThat(bytes[0]).isZero();
        assertThat(registry.requests()).anySatisfy(request -> {
            assertThat(request.method()).isEqualTo("POST");
            assertThat(request.path()).isEqualTo("/subjects/boundaries-value/versions");
        });
    }

    @Test
    void aKeySerdeRegistersUnderTheTopicKeySubject() {
        Serde<TaskBoundary> keys = AvroSerdes.serde(TaskBoundary.class, registry.serdeConfig(), true);

        TaskBoundary back = keys.deserializer().deserialize("keyed",
                keys.serializer().serialize("keyed", SampleRecords.taskBoundaryStart()));

        assertThat(back).isEqualTo(SampleRecords.taskBoundaryStart());
        assertThat(registry.requests()).extracting(FakeSchemaRegistry.Request::path)
                .contains("/subjects/keyed-key/versions");
    }

    @Test
    void aNullRecordIsATombstoneBothWays() {
        for (Map<String, ?> config : List.of(Map.<String, Object>of(), registry.serdeConfig())) {
            Serde<LabelledSample> serde = AvroSerdes.serde(LabelledSample.class, config, false);

            assertThat(serde.serializer().serialize("samples", null)).isNull();
            assertThat(serde.deserializer().deserialize("samples", null)).isNull();
        }
    }

    @Test
    void aSerdeConfiguredByKafkaThroughTheSerdeInterfaceUsesTheConfig() {
        AvroSerde<LabelledSample> serde = new AvroSerde<>(LabelledSample.class);
        serde.configure(registry.serdeConfig(), false);

        byte[] bytes = serde.serializer().serialize("samples", SampleRecords.labelledSample());

        assertThat(bytes[0]).isZero();
        assertThat(serde.deserializer().deserialize("samples", bytes)).isEqualTo(SampleRecords.labelledSample());
    }

    @Test
    void aRecordMissingARequiredFieldCannotBeSerializedAndTheErrorNamesTheTopic() {
        LabelledSample incomplete = new LabelledSample();
        for (Map<String, ?> config : List.of(Map.<String, Object>of(), registry.serdeConfig())) {
            Serde<LabelledSample> serde = AvroSerdes.serde(LabelledSample.class, config, false);

            assertThatThrownBy(() -> serde.serializer().serialize("samples", incomplete))
                    .isInstanceOf(SerializationException.class)
                    .hasMessageContaining("Cannot encode LabelledSample for topic 'samples'");
        }
    }

    @Test
    void aSchemaFromTheRegistryThatIsNotAvroIsAnUnknownSchemaOfTheRecord() {
        try (FakeSchemaRegistry protobuf = new FakeSchemaRegistry()) {
            protobuf.answerAlways(200, "{\"schemaType\":\"PROTOBUF\",\"schema\":\"syntax = \\\"proto3\\\";\"}");
            Serde<LabelledSample> serde = AvroSerdes.serde(LabelledSample.class, protobuf.serdeConfig(), false);

            assertThatThrownBy(() -> serde.deserializer().deserialize("samples", new byte[] {0, 0, 0, 0, 9, 1}))
                    .isInstanceOfSatisfying(RecordDecodingException.class, e -> {
                        // the record is unreadable every time: dead-lettered, not a crash of the reader
                        org.assertj.core.api.Assertions.assertThat(e.reason())
                                .isEqualTo(RecordDecodingException.Reason.UNKNOWN_SCHEMA);
                        org.assertj.core.api.Assertions.assertThat(e.getCause())
                                .isInstanceOf(SchemaRegistryException.class);
                    })
                    .hasMessageContaining("/schemas/ids/9")
                    .hasMessageContaining("PROTOBUF schema, not AVRO");
        }
    }

    private static <T extends SpecificRecord> T roundTrip(T record, Map<String, ?> config) {
        @SuppressWarnings("unchecked")
        Class<T> type = (Class<T>) record.getClass();
        Serde<T> serde = AvroSerdes.serde(type, config, false);
        byte[] bytes = serde.serializer().serialize("topic-" + type.getSimpleName(), record);
        return serde.deserializer().deserialize("topic-" + type.getSimpleName(), bytes);
    }
}
