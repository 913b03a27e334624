package io.autoactivator.app.snapshot;

import java.io.IOException;

import io.autoactivator.model.api.ClassIncrementalModel;
import io.autoactivator.model.snapshot.Provenance;

/**
 * Turns a model into snapshot payload bytes and back. The app depends on this seam, not on a format class, so the
 * payload format (with its own provenance header) is the model module's business.
 */
public interface SnapshotCodec {

  /** The payload of {@code model}; deterministic: the same model and provenance give the same bytes. */
  byte[] write(ClassIncrementalModel model, Provenance provenance) throws IOException;

  /** The model in {@code payload}; throws with a clear message when the bytes are not a snapshot. */
  ClassIncrementalModel read(byte[] payload) throws IOException;

  /**
   * Throws when the payload's own provenance does not name {@code modelId} and {@code version}: the header that
   * announced it is written by whoever can write to the topic, so model A's payload must not install as model B.
   */
  default void checkProvenance(byte[] payload, String modelId, long version) throws IOException {
  }

  /** Checksum of a payload as {@code <algorithm>:<lowercase hex>}. */
  String checksum(byte[] payload);
}
