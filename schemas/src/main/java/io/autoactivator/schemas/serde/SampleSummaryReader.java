package io.autoactivator.schemas.serde;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;

import io.autoactivator.schemas.LabelledSample;

/**
 * Reads a {@link SampleSummary} from a {@link LabelledSample}'s body without building the sample: the feature array
 * is read block by block as raw little-endian floats (Avro's binary encoding of {@code float}) and only checked for
 * finiteness, where Avro's record reader calls {@code readFloat} once per value and boxes each into a
 * {@code List<Float>} (29 % of the ingest stream thread's CPU in session 4, BENCHMARKS.md).
 *
 * <p>The wire contract is unchanged: the framing still checks the header, finds the writer schema (released
 * fingerprints, or the registry's id) and maps every failure to the same {@link RecordDecodingException}. The body
 * is read field by field in the writer schema's order; the fields the summary needs are read directly when the
 * writer wrote them with exactly the current types (string ids, int label, array of float), and every other field
 * is skipped by Avro itself. A writer schema that differs in any of those five fields (a promotion, a union, a
 * missing field) is read by Avro's resolving reader into the whole record, and summarised from it.
 */
public final class SampleSummaryReader implements BodyReader<LabelledSample, SampleSummary> {

    /** Stateless and thread-safe. */
    public static final SampleSummaryReader INSTANCE = new SampleSummaryReader();

    private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final int EXPONENT = 0x7f800000;
    private static final int EXPONENT_CARRY = 0x00800000;
    private static final int CHUNK_BYTES = 16 * 1024;
    private static final List<String> FIELDS = List.of("modelId", "taskId", "sampleId", "label", "features");
    private static final int MODEL = 0;
    private static final int TASK = 1;
    private static final int SAMPLE = 2;
    private static final int LABEL = 3;
    private static final int FEATURES = 4;
    private static final int SKIP = -1;
    /** Per writer schema: what to do with each of its fields, or {@link #RESOLVE} (let Avro resolve the record). */
    private static final Map<Schema, int[]> PLANS = new ConcurrentHashMap<>();
    private static final int[] RESOLVE = new int[0];

    private SampleSummaryReader() {
    }

    @Override
    public SampleSummary read(Schema writer, DatumReader<LabelledSample> resolving, BinaryDecoder body)
            throws IOException {
        int[] plan = PLANS.computeIfAbsent(writer, SampleSummaryReader::plan);
        if (plan == RESOLVE) {
            return SampleSummary.of(resolving.read(null, body));
        }
        String modelId = null;
        String taskId = null;
        String sampleId = null;
        int label = 0;
        long count = 0;
        long bad = -1;
        float badValue = Float.NaN;
        List<Schema.Field> fields = writer.getFields();
        for (int i = 0; i < plan.length; i++) {
            switch (plan[i]) {
                case MODEL -> modelId = body.readString();
                case TASK -> taskId = body.readString();
                case SAMPLE -> sampleId = body.readString();
                case LABEL -> label = body.readInt();
                case FEATURES -> {
                    byte[] chunk = null;
                    for (long n = body.readArrayStart(); n != 0; n = body.arrayNext()) {
                        long bytes = n * Float.BYTES;
                        if (chunk == null) {
                            chunk = new byte[(int) Math.min(bytes, CHUNK_BYTES)];
                        }
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
                }
                default -> GenericDatumReader.skip(fields.get(i).schema(), body);
            }
        }
        return new SampleSummary(modelId, taskId, sampleId, label, count, bad, badValue);
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

    /**
     * The plan for {@code writer}: for each of its fields, which summary field it is ({@link #SKIP} for the others),
     * or {@link #RESOLVE} when any of the five is missing or written with another type than the current one.
     */
    private static int[] plan(Schema writer) {
        Schema current = LabelledSample.getClassSchema();
        if (writer.getType() != Schema.Type.RECORD || !writer.getFullName().equals(current.getFullName())) {
            return RESOLVE;
        }
        int[] plan = new int[writer.getFields().size()];
        int found = 0;
        for (Schema.Field field : writer.getFields()) {
            int slot = FIELDS.indexOf(field.name());
            if (slot >= 0) {
                Schema.Field ours = current.getField(field.name());
                if (ours == null || !ours.aliases().isEmpty() || !sameType(field.schema(), ours.schema())) {
                    return RESOLVE;
                }
                found++;
            }
            plan[field.pos()] = slot >= 0 ? slot : SKIP;
        }
        return found == FIELDS.size() ? plan : RESOLVE;
    }

    private static boolean sameType(Schema written, Schema read) {
        if (written.getType() != read.getType()) {
            return false;
        }
        return written.getType() != Schema.Type.ARRAY || written.getElementType().getType() == read.getElementType()
                .getType();
    }
}
