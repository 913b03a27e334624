package io.autoactivator.schemas.serde;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;

import io.autoactivator.schemas.serde.RecordDecodingException.Reason;

/**
 * Avro single-object encoding: {@code C3 01}, the writer schema's 8-byte CRC-64-AVRO fingerprint
 * (little-endian), then the Avro binary body, byte for byte what Avro's {@code BinaryMessageEncoder} writes. The body
 * goes through Avro's buffered {@link BinaryEncoder} (one per thread, {@link EncodeBuffer}) and {@link BinaryDecoder}
 * over byte arrays: Avro's message encoder and decoder use its unbuffered "direct" coders, one stream call per
 * float, which was more than half of the stream thread's time on 784-float samples.
 *
 * <p>Why: self-describing enough to evolve without any registry. The decoder knows the current schema and
 * every {@linkplain ReleasedSchemas released} version of the record, and resolves whichever one wrote the
 * bytes against the current generated class. The header is checked here first only to give precise
 * {@link Reason}s.
 */
final class SingleObjectFraming<T extends SpecificRecord> implements RecordFraming<T> {

    static final String NAME = "Avro single-object encoding";
    static final int HEADER_LENGTH = 10;
    private static final byte MAGIC_0 = (byte) 0xC3;
    private static final byte MAGIC_1 = (byte) 0x01;

    /** Fingerprint of every released schema of any record type, to tell "wrong type" from "unknown". */
    private static final Map<Long, Schema> RELEASED_BY_FINGERPRINT = ReleasedSchemas.all().stream()
            .collect(Collectors.toMap(SchemaNormalization::parsingFingerprint64, Function.identity(), (a, b) -> a));

    static {
        TrustedAvroClasses.install();
    }

    private final Class<T> type;
    private final Schema readerSchema;
    private final byte[] header;
    private final DatumWriter<T> writer;
    private final SpecificData model;
    /** A reader per known writer fingerprint, resolving that writer schema against the generated class. */
    private final Map<Long, Writer<T>> knownWriters;

    /** A known writer schema and Avro's reader of it into the generated class. */
    private record Writer<T>(Schema schema, DatumReader<T> reader) {
    }

    SingleObjectFraming(Class<T> type) {
        this.type = type;
        this.model = SpecificData.getForClass(type);
        this.readerSchema = model.getSchema(type);
        this.header = ByteBuffer.allocate(HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN).put(MAGIC_0).put(MAGIC_1)
                .putLong(SchemaNormalization.parsingFingerprint64(readerSchema)).array();
        @SuppressWarnings("unchecked")
        DatumWriter<T> datumWriter = (DatumWriter<T>) model.createDatumWriter(readerSchema);
        this.writer = datumWriter;
        this.knownWriters = new ConcurrentHashMap<>();
        for (Schema released : ReleasedSchemas.of(readerSchema.getFullName())) {
            addWriterSchema(released);
        }
        addWriterSchema(readerSchema);
    }

    /** Also accept bytes written with {@code writer}, e.g. a schema released after this code was built. */
    @SuppressWarnings("unchecked")
    void addWriterSchema(Schema writer) {
        knownWriters.put(SchemaNormalization.parsingFingerprint64(writer),
                new Writer<>(writer, (DatumReader<T>) model.createDatumReader(writer, readerSchema)));
    }

    @Override
    public byte[] encode(String topic, T record) {
        try {
            return EncodeBuffer.encode(header, writer, record);
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("Cannot encode " + type.getSimpleName() + " for topic '" + topic
                    + "' (" + NAME + "): " + e.getMessage(), e);
        }
    }

    @Override
    public <V> V read(String topic, byte[] bytes, BodyReader<T, V> bodyReader) {
        if (bytes.length == 0) {
            throw failure(topic, Reason.EMPTY, "no bytes", null);
        }
        if (bytes[0] != MAGIC_0 || (bytes.length > 1 && bytes[1] != MAGIC_1)) {
            throw failure(topic, Reason.UNKNOWN_MAGIC_BYTE, String.format(
                    "expected header C3 01 but found %s", hex(bytes, Math.min(2, bytes.length))), null);
        }
        if (bytes.length < HEADER_LENGTH) {
            throw failure(topic, Reason.TRUNCATED, "only " + bytes.length + " bytes, the header alone needs "
                    + HEADER_LENGTH, null);
        }
        long fingerprint = ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        Writer<T> reader = knownWriters.get(fingerprint);
        if (reader == null) {
            Schema other = RELEASED_BY_FINGERPRINT.get(fingerprint);
            if (other != null && !other.getFullName().equals(readerSchema.getFullName())) {
                throw failure(topic, Reason.WRONG_RECORD_TYPE, String.format(
                        "fingerprint %016x belongs to %s", fingerprint, other.getFullName()), null);
            }
            throw failure(topic, Reason.UNKNOWN_SCHEMA, String.format(
                    "fingerprint %016x is not a known schema of %s", fingerprint, readerSchema.getFullName()), null);
        }
        try {
            BinaryDecoder body = DecoderFactory.get().binaryDecoder(bytes, HEADER_LENGTH, bytes.length - HEADER_LENGTH,
                    null);
            return bodyReader.read(reader.schema(), reader.reader(), body);
        } catch (EOFException e) {
            throw failure(topic, Reason.TRUNCATED, "body ended early (" + bytes.length + " bytes in total)", e);
        } catch (SecurityException e) {
            throw e;
        } catch (AvroRuntimeException e) {
            if (e.getCause() instanceof EOFException) {
                throw failure(topic, Reason.TRUNCATED, "body ended early (" + bytes.length + " bytes in total)", e);
            }
            throw failure(topic, Reason.MALFORMED, String.valueOf(e.getMessage()), e);
        } catch (IOException | RuntimeException e) {
            throw failure(topic, Reason.MALFORMED, e.toString(), e);
        }
    }

    private RecordDecodingException failure(String topic, Reason reason, String detail, Throwable cause) {
        return new RecordDecodingException(topic, type, reason, NAME, detail, cause);
    }

    static String hex(byte[] bytes, int length) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < length; i++) {
            text.append(i == 0 ? "" : " ").append(String.format("%02X", bytes[i]));
        }
        return text.toString();
    }
}
