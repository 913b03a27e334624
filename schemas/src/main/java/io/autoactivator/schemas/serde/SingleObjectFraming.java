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
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;

import io.autoactivator.schemas.serde.RecordDecodingException.Reason;

/**
 * Avro single-object encoding: {@code C3 01}, the writer schema's 8-byte CRC-64-AVRO fingerprint
 * (little-endian), then the Avro binary body. Avro's own {@link BinaryMessageEncoder}/{@link BinaryMessageDecoder}
 * do the work.
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
    private final BinaryMessageEncoder<T> encoder;
    private final BinaryMessageDecoder<T> decoder;
    private final Map<Long, Schema> knownWriters;

    SingleObjectFraming(Class<T> type) {
        this.type = type;
        SpecificData model = SpecificData.getForClass(type);
        this.readerSchema = model.getSchema(type);
        this.encoder = new BinaryMessageEncoder<>(model, readerSchema);
        this.decoder = new BinaryMessageDecoder<>(model, readerSchema);
        this.knownWriters = new ConcurrentHashMap<>();
        for (Schema released : ReleasedSchemas.of(readerSchema.getFullName())) {
            decoder.addSchema(released);
            knownWriters.put(SchemaNormalization.parsingFingerprint64(released), released);
        }
        knownWriters.put(SchemaNormalization.parsingFingerprint64(readerSchema), readerSchema);
    }

    /** Also accept bytes written with {@code writer}, e.g. a schema released after this code was built. */
    void addWriterSchema(Schema writer) {
        decoder.addSchema(writer);
        knownWriters.put(SchemaNormalization.parsingFingerprint64(writer), writer);
    }

    @Override
    public byte[] encode(String topic, T record) {
        try {
            ByteBuffer buffer = encoder.encode(record);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("Cannot encode " + type.getSimpleName() + " for topic '" + topic
                    + "' (" + NAME + "): " + e.getMessage(), e);
        }
    }

    @Override
    public T decode(String topic, byte[] bytes) {
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
        if (!knownWriters.containsKey(fingerprint)) {
            Schema other = RELEASED_BY_FINGERPRINT.get(fingerprint);
            if (other != null && !other.getFullName().equals(readerSchema.getFullName())) {
                throw failure(topic, Reason.WRONG_RECORD_TYPE, String.format(
                        "fingerprint %016x belongs to %s", fingerprint, other.getFullName()), null);
            }
            throw failure(topic, Reason.UNKNOWN_SCHEMA, String.format(
                    "fingerprint %016x is not a known schema of %s", fingerprint, readerSchema.getFullName()), null);
        }
        try {
            return decoder.decode(bytes);
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
