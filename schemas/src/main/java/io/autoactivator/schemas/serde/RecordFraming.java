package io.autoactivator.schemas.serde;

/**
 * How one record type is laid out in a Kafka record's bytes: header, schema reference, Avro body.
 *
 * <p>One implementation per wire format ({@link SingleObjectFraming}, {@link ConfluentFraming}), so the
 * Kafka-facing serializer and deserializer stay free of format details. Implementations are thread-safe.
 * Neither method sees nulls: tombstones are handled by the caller.
 */
interface RecordFraming<T> {

    /** Encodes a non-null record written to {@code topic}; failures are {@code SerializationException}s. */
    byte[] encode(String topic, T record);

    /** Decodes non-null bytes read from {@code topic}; bad bytes raise {@link RecordDecodingException}. */
    default T decode(String topic, byte[] bytes) {
        return read(topic, bytes, BodyReader.whole());
    }

    /**
     * Checks the framing of non-null bytes read from {@code topic} and hands the body to {@code reader}; bad bytes
     * (in the framing or the body) raise {@link RecordDecodingException}, exactly as {@link #decode} does.
     */
    <V> V read(String topic, byte[] bytes, BodyReader<T, V> reader);
}
