package io.autoactivator.model.snapshot;

import io.autoactivator.model.api.ClassIncrementalModel;

/** A model read back from snapshot bytes, with where it came from. */
public record Snapshot(Provenance provenance, ClassIncrementalModel model) {
}
