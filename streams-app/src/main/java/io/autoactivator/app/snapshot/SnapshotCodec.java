package io.autoactivator.app.snapshot;

import java.io.IOException;

import io.autoactivator.model.api.ClassIncrementalModel;
import io.autoactivator.model.snapshot.Provenance;
import io.autoactivator.model.snapshot.SnapshotBytes;

/**
 * Turns a model into snapshot payload bytes and back. The app depends on this seam, not on a format class, so the
 * payload format (with its own provenance header) is the model module's business. The payload's checksum is
 * computed once, by the codec, as it writes or opens the bytes ({@link SnapshotBytes}): the header built from it,
 * the assembler's check, the provenance check and the decoding all use that one result.
 */
public interface SnapshotCodec {

  /** The payload of {@code model} and its checksum; deterministic: the same model and provenance give the same bytes. */
  SnapshotBytes encode(ClassIncrementalModel model, Provenance provenance);

  /** Payload bytes read back, with their checksum; never throws (bytes that are not a snapshot still have one). */
  SnapshotBytes open(byte[] payload);

  /** The model in an opened payload; throws with a clear message when the bytes are not a snapshot. */
  ClassIncrementalModel read(SnapshotBytes payload) throws IOException;

  /**
   * Throws when the payload's own provenance does not name {@code modelId} and {@code version}: the header that
   * announced it is written by whoever can write to the topic, so model A's payload must not install as model B.
   */
  void checkProvenance(SnapshotBytes payload, String modelId, long version) throws IOException;

  /** The payload bytes of {@code model} ({@link #encode}'s bytes). */
  default byte[] write(ClassIncrementalModel model, Provenance provenance) {
    return encode(model, provenance).bytes();
  }

  /** Checksum of a payload as {@code <algorithm>:<lowercase hex>} ({@link #open}'s checksum). */
  default String checksum(byte[] payload) {
    return open(payload).checksum();
  }
}
