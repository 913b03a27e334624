package io.autoactivator.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

import io.autoactivator.schemas.LabelledSample;

/** The exact bytes each framing puts on the wire, checked against Avro's own encoders. */
class WireLayoutTest {

    @Test
    void confluentFramingIsMagicZeroThenBigEndianSchemaIdThenPlainAvroBinary() throws IOException {
        LabelledSample sample = SampleRecords.labelledSample();
        try (FakeSchemaRegistry registry = new FakeSchemaRegistry(0x01020304)) {
            byte[] bytes = AvroSerdes.serde(LabelledSample.class, registry.serdeConfig(), false).serializer()
                    .serialize("samples", sample);

            assertThat(bytes[0]).as("magic byte").isEqualTo((byte) 0);
            assertThat(Arrays.copyOfRange(bytes, 1, 5)).as("schema id, big-endian")
                    .containsExactly(0x01, 0x02, 0x03, 0x04);
            assertThat(Arrays.copyOfRange(bytes, 5, bytes.length)).as("body")
                    .isEqualTo(plainAvroBinary(sample));
        }
    }

    @Test
    void singleObjectEncodingIsC301ThenLittleEndianParsingFingerprintThenPlainAvroBinary() throws IOException {
        LabelledSample sample = SampleRecords.labelledSample();
        long fingerprint = SchemaNormalization.parsingFingerprint64(LabelledSample.getClassSchema());
        byte[] littleEndian = new byte[8];
        for (int i = 0; i < 8; i++) {
            littleEndian[i] = (byte) (fingerprint >>> (8 * i));
        }

        byte[] bytes = AvroSerdes.serde(LabelledSample.class).serializer().serialize("samples", sample);

        assertThat(Arrays.copyOfRange(bytes, 0, 2)).as("header").containsExactly(0xC3, 0x01);
        assertThat(Arrays.copyOfRange(bytes, 2, 10)).as("fingerprint, little-endian").isEqualTo(littleEndian);
        assertThat(Arrays.copyOfRange(bytes, 10, bytes.length)).as("body").isEqualTo(plainAvroBinary(sample));
        assertThat(bytes).as("same as Avro's generated toByteBuffer()").isEqualTo(toArray(sample.toByteBuffer()));
    }

    private static byte[] plainAvroBinary(LabelledSample sample) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<LabelledSample>(LabelledSample.class).write(sample, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    private static byte[] toArray(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }
}
