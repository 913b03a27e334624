package io.autoactivator.app.snapshot;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.autoactivator.model.api.ClassIncrementalModel;
import io.autoactivator.schemas.ModelAction;
import io.autoactivator.schemas.ModelSnapshot;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The writable side of {@link ModelRegistry}: the snapshot follower installs versions and applies rollout commands
 * here. Each model has one {@link AtomicReference} to an immutable {@link ModelView}; a change is one
 * compare-and-set, so a prediction batch always uses exactly one version.
 *
 * <p>Memory stays bounded however many versions a model publishes: each model keeps its newest
 * {@code serving.retained.versions} versions (what rollback needs) plus the serving and shadow versions; every other
 * version is evicted with its header. An evicted version stays known as loaded ({@link #loaded}), so its chunks,
 * when read again, are not assembled a second time, but it can no longer serve: a command naming it finds no model.
 */
public final class ModelCatalog implements ModelRegistry {

  private static final Logger LOG = LoggerFactory.getLogger(ModelCatalog.class);

  private final Map<String, AtomicReference<ModelView>> models = new ConcurrentHashMap<>();
  private final MeterRegistry meters;
  private final Map<String, ModelSnapshot> headers = new ConcurrentHashMap<>();
  private final Map<String, VersionRanges> evicted = new ConcurrentHashMap<>();
  private final int retainedVersions;
  private final Counter evictions;
  /** Record timestamps of the retained versions' snapshots, by {@code <model>/<version>} (evicted with them). */
  private final Map<String, Long> publishedAt = new ConcurrentHashMap<>();
  private volatile long followedUntil = Long.MAX_VALUE;

  /** A catalog that keeps every version (tools and tests that load a handful). */
  public ModelCatalog(MeterRegistry meters) {
    this(meters, Integer.MAX_VALUE);
  }

  /** @param retainedVersions newest versions kept per model besides the serving and shadow ones (at least 1) */
  public ModelCatalog(MeterRegistry meters, int retainedVersions) {
    if (retainedVersions < 1) {
      throw new IllegalArgumentException("retainedVersions must be at least 1, was " + retainedVersions);
    }
    this.meters = meters;
    this.retainedVersions = retainedVersions;
    this.evictions = Counter.builder("autoactivator.model.versions.evicted")
        .description("loaded model versions dropped from memory (serving.retained.versions)").register(meters);
  }

  @Override
  public Set<String> modelIds() {
    return Set.copyOf(models.keySet());
  }

  @Override
  public Optional<ModelView> view(String modelId) {
    AtomicReference<ModelView> ref = models.get(modelId);
    return ref == null ? Optional.empty() : Optional.of(ref.get());
  }

  @Override
  public long followedUntil() {
    return followedUntil;
  }

  /** The follower has read the snapshot topic up to {@code wallClockMs} (0: not yet at all). */
  public void followedUntil(long wallClockMs) {
    followedUntil = wallClockMs;
  }

  @Override
  public OptionalLong publishedAt(String modelId, long version) {
    Long at = publishedAt.get(modelId + "/" + version);
    return at == null ? OptionalLong.empty() : OptionalLong.of(at);
  }

  /** {@code version} of {@code modelId} was loaded from a snapshot record with {@code timestamp}. */
  public void published(String modelId, long version, long timestamp) {
    publishedAt.put(modelId + "/" + version, timestamp);
  }

  /** Adds a loaded version; it serves at once unless the model is pinned. */
  public void install(String modelId, long version, ClassIncrementalModel model) {
    install(modelId, version, model, null);
  }

  /** Adds a loaded version with the metadata of its snapshot records (payload emptied). */
  public void install(String modelId, long version, ClassIncrementalModel model, ModelSnapshot header) {
    if (header != null) {
      headers.put(modelId + "/" + version, header);
    }
    ModelView view = update(modelId, v -> v.withVersion(version, model));
    LOG.info("model {} version {} loaded ({} parameters); serving version {}{}", modelId, version,
        model.parameterCount(), view.serving(), view.pinned() ? " (pinned)" : "");
    evictUnneeded(modelId);
  }

  /** True when {@code version} was installed here, whether it is still in memory or was evicted since. */
  @Override
  public boolean loaded(String modelId, long version) {
    if (view(modelId).map(v -> v.model(version) != null).orElse(false)) {
      return true;
    }
    VersionRanges gone = evicted.get(modelId);
    return gone != null && gone.contains(version);
  }

  /** The snapshot metadata of one loaded version, if it came from the snapshot topic. */
  @Override
  public Optional<ModelSnapshot> header(String modelId, long version) {
    return Optional.ofNullable(headers.get(modelId + "/" + version));
  }

  /**
   * Applies a rollout command. Returns false, changing nothing, when the version it names is not loaded (yet).
   *
   * @param target the command's version, or null for the action's default
   */
  public boolean apply(String modelId, ModelAction action, Long target) {
    ModelView current = view(modelId).orElse(null);
    if (current == null) {
      return false;
    }
    long resolved = switch (action) {
      case PROMOTE -> target == null ? current.latest() : target;
      case ROLLBACK -> target != null ? target : previous(current);
      case PIN -> target == null ? current.serving() : target;
      case UNPIN -> current.latest();
      case SHADOW -> target == null ? current.latest() : target;
      case UNSHADOW -> 0;
    };
    if (action != ModelAction.UNSHADOW && current.model(resolved) == null) {
      return false;
    }
    ModelView next = update(modelId, v -> switch (action) {
      case PROMOTE, ROLLBACK -> v.withServing(resolved, v.pinned());
      case PIN -> v.withServing(resolved, true);
      case UNPIN -> v.withServing(resolved, false);
      case SHADOW, UNSHADOW -> v.withShadow(resolved);
    });
    LOG.info("model {}: {} {} -> serving {}{}, shadow {}", modelId, action, target, next.serving(),
        next.pinned() ? " (pinned)" : "", next.shadow());
    evictUnneeded(modelId);
    return true;
  }

  /**
   * Sets the rollout state decided from the command and snapshot logs ({@code PendingCommands}): one swap. A serving
   * version not loaded (evicted) changes neither the serving version nor the pin, so a prediction never meets a
   * missing model and a PIN of an evicted version does not pin whatever happens to serve.
   */
  void decide(String modelId, long serving, boolean pinned, long shadow) {
    ModelView before = view(modelId).orElse(null);
    if (serving > 0 && before != null && before.model(serving) == null && loaded(modelId, serving)) {
      LOG.warn("model {}: version {} should serve, but it was evicted (serving.retained.versions={}); version {}"
          + " keeps serving", modelId, serving, retainedVersions, before.serving());
    }
    ModelView next = update(modelId, v -> {
      boolean servable = serving > 0 && v.model(serving) != null;
      long sh = shadow == 0 || v.model(shadow) != null ? shadow : v.shadow();
      return new ModelView(modelId, v.versions(), servable ? serving : v.serving(),
          servable ? pinned : v.pinned(), sh);
    });
    if (before == null || before.serving() != next.serving() || before.pinned() != next.pinned()
        || before.shadow() != next.shadow()) {
      LOG.info("model {}: serving {}{}, shadow {}", modelId, next.serving(), next.pinned() ? " (pinned)" : "",
          next.shadow());
    }
    evictUnneeded(modelId);
  }

  /** Drops the versions of {@code modelId} that are neither among the newest retained nor serving nor shadow. */
  private void evictUnneeded(String modelId) {
    ModelView current = view(modelId).orElse(null);
    if (current == null || current.versions().size() <= retainedVersions) {
      return;
    }
    Set<Long> drop = new TreeSet<>();
    int newer = 0;
    for (long version : current.versions().descendingKeySet()) {
      if (newer++ >= retainedVersions && version != current.serving() && version != current.shadow()) {
        drop.add(version);
      }
    }
    if (drop.isEmpty()) {
      return;
    }
    VersionRanges gone = evicted.computeIfAbsent(modelId, id -> new VersionRanges());
    drop.forEach(gone::add);
    update(modelId, v -> v.without(drop));
    drop.forEach(version -> {
      headers.remove(modelId + "/" + version);
      publishedAt.remove(modelId + "/" + version);
    });
    evictions.increment(drop.size());
    LOG.info("model {}: versions {} evicted from memory (serving.retained.versions={}; serving {}, shadow {})",
        modelId, drop, retainedVersions, current.serving(), current.shadow());
  }

  private static long previous(ModelView view) {
    Long lower = view.versions().lowerKey(view.serving());
    return lower == null ? -1 : lower;
  }

  private ModelView update(String modelId, UnaryOperator<ModelView> change) {
    AtomicReference<ModelView> ref = models.computeIfAbsent(modelId, id -> {
      AtomicReference<ModelView> created = new AtomicReference<>(ModelView.empty(id));
      Gauge.builder("autoactivator.model.version", created, r -> r.get().serving())
          .description("model version answering queries").tag("model", id).strongReference(true).register(meters);
      Gauge.builder("autoactivator.model.units", created, r -> {
        ClassIncrementalModel m = r.get().servingModel();
        return m == null ? 0 : m.units();
      }).description("hidden units of the serving version").tag("model", id).strongReference(true).register(meters);
      return created;
    });
    return ref.updateAndGet(change);
  }
}
