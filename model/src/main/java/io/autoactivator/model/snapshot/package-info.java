/**
 * Snapshots: a model plus its provenance as self-describing, versioned, checksummed bytes
 * ({@link io.autoactivator.model.snapshot.SnapshotFormat}), published by the streaming app and printed by
 * {@code snapshots inspect} ({@link io.autoactivator.model.snapshot.SnapshotFormat#readHeader}).
 */
package io.autoactivator.model.snapshot;
