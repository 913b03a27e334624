package io.autoactivator.schemas.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;

import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;

/**
 * One thread's reusable output for encoding small records: Avro's buffered encoder (whose 2 KB buffer a fresh
 * {@code binaryEncoder(out, null)} allocates on every call) and the byte stream it writes into, so encoding a
 * record allocates only its result. Why: the serving loop encodes one answer per request, and the encoder's buffer
 * was the largest allocation site of its inference thread (JFR, session 7 in BENCHMARKS.md).
 *
 * <p>A stream that grew past {@link #RETAINED_BYTES} (a snapshot chunk) is dropped after use, so no thread keeps a
 * large buffer; a write that failed drops both, so nothing half-written is ever flushed into the next record.
 */
final class EncodeBuffer {

    static final int RETAINED_BYTES = 64 * 1024;
    private static final ThreadLocal<EncodeBuffer> OF_THREAD = ThreadLocal.withInitial(EncodeBuffer::new);

    private Bytes bytes = new Bytes();
    private BinaryEncoder encoder;

    private EncodeBuffer() {
    }

    /** {@code header} followed by {@code record}'s Avro binary encoding. */
    static <T> byte[] encode(byte[] header, DatumWriter<T> writer, T record) throws IOException {
        EncodeBuffer buffer = OF_THREAD.get();
        try {
            return buffer.write(header, writer, record);
        } catch (IOException | RuntimeException | Error e) {
            OF_THREAD.remove();
            throw e;
        }
    }

    private <T> byte[] write(byte[] header, DatumWriter<T> writer, T record) throws IOException {
        bytes.reset();
        bytes.write(header);
        encoder = EncoderFactory.get().binaryEncoder(bytes, encoder);
        writer.write(record, encoder);
        encoder.flush();
        byte[] result = bytes.toByteArray();
        if (bytes.capacity() > RETAINED_BYTES) {
            bytes = new Bytes();
        }
        return result;
    }

    /** A byte stream that says how large its buffer grew. */
    private static final class Bytes extends ByteArrayOutputStream {
        Bytes() {
            super(256);
        }

        int capacity() {
            return buf.length;
        }

        @Override
        public byte[] toByteArray() {
            return Arrays.copyOf(buf, count);
        }
    }
}
