package io.autoactivator.model.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * The catalogue of learners this build knows, by name. The learner packages register themselves as a
 * {@link Catalogue} in {@code META-INF/services} (this package names no implementation, so it stays at the bottom of
 * the module). A build that finds no learner at all fails at once, so a shaded jar that lost the services file
 * cannot go unnoticed.
 */
public final class Learners {

  /** One registration: the providers of a group of learners, in order (the default learner first). */
  public interface Catalogue {
    List<LearnerProvider> providers();
  }

  private static final Map<String, LearnerProvider> PROVIDERS = new LinkedHashMap<>();

  static {
    for (LearnerProvider provider : builtIn()) {
      PROVIDERS.put(provider.name(), provider);
    }
  }

  private Learners() {
  }

  private static List<LearnerProvider> builtIn() {
    List<LearnerProvider> providers = new ArrayList<>();
    for (Catalogue catalogue : ServiceLoader.load(Catalogue.class, Learners.class.getClassLoader())) {
      providers.addAll(catalogue.providers());
    }
    if (providers.isEmpty()) {
      throw new IllegalStateException("no learner found: META-INF/services/" + Catalogue.class.getName()
          + " is missing from the class path");
    }
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
