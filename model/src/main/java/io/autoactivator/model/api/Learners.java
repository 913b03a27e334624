package io.autoactivator.model.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The catalogue of learners this build knows, by name. The list is explicit (not a service loader) so that a shaded
 * jar can never lose a learner silently.
 */
public final class Learners {

  private static final Map<String, LearnerProvider> PROVIDERS = new LinkedHashMap<>();

  static {
    for (LearnerProvider provider : builtIn()) {
      // Every learner sits behind the model's own input transform, the same way (TransformingProvider).
      PROVIDERS.put(provider.name(), io.autoactivator.model.transform.TransformingProvider.wrap(provider));
    }
  }

  private Learners() {
  }

  private static List<LearnerProvider> builtIn() {
    List<LearnerProvider> providers = new ArrayList<>();
    // Registered by each learner's package; keep the default (autoactivator) first.
    providers.add(io.autoactivator.model.autoactivator.AutoActivatorProvider.standard());
    providers.add(io.autoactivator.model.autoactivator.AutoActivatorProvider.paper());
    providers.addAll(io.autoactivator.model.baselines.Baselines.providers());
    return providers;
  }

  /** Names of all learners, the default first. */
  public static List<String> names() {
    return List.copyOf(PROVIDERS.keySet());
  }

  /** All providers, the default first. */
  public static Map<String, LearnerProvider> providers() {
    return Collections.unmodifiableMap(PROVIDERS);
  }

  /** The provider called {@code name}; throws with the list of known names when there is none. */
  public static LearnerProvider provider(String name) {
    LearnerProvider provider = PROVIDERS.get(name);
    if (provider == null) {
      throw new IllegalArgumentException("unknown learner '" + name + "'; known learners: " + names());
    }
    return provider;
  }

  /** Builds the learner called {@code name}. */
  public static IncrementalLearner create(String name, Map<String, String> options, long seed) {
    return provider(name).create(options, seed);
  }

  /** The codec for snapshots written by models of learner {@code name}. */
  public static ModelCodec codec(String name) {
    return provider(name).codec();
  }
}
