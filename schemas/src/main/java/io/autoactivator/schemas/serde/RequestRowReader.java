package io.autoactivator.schemas.serde;

import java.io.IOException;
import java.util.List;

import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;

import io.autoactivator.schemas.PredictionRequest;

/**
 * Reads a {@link RequestRow} from a {@link PredictionRequest}'s body without building the request: the features go
 * straight from the bytes into a {@code float[]} ({@link FloatBlocks}), where Avro's record reader boxes each value
 * into a {@code List<Float>} that the serving path then copied into an array (4.5-10 us per 784-feature request
 * and the serving consumer's largest garbage, session 6 in BENCHMARKS.md).
 *
 * <p>The same wire contract and the same failures as the whole-record decoder: the framing checks the header and
 * finds the writer schema, and maps every failure to the same {@link RecordDecodingException} reason. The wanted
 * fields are read directly when the writer wrote them with exactly the current types ({@link FieldPlan}), the others
 * are skipped by Avro; any other writer is read by Avro's resolving reader and converted.
 */
public final class RequestRowReader implements BodyReader<PredictionRequest, RequestRow> {

    /** Stateless and thread-safe. */
    public static final RequestRowReader INSTANCE = new RequestRowReader();

    private static final int REQUEST = 0;
    private static final int MODEL = 1;
    private static final int FEATURES = 2;
    private static final int PINNED = 3;
    private static final FieldPlan PLAN = new FieldPlan(PredictionRequest.getClassSchema(),
            List.of("requestId", "modelId", "features", "pinnedVersion"));
    /** The current schema's branches of {@code pinnedVersion} (the plan admits only writers with the same). */
    private static final int PINNED_LONG = PredictionRequest.getClassSchema().getField("pinnedVersion").schema()
            .getIndexNamed(Schema.Type.LONG.getName());

    private RequestRowReader() {
    }

    @Override
    public RequestRow read(Schema writer, DatumReader<PredictionRequest> resolving, BinaryDecoder body)
            throws IOException {
        int[] plan = PLAN.of(writer);
        if (plan == null) {
            return RequestRow.of(resolving.read(null, body));
        }
        String requestId = null;
        String modelId = null;
        float[] features = null;
        Long pinned = null;
        List<Schema.Field> fields = writer.getFields();
        for (int i = 0; i < plan.length; i++) {
            switch (plan[i]) {
                case REQUEST -> requestId = body.readString();
                case MODEL -> modelId = body.readString();
                case FEATURES -> features = FloatBlocks.read(body);
                case PINNED -> pinned = pinnedVersion(body);
                default -> GenericDatumReader.skip(fields.get(i).schema(), body);
            }
        }
        return new RequestRow(requestId, modelId, features, pinned);
    }

    private static Long pinnedVersion(BinaryDecoder body) throws IOException {
        int branch = body.readIndex();
        if (branch == PINNED_LONG) {
            return body.readLong();
        }
        if (branch != 1 - PINNED_LONG) {
            // Avro's reader fails here too (an index outside the union), and the framing calls it malformed
            throw new AvroRuntimeException("Malformed data: union index " + branch + " of a 2-branch union");
        }
        return null;
    }
}
