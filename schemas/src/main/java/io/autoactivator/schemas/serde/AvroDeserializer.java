package io.autoactivator.schemas.serde;

import java.util.Map;
import java.util.Objects;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Kafka {@link Deserializer} for one generated Avro record class.
 *
 * <p>Single-object encoding until {@link #configure} says otherwise (see {@link AvroSerdeConfig}).
 * Contract: null bytes (a tombstone) deserialize to null; any other bytes either become a record or raise
 * {@link RecordDecodingException} with a {@link RecordDecodingException.Reason} — never null, never
 * silently dropped. A registry that cannot answer raises {@link SchemaRegistryException}. Thread-safe
 * once configured.
 */
public final class AvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {

    private final Class<T> type;
    private volatile RecordFraming<T> framing;

    public AvroDeserializer(Class<T> type) {
        this(type, new SingleObjectFraming<>(type));
    }

    AvroDeserializer(Class<T> type, RecordFraming<T> framing) {
        this.type = Objects.requireNonNull(type, "type");
        this.framing = framing;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        framing = RecordFramings.create(type, configs, isKey);
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        return data == null ? null : framing.decode(topic, data);
    }

    /**
     * Reads non-null {@code data} with {@code reader} instead of decoding the whole record: the same framing, the
     * same writer schemas, the same {@link RecordDecodingException}s as {@link #deserialize}.
     */
    public <V> V read(String topic, byte[] data, BodyReader<T, V> reader) {
        return framing.read(topic, Objects.requireNonNull(data, "data"), reader);
    }
}
