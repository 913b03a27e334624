package io.autoactivator.schemas.serde;

import org.apache.kafka.common.errors.SerializationException;

/**
 * The schema registry could not answer: unreachable, timed out, or replied with an error.
 *
 * <p>Separate from {@link RecordDecodingException} on purpose: a registry outage says nothing about the
 * record, so the app should fail (and retry after restart) rather than dead-letter good data. The message
 * names the HTTP method, URL and subject, the HTTP status and Confluent's {@code error_code} and
 * {@code message} when the registry sent them.
 */
public final class SchemaRegistryException extends SerializationException {

    private static final long serialVersionUID = 1L;

    /** Confluent's error code for "Schema not found" ({@code GET /schemas/ids/{id}}). */
    public static final int SCHEMA_NOT_FOUND = 40403;

    private final int httpStatus;
    private final int errorCode;

    SchemaRegistryException(String message, int httpStatus, int errorCode, Throwable cause) {
        super(message, cause);
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
    }

    /** The HTTP status the registry answered with, or -1 if no response arrived. */
    public int httpStatus() {
        return httpStatus;
    }

    /** Confluent's {@code error_code} from the response body, or -1 if there was none. */
    public int errorCode() {
        return errorCode;
    }

    /**
     * True if asking again may give another answer: no response, a timeout, throttling or a server error. Any other
     * answer (404, 401/403, a schema of another type such as Protobuf, a malformed schema) is about the id, and is the
     * same every time.
     */
    public boolean isTransient() {
        return httpStatus == -1 || httpStatus == 408 || httpStatus == 429 || httpStatus >= 500;
    }

    /** True if the registry said the schema id does not exist (as opposed to failing). */
    public boolean isSchemaNotFound() {
        return errorCode == SCHEMA_NOT_FOUND || (errorCode == -1 && httpStatus == 404);
    }
}
