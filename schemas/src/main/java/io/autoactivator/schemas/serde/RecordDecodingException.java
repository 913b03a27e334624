package io.autoactivator.schemas.serde;

import java.util.Objects;

import org.apache.kafka.common.errors.SerializationException;

/**
 * The one exception an {@link AvroDeserializer} throws for bytes it cannot turn into a record.
 *
 * <p>Why one type: the streams app must dead-letter every undecodable record instead of crashing or
 * dropping it, so it needs a single thing to catch and a {@link Reason} it can record, not a zoo of Avro,
 * I/O and runtime exceptions. The message always names the topic, the expected record type and the cause.
 *
 * <p>Not thrown for a schema registry that cannot be reached: that is {@link SchemaRegistryException},
 * because the record is probably fine and dead-lettering it would lose data.
 */
public final class RecordDecodingException extends SerializationException {

    private static final long serialVersionUID = 1L;

    /** Why the bytes could not be decoded; stable names, safe to use as a dead-letter reason code. */
    public enum Reason {
        /** Zero bytes (a null value is a tombstone and decodes to null instead). */
        EMPTY,
        /** Fewer bytes than the framing header or the record body needs. */
        TRUNCATED,
        /** The first byte(s) are not the framing's magic (C3 01 for single-object, 00 for Confluent). */
        UNKNOWN_MAGIC_BYTE,
        /** The schema fingerprint or registry id is not known. */
        UNKNOWN_SCHEMA,
        /** The bytes were written with the schema of a different record type. */
        WRONG_RECORD_TYPE,
        /** The writer schema has the right name but cannot be read with the current reader schema. */
        INCOMPATIBLE_SCHEMA,
        /** The header was fine but the body is not valid Avro binary for the writer schema. */
        MALFORMED
    }

    private final String topic;
    private final Reason reason;
    private final String recordType;

    RecordDecodingException(String topic, Class<?> recordType, Reason reason, String framing, String detail,
                            Throwable cause) {
        super("Cannot decode " + recordType.getSimpleName() + " from topic '" + topic + "' (" + framing + "): "
                + reason + ": " + detail, cause);
        this.topic = topic;
        this.reason = Objects.requireNonNull(reason, "reason");
        this.recordType = recordType.getName();
    }

    /** The topic the bytes were read from, as Kafka passed it to the deserializer (may be null). */
    public String topic() {
        return topic;
    }

    /** The machine-readable cause. */
    public Reason reason() {
        return reason;
    }

    /** Fully qualified name of the record class the deserializer expected. */
    public String recordType() {
        return recordType;
    }
}
