package io.autoactivator.schemas.serde;

import java.util.Map;

import org.apache.avro.specific.SpecificRecord;

/**
 * The entry point: a configured {@link AvroSerde} for a generated record class.
 *
 * <pre>{@code
 * Serde<LabelledSample> samples = AvroSerdes.serde(LabelledSample.class, streamsConfig, false);
 * }</pre>
 *
 * <p>Loading this class also makes Avro trust the generated package, so no
 * {@code -Dorg.apache.avro.SERIALIZABLE_PACKAGES} flag is needed (see {@link TrustedAvroClasses}).
 */
public final class AvroSerdes {

    static {
        TrustedAvroClasses.install();
    }

    private AvroSerdes() {
    }

    /**
     * A serde for {@code type}, configured from {@code config} (see {@link AvroSerdeConfig}; other keys are
     * ignored) for keys or values.
     */
    public static <T extends SpecificRecord> AvroSerde<T> serde(Class<T> type, Map<String, ?> config, boolean isKey) {
        AvroSerde<T> serde = new AvroSerde<>(type);
        serde.configure(config, isKey);
        return serde;
    }

    /** A value serde for {@code type} with single-object encoding (no registry). */
    public static <T extends SpecificRecord> AvroSerde<T> serde(Class<T> type) {
        return serde(type, Map.of(), false);
    }
}
