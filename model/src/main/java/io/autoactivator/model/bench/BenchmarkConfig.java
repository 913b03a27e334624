package io.autoactivator.model.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What to run.
 *
 * @param tasks              number of tasks N
 * @param classesPerTask     classes per task k (0 = number of classes / N)
 * @param orders             class orders K: order 0 is the natural order, order o > 0 a permutation seeded by
 *                           {@code seed + o}
 * @param methods            learner names ({@link io.autoactivator.model.api.Learners}); AutoActivator variants run
 *                           first in each order whatever their position here
 * @param seed               learners' seed (the same in every order, so orders differ only by class order)
 * @param options            per learner name, its options ({@code --option learner.key=value})
 * @param trainLimitPerClass keep only the first N training rows of each class (0 = all)
 * @param standardize        also standardise features with task 0's training statistics before the learners (which
 *                           transform their input themselves): null or false = no
 */
public record BenchmarkConfig(int tasks, int classesPerTask, int orders, List<String> methods, long seed,
    Map<String, Map<String, String>> options, int trainLimitPerClass, Boolean standardize) {

  public BenchmarkConfig {
    if (tasks < 1 || orders < 1 || classesPerTask < 0 || trainLimitPerClass < 0) {
      throw new IllegalArgumentException("tasks and orders must be >= 1, classes per task and train limit >= 0");
    }
    if (methods.isEmpty()) {
      throw new IllegalArgumentException("no method to run");
    }
    methods = List.copyOf(methods);
    Map<String, Map<String, String>> copy = new LinkedHashMap<>();
    options.forEach((k, v) -> copy.put(k, Map.copyOf(v)));
    options = Map.copyOf(copy);
  }

  /** The options of {@code method} (empty when none were given). */
  public Map<String, String> optionsOf(String method) {
    return options.getOrDefault(method, Map.of());
  }
}
