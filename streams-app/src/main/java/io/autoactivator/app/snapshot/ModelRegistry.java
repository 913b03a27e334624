package io.autoactivator.app.snapshot;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

import io.autoactivator.model.api.ClassIncrementalModel;
import io.autoactivator.schemas.ModelSnapshot;

/**
 * Read-only view of the models this instance has loaded from the snapshot topic, per model id: the serving version,
 * the known versions and the shadow version. Every instance builds the same registry from the same log.
 */
public interface ModelRegistry {

  /** Ids of every model with at least one loaded version. */
  Set<String> modelIds();

  /** The current view of one model. */
  Optional<ModelView> view(String modelId);

  /** The version answering queries for {@code modelId}, if any. */
  default OptionalLong servingVersion(String modelId) {
    return view(modelId).filter(v -> v.serving() > 0).map(v -> OptionalLong.of(v.serving()))
        .orElse(OptionalLong.empty());
  }

  /** Versions of {@code modelId} loaded here and still in memory (not evicted), ascending. */
  default List<Long> knownVersions(String modelId) {
    return view(modelId).map(ModelView::knownVersions).orElse(List.of());
  }

  /**
   * True when this instance verified and loaded {@code version} of {@code modelId}, even if it has been evicted from
   * memory since (only the newest versions and the serving ones stay loaded).
   */
  default boolean loaded(String modelId, long version) {
    return knownVersions(modelId).contains(version);
  }

  /** The shadow version of {@code modelId}, if one is set. */
  default OptionalLong shadowVersion(String modelId) {
    return view(modelId).filter(v -> v.shadow() > 0).map(v -> OptionalLong.of(v.shadow()))
        .orElse(OptionalLong.empty());
  }

  /**
   * The metadata (payload emptied) of a version this instance verified and loaded from the snapshot topic: the
   * only proof that a snapshot exists, since anyone who can write the topic can write a final chunk.
   */
  default Optional<ModelSnapshot> header(String modelId, long version) {
    return Optional.empty();
  }

  /**
   * The wall-clock time (ms) up to which this instance has read the snapshot topic: every snapshot record written
   * before it has been loaded (or refused) here. A registry no follower fills (tools, tests) is complete as it is:
   * {@link Long#MAX_VALUE}.
   */
  default long followedUntil() {
    return Long.MAX_VALUE;
  }

  /** The record timestamp of the snapshot that loaded {@code version} of {@code modelId}, if known. */
  default OptionalLong publishedAt(String modelId, long version) {
    return OptionalLong.empty();
  }

  /** The model of one version, if loaded. */
  default Optional<ClassIncrementalModel> model(String modelId, long version) {
    return view(modelId).map(v -> v.model(version));
  }
}
