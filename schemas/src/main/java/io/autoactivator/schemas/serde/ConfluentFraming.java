package io.autoactivator.schemas.serde;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;

import io.autoactivator.schemas.serde.RecordDecodingException.Reason;

/**
 * Confluent Schema Registry wire format: byte {@code 0}, the writer schema's registry id as a big-endian
 * int32, then the plain Avro binary body.
 *
 * <p>Why: interoperates with every Confluent-framed producer and consumer. On write the current schema is
 * registered under {@code <topic>-value} (or {@code <topic>-key}); on read the id is resolved through the
 * registry and the writer schema is resolved against the current generated class, so old and new producers
 * can share a topic. Registry answers and readers are cached per id.
 */
final class ConfluentFraming<T extends SpecificRecord> implements RecordFraming<T> {

    static final String NAME = "Confluent wire format";
    static final byte MAGIC_BYTE = 0;
    static final int HEADER_LENGTH = 5;

    static {
        TrustedAvroClasses.install();
    }

    private final Class<T> type;
    private final SpecificData model;
    private final Schema readerSchema;
    private final SchemaRegistryClient registry;
    private final String subjectSuffix;
    private final SpecificDatumWriter<T> writer;
    private final Map<Integer, SpecificDatumReader<T>> readersById = new ConcurrentHashMap<>();
    /** Ids the registry answered for with a definite "no" (not found, not Avro, invalid): not asked again. */
    private final Map<Integer, String> unusableIds = new ConcurrentHashMap<>();
    private static final int MAX_UNUSABLE_IDS = 10_000;

    ConfluentFraming(Class<T> type, SchemaRegistryClient registry, boolean isKey) {
        this.type = type;
        this.model = SpecificData.getForClass(type);
        this.readerSchema = model.getSchema(type);
        this.registry = registry;
        this.subjectSuffix = isKey ? "-key" : "-value";
        this.writer = new SpecificDatumWriter<>(readerSchema, model);
    }

    /** Confluent's default TopicNameStrategy. */
    String subject(String topic) {
        return topic + subjectSuffix;
    }

    @Override
    public byte[] encode(String topic, T record) {
        int id = registry.register(subject(topic), readerSchema);
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(MAGIC_BYTE);
            out.write(ByteBuffer.allocate(4).putInt(id).array());
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            writer.write(record, encoder);
            encoder.flush();
            return out.toByteArray();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("Cannot encode " + type.getSimpleName() + " for topic '" + topic
                    + "' (" + NAME + ", schema id " + id + "): " + e.getMessage(), e);
        }
    }

    @Override
    public <V> V read(String topic, byte[] bytes, BodyReader<T, V> bodyReader) {
        if (bytes.length == 0) {
            throw failure(topic, Reason.EMPTY, "no bytes", null);
        }
        if (bytes[0] != MAGIC_BYTE) {
            throw failure(topic, Reason.UNKNOWN_MAGIC_BYTE,
                    String.format("expected magic byte 00 but found %02X", bytes[0]), null);
        }
        if (bytes.length < HEADER_LENGTH) {
            throw failure(topic, Reason.TRUNCATED, "only " + bytes.length + " bytes, the header alone needs "
                    + HEADER_LENGTH, null);
        }
        int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
        SpecificDatumReader<T> reader = readerFor(topic, id);
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, HEADER_LENGTH, bytes.length - HEADER_LENGTH, null);
        V record;
        try {
            record = bodyReader.read(reader.getSchema(), reader, decoder);
        } catch (EOFException e) {
            throw failure(topic, Reason.TRUNCATED, "body ended early (" + bytes.length + " bytes in total, schema id "
                    + id + ")", e);
        } catch (SecurityException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw failure(topic, Reason.MALFORMED, "schema id " + id + ": " + e, e);
        }
        try {
            if (!decoder.isEnd()) {
                throw failure(topic, Reason.MALFORMED, "trailing bytes after the record (schema id " + id + ")", null);
            }
        } catch (IOException e) {
            throw failure(topic, Reason.MALFORMED, "schema id " + id + ": " + e, e);
        }
        return record;
    }

    private SpecificDatumReader<T> readerFor(String topic, int id) {
        SpecificDatumReader<T> cached = readersById.get(id);
        if (cached != null) {
            return cached;
        }
        String unusable = unusableIds.get(id);
        if (unusable != null) {
            throw failure(topic, Reason.UNKNOWN_SCHEMA, unusable, null);
        }
        Schema writerSchema;
        try {
            writerSchema = registry.schemaById(id);
        } catch (SchemaRegistryException e) {
            if (e.isSchemaNotFound() || !e.isTransient()) {
                // a definite answer about this id (404, a Protobuf or JSON schema on a shared registry, 401/403):
                // the record is unreadable every time, so it is dead-lettered, and the answer is remembered
                String detail = e.isSchemaNotFound() ? "schema id " + id + " is not in the registry"
                        : "schema id " + id + " cannot be used: " + e.getMessage();
                if (unusableIds.size() >= MAX_UNUSABLE_IDS) {
                    unusableIds.clear();
                }
                unusableIds.put(id, detail);
                throw failure(topic, Reason.UNKNOWN_SCHEMA, detail, e);
            }
            throw e;
        }
        if (!writerSchema.getFullName().equals(readerSchema.getFullName())) {
            throw failure(topic, Reason.WRONG_RECORD_TYPE,
                    "schema id " + id + " is " + writerSchema.getFullName(), null);
        }
        SchemaCompatibility.SchemaPairCompatibility compatibility =
                SchemaCompatibility.checkReaderWriterCompatibility(readerSchema, writerSchema);
        if (compatibility.getType() != SchemaCompatibilityType.COMPATIBLE) {
            throw failure(topic, Reason.INCOMPATIBLE_SCHEMA, "schema id " + id + " cannot be read as the current "
                    + readerSchema.getFullName() + ": " + compatibility.getDescription(), null);
        }
        SpecificDatumReader<T> reader = new SpecificDatumReader<>(writerSchema, readerSchema, model);
        SpecificDatumReader<T> previous = readersById.putIfAbsent(id, reader);
        return previous != null ? previous : reader;
    }

    private RecordDecodingException failure(String topic, Reason reason, String detail, Throwable cause) {
        return new RecordDecodingException(topic, type, reason, NAME, detail, cause);
    }
}
