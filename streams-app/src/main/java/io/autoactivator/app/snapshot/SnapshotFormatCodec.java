package io.autoactivator.app.snapshot;

import java.io.IOException;

import io.autoactivator.model.api.ClassIncrementalModel;
import io.autoactivator.model.snapshot.Provenance;
import io.autoactivator.model.snapshot.SnapshotBytes;
import io.autoactivator.model.snapshot.SnapshotFormat;
import io.autoactivator.model.snapshot.SnapshotFormatException;

/**
 * Snapshot payloads in the model module's {@link SnapshotFormat}: a provenance header (model id, version, parent,
 * learner, seed, options, config hash, tasks, classes, data offsets, code version) and the learner's weights, with
 * no timestamp, so retraining the same task on the same parent gives the same bytes.
 */
public final class SnapshotFormatCodec implements SnapshotCodec {

  @Override
  public SnapshotBytes encode(ClassIncrementalModel model, Provenance provenance) {
    return SnapshotFormat.encode(model, provenance);
  }

  @Override
  public SnapshotBytes open(byte[] payload) {
    return SnapshotFormat.open(payload);
  }

  @Override
  public ClassIncrementalModel read(SnapshotBytes payload) throws IOException {
    try {
      return payload.read().model();
    } catch (SnapshotFormatException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  @Override
  public void checkProvenance(SnapshotBytes payload, String modelId, long version) throws IOException {
    Provenance provenance;
    try {
      provenance = payload.provenance();
    } catch (SnapshotFormatException e) {
      throw new IOException(e.getMessage(), e);
    }
    if (!provenance.modelId().equals(modelId) || provenance.version() != version) {
      throw new IOException("the payload is model " + provenance.modelId() + " version " + provenance.version()
          + ", its header says " + modelId + " version " + version);
    }
  }
}
