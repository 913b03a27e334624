package io.autoactivator.schemas.serde;

import java.util.Map;
import java.util.Objects;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka {@link Serde} for any generated Avro record class: one generic class, parameterised by the record
 * class, instead of one serde per record.
 *
 * <p>{@link #configure} picks the framing from {@link AvroSerdeConfig} and shares it (and its registry
 * cache) between the serializer and the deserializer. Unconfigured, it uses single-object encoding.
 * Obtain one with {@link AvroSerdes#serde(Class, Map, boolean)}.
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T> {

    private final Class<T> type;
    private volatile AvroSerializer<T> serializer;
    private volatile AvroDeserializer<T> deserializer;

    public AvroSerde(Class<T> type) {
        this.type = Objects.requireNonNull(type, "type");
        use(new SingleObjectFraming<>(type));
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        use(RecordFramings.create(type, configs, isKey));
    }

    private void use(RecordFraming<T> framing) {
        serializer = new AvroSerializer<>(type, framing);
        deserializer = new AvroDeserializer<>(type, framing);
    }

    /** The record class this serde reads and writes. */
    public Class<T> type() {
        return type;
    }

    @Override
    public Serializer<T> serializer() {
        return serializer;
    }

    @Override
    public Deserializer<T> deserializer() {
        return deserializer;
    }

    /** Reads non-null bytes with {@code reader} under this serde's framing: see {@link AvroDeserializer#read}. */
    public <V> V read(String topic, byte[] data, BodyReader<T, V> reader) {
        return deserializer.read(topic, data, reader);
    }
}
