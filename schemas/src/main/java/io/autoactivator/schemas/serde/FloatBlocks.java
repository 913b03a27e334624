package io.autoactivator.schemas.serde;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

import org.apache.avro.io.BinaryDecoder;

/**
 * Reads an Avro {@code array<float>} block by block as raw little-endian bytes (Avro's binary encoding of
 * {@code float}), where Avro's record reader calls {@code readFloat} once per value and boxes each into a
 * {@code List<Float>}: on 784-float records that boxing was 29 % of the ingest stream thread's CPU (session 4) and
 * the serving consumer's largest cost and garbage (session 6, BENCHMARKS.md).
 *
 * <p>Memory is bounded by the bytes actually present, not by the counts the bytes claim: the bytes go through one
 * scratch chunk per thread, and an array grows only as values arrive, so a block count of 2^31 in a 20-byte record
 * fails as truncated instead of allocating gigabytes. A decoder that runs out of bytes throws
 * {@link java.io.EOFException}, as Avro's own reader does, which the framing reports as truncated.
 */
final class FloatBlocks {

    private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final int EXPONENT = 0x7f800000;
    private static final int EXPONENT_CARRY = 0x00800000;
    private static final int CHUNK_BYTES = 16 * 1024;
    private static final int CHUNK_FLOATS = CHUNK_BYTES / Float.BYTES;
    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[CHUNK_BYTES]);

    /** How many values an array has and its first value that is not finite. */
    record Finiteness(long count, long firstNonFinite, float nonFiniteValue) {
    }

    private FloatBlocks() {
    }

    /** Counts the array's values and finds the first that is NaN or infinite, without keeping them. */
    static Finiteness scan(BinaryDecoder body) throws IOException {
        byte[] chunk = SCRATCH.get();
        long count = 0;
        long bad = -1;
        float badValue = Float.NaN;
        for (long n = body.readArrayStart(); n != 0; n = body.arrayNext()) {
            long bytes = n * Float.BYTES;
            while (bytes > 0) {
                int length = (int) Math.min(bytes, chunk.length);
                body.readFixed(chunk, 0, length);
                if (bad < 0) {
                    int at = firstNonFinite(chunk, length);
                    if (at >= 0) {
                        bad = count + at;
                        badValue = Float.intBitsToFloat((int) INT_LE.get(chunk, at * Float.BYTES));
                    }
                }
                count += length / Float.BYTES;
                bytes -= length;
            }
        }
        return new Finiteness(count, bad, badValue);
    }

    /**
     * The array's values, bit for bit what Avro's {@code readFloat} returns, in an array of exactly their number.
     * Its memory is at most twice the bytes read (the array doubles as values arrive).
     */
    static float[] read(BinaryDecoder body) throws IOException {
        byte[] chunk = SCRATCH.get();
        float[] values = null;
        int count = 0;
        for (long n = body.readArrayStart(); n != 0; n = body.arrayNext()) {
            long left = n;
            while (left > 0) {
                int floats = (int) Math.min(left, CHUNK_FLOATS);
                body.readFixed(chunk, 0, floats * Float.BYTES);
                left -= floats;
                if (values == null) {
                    values = new float[(int) Math.min(n, CHUNK_FLOATS)];
                } else if (values.length - count < floats) {
                    values = Arrays.copyOf(values, Math.max(count + floats, 2 * values.length));
                }
                for (int i = 0; i < floats; i++) {
                    values[count + i] = Float.intBitsToFloat((int) INT_LE.get(chunk, i * Float.BYTES));
                }
                count += floats;
            }
        }
        if (values == null) {
            return new float[0];
        }
        return values.length == count ? values : Arrays.copyOf(values, count);
    }

    /**
     * Index of the first float (of {@code length / 4}) whose exponent bits are all set (NaN, infinity), or -1. The
     * common case (every value finite) is one branch-free pass: adding 2^23 to a float's exponent bits carries into
     * the sign bit exactly when they are all set; only a chunk with such a value is scanned again for its index.
     */
    private static int firstNonFinite(byte[] chunk, int length) {
        int carries = 0;
        int end = length - length % Float.BYTES;
        for (int at = 0; at < end; at += Float.BYTES) {
            carries |= ((int) INT_LE.get(chunk, at) & EXPONENT) + EXPONENT_CARRY;
        }
        if (carries >= 0) {
            return -1;
        }
        for (int at = 0; at < end; at += Float.BYTES) {
            if (((int) INT_LE.get(chunk, at) & EXPONENT) == EXPONENT) {
                return at / Float.BYTES;
            }
        }
        throw new IllegalStateException("unreachable: a carry without a non-finite value");
    }
}
