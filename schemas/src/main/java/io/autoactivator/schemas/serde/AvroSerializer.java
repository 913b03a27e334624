package io.autoactivator.schemas.serde;

import java.util.Map;
import java.util.Objects;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka {@link Serializer} for one generated Avro record class.
 *
 * <p>Single-object encoding until {@link #configure} says otherwise (see {@link AvroSerdeConfig}).
 * A null record serializes to null (a tombstone). Thread-safe once configured.
 */
public final class AvroSerializer<T extends SpecificRecord> implements Serializer<T> {

    private final Class<T> type;
    private volatile RecordFraming<T> framing;

    public AvroSerializer(Class<T> type) {
        this(type, new SingleObjectFraming<>(type));
    }

    AvroSerializer(Class<T> type, RecordFraming<T> framing) {
        this.type = Objects.requireNonNull(type, "type");
        this.framing = framing;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        framing = RecordFramings.create(type, configs, isKey);
    }

    @Override
    public byte[] serialize(String topic, T record) {
        return record == null ? null : framing.encode(topic, record);
    }
}
