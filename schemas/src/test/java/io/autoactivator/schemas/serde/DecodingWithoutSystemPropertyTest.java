package io.autoactivator.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

import io.autoactivator.schemas.LabelledSample;

/**
 * The serdes decode our generated classes without {@code -Dorg.apache.avro.SERIALIZABLE_PACKAGES}.
 *
 * <p>Runs in its own JVM, started by the {@code without-serializable-packages-property} surefire execution
 * in schemas/pom.xml, where the property is not set (every other test JVM sets it).
 */
class DecodingWithoutSystemPropertyTest {

    @Test
    void avroAloneRefusesOurClassesButTheSerdesTrustThemThemselves() {
        assertThat(System.getProperty("org.apache.avro.SERIALIZABLE_PACKAGES"))
                .as("this test must run in a JVM without the property; see schemas/pom.xml")
                .isNull();
        byte[] body = new byte[] {2, 'm', 2, 't', 2, 's', 6, 0, 0};

        assertThatThrownBy(() -> new SpecificDatumReader<>(LabelledSample.class)
                .read(null, DecoderFactory.get().binaryDecoder(body, null)))
                .as("without our validator Avro 1.12 refuses to instantiate the generated class")
                .isInstanceOf(SecurityException.class);

        Serde<LabelledSample> singleObject = AvroSerdes.serde(LabelledSample.class, Map.of(), false);
        byte[] singleObjectBytes = singleObject.serializer().serialize("samples", SampleRecords.labelledSample());
        assertThat(singleObject.deserializer().deserialize("samples", singleObjectBytes))
                .isEqualTo(SampleRecords.labelledSample());

        try (FakeSchemaRegistry registry = new FakeSchemaRegistry()) {
            Serde<LabelledSample> serde = AvroSerdes.serde(LabelledSample.class, registry.serdeConfig(), false);
            byte[] bytes = serde.serializer().serialize("samples", SampleRecords.labelledSample());
            assertThat(serde.deserializer().deserialize("samples", bytes)).isEqualTo(SampleRecords.labelledSample());
        }
    }
}
