package io.autoactivator.schemas.serde;

import java.io.IOException;
import java.util.List;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;

import io.autoactivator.schemas.LabelledSample;

/**
 * Reads a {@link SampleSummary} from a {@link LabelledSample}'s body without building the sample: the feature array
 * is read block by block as raw little-endian floats ({@link FloatBlocks}) and only checked for finiteness, where
 * Avro's record reader calls {@code readFloat} once per value and boxes each into a {@code List<Float>} (29 % of the
 * ingest stream thread's CPU in session 4, BENCHMARKS.md).
 *
 * <p>The wire contract is unchanged: the framing still checks the header, finds the writer schema (released
 * fingerprints, or the registry's id) and maps every failure to the same {@link RecordDecodingException}. The body
 * is read field by field in the writer schema's order; the fields the summary needs are read directly when the
 * writer wrote them with exactly the current types (string ids, int label, array of float), and every other field
 * is skipped by Avro itself. A writer schema that differs in any of those five fields (a promotion, a union, a
 * missing field) is read by Avro's resolving reader into the whole record, and summarised from it
 * ({@link FieldPlan}).
 */
public final class SampleSummaryReader implements BodyReader<LabelledSample, SampleSummary> {

    /** Stateless and thread-safe. */
    public static final SampleSummaryReader INSTANCE = new SampleSummaryReader();

    private static final int MODEL = 0;
    private static final int TASK = 1;
    private static final int SAMPLE = 2;
    private static final int LABEL = 3;
    private static final int FEATURES = 4;
    private static final FieldPlan PLAN = new FieldPlan(LabelledSample.getClassSchema(),
            List.of("modelId", "taskId", "sampleId", "label", "features"));

    private SampleSummaryReader() {
    }

    @Override
    public SampleSummary read(Schema writer, DatumReader<LabelledSample> resolving, BinaryDecoder body)
            throws IOException {
        int[] plan = PLAN.of(writer);
        if (plan == null) {
            return SampleSummary.of(resolving.read(null, body));
        }
        String modelId = null;
        String taskId = null;
        String sampleId = null;
        int label = 0;
        FloatBlocks.Finiteness features = null;
        List<Schema.Field> fields = writer.getFields();
        for (int i = 0; i < plan.length; i++) {
            switch (plan[i]) {
                case MODEL -> modelId = body.readString();
                case TASK -> taskId = body.readString();
                case SAMPLE -> sampleId = body.readString();
                case LABEL -> label = body.readInt();
                case FEATURES -> features = FloatBlocks.scan(body);
                default -> GenericDatumReader.skip(fields.get(i).schema(), body);
            }
        }
        return new SampleSummary(modelId, taskId, sampleId, label, features.count(), features.firstNonFinite(),
                features.nonFiniteValue());
    }
}
