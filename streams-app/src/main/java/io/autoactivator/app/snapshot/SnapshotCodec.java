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

  /** Checksum of a payload as {@code <algorithm>:<lowercase hex>}. */
  String checksum(byte[] payload);
}
