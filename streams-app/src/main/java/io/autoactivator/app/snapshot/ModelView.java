package io.autoactivator.app.snapshot;

import java.util.Collections;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;

import io.autoactivator.model.api.ClassIncrementalModel;

/**
 * One model's loaded versions and rollout state at one moment. Immutable: a change builds a new view that replaces
 * the old one with one reference swap, so a reader (a serving batch) sees one consistent state.
 *
 * @param versions loaded models by version
 * @param serving  version that answers queries (0: none yet)
 * @param pinned   true after PIN: new snapshots are loaded but not served until UNPIN or PROMOTE
 * @param shadow   version that also answers into the shadow topic (0: none)
 */
public record ModelView(String modelId, NavigableMap<Long, ClassIncrementalModel> versions, long serving,
    boolean pinned, long shadow) {

  public ModelView {
    versions = Collections.unmodifiableNavigableMap(new TreeMap<>(versions));
  }

  static ModelView empty(String modelId) {
    return new ModelView(modelId, new TreeMap<>(), 0, false, 0);
  }

  /** The serving model, or null. */
  public ClassIncrementalModel servingModel() {
    return versions.get(serving);
  }

  /** The model of {@code version}, or null when not loaded. */
  public ClassIncrementalModel model(long version) {
    return versions.get(version);
  }

  /** Loaded versions, ascending. */
  public List<Long> knownVersions() {
    return List.copyOf(versions.keySet());
  }

  /** The newest loaded version (0: none). */
  public long latest() {
    return versions.isEmpty() ? 0 : versions.lastKey();
  }

  ModelView withVersion(long version, ClassIncrementalModel model) {
    TreeMap<Long, ClassIncrementalModel> next = new TreeMap<>(versions);
    next.put(version, model);
    long nextServing = pinned ? serving : Math.max(serving, version);
    return new ModelView(modelId, next, nextServing, pinned, shadow);
  }

  /** Without the models of {@code versions} (evicted); serving and shadow stay as they are. */
  ModelView without(java.util.Set<Long> dropped) {
    TreeMap<Long, ClassIncrementalModel> next = new TreeMap<>(versions);
    next.keySet().removeAll(dropped);
    return new ModelView(modelId, next, serving, pinned, shadow);
  }

  ModelView withServing(long version, boolean pin) {
    return new ModelView(modelId, versions, version, pin, shadow);
  }

  ModelView withShadow(long version) {
    return new ModelView(modelId, versions, serving, pinned, version);
  }
}
