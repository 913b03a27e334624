package io.autoactivator.schemas.serde;

import org.apache.avro.Schema;

/**
 * The two questions the Confluent framing asks a schema registry.
 *
 * <p>An interface so the framing does not care whether answers come over HTTP or from a cache.
 * Implementations must be thread-safe; both methods throw {@link SchemaRegistryException}.
 */
public interface SchemaRegistryClient {

    /** Registers {@code schema} under {@code subject} (idempotent) and returns its global id. */
    int register(String subject, Schema schema);

    /** Returns the schema with global id {@code id}. */
    Schema schemaById(int id);
}
