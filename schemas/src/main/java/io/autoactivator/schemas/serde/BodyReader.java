package io.autoactivator.schemas.serde;

import java.io.IOException;

import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;

/**
 * Reads the Avro body of one record once its framing (single-object header, or registry id) has named the writer
 * schema. The framing owns everything around it: the header checks, the writer schema's lookup and compatibility,
 * the trailing-bytes check and the mapping of failures to {@link RecordDecodingException}s; a body reader only
 * decides what to make of the body.
 *
 * <p>Why: most readers want the whole generated record ({@link #whole()}), but a consumer that needs a few fields of
 * a large record (the ingest path needs a sample's ids, label and whether its 784 floats are finite, not a boxed
 * {@code List<Float>}) can read exactly that under the same wire contract. See {@link SampleSummaryReader}.
 *
 * @param <T> the generated record class the framing resolves writers against
 * @param <V> what this reader makes of a body
 */
@FunctionalInterface
public interface BodyReader<T, V> {

    /**
     * @param writer    the schema that wrote the bytes (a released one, the current one, or the registry's)
     * @param resolving Avro's reader of {@code writer} into the current generated class, for whatever the body
     *                  reader does not read itself
     * @param body      positioned at the first byte of the body
     */
    V read(Schema writer, DatumReader<T> resolving, BinaryDecoder body) throws IOException;

    /** The whole generated record, resolved by Avro. */
    static <T> BodyReader<T, T> whole() {
        return (writer, resolving, body) -> resolving.read(null, body);
    }
}
