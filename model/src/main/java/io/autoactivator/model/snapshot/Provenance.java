package io.autoactivator.model.snapshot;

import io.autoactivator.model.api.ClassIncrementalModel;
import io.autoactivator.model.api.LearnedTask;
import io.autoactivator.model.api.LearnerSettings;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Where a snapshot came from: everything needed to reproduce or audit a model version, written in the snapshot
 * header (no timestamp, so equal models give equal bytes).
 *
 * @param modelId        the model's stable name (one per learning sequence)
 * @param version        this version, increasing by one per learned task or retrain
 * @param parentVersion  the version this one was learned on top of, or null for the first
 * @param learner        the learner's name (keys the weights codec)
 * @param seed           the learner's seed
 * @param options        the learner's options (canonical, all keys)
 * @param configHash     the learner's configuration hash
 * @param tasks          the tasks learned, oldest first (id, classes, units)
 * @param classes        every class, in score-column order
 * @param parameterCount stored parameters
 * @param dataOffsets    e.g. topic-partition to the next offset to consume, so training can resume exactly
 * @param codeVersion    the build that wrote it
 */
public record Provenance(String modelId, long version, Long parentVersion, String learner, long seed,
    Map<String, String> options, String configHash, List<LearnedTask> tasks, int[] classes, long parameterCount,
    Map<String, Long> dataOffsets, String codeVersion) {

  public Provenance {
    Objects.requireNonNull(modelId, "modelId");
    Objects.requireNonNull(learner, "learner");
    Objects.requireNonNull(configHash, "configHash");
    Objects.requireNonNull(codeVersion, "codeVersion");
    options = java.util.Collections.unmodifiableMap(new TreeMap<>(options));
    tasks = tasks.stream().map(t -> new LearnedTask(t.taskId(), t.classes().clone(), t.units())).toList();
    classes = classes.clone();
    dataOffsets = java.util.Collections.unmodifiableMap(new TreeMap<>(dataOffsets));
  }

  /**
   * The provenance of {@code model}: tasks, classes and parameter count, and the learner's options, seed and
   * configuration hash ({@link ClassIncrementalModel#learnerSettings()}), are taken from the model.
   */
  public static Provenance of(ClassIncrementalModel model, String modelId, long version, Long parentVersion,
      Map<String, Long> dataOffsets, String codeVersion) {
    Map<String, String> settings = model.learnerSettings();
    if (!knowsItsSettings(model) || !settings.containsKey("configHash")) {
      throw new IllegalArgumentException("learner " + model.learner() + ": give its options, seed and config hash"
          + " with the other factory");
    }
    LearnerSettings own = LearnerSettings.of(model);
    return new Provenance(modelId, version, parentVersion, model.learner(), own.seed(), own.options(),
        settings.get("configHash"), model.tasks(), model.classes(), model.parameterCount(), dataOffsets,
        codeVersion);
  }

  /**
   * The provenance of {@code model} with the learner's configuration given by the caller (the options as configured,
   * the learner's configuration hash). Where the model knows its own settings
   * ({@link ClassIncrementalModel#learnerSettings()}), its seed and its canonical option values win over the given
   * ones: the header is the one home of the settings the weights are read back with, so it records the model's.
   */
  public static Provenance of(ClassIncrementalModel model, String modelId, long version, Long parentVersion, long seed,
      Map<String, String> options, String configHash, Map<String, Long> dataOffsets, String codeVersion) {
    Map<String, String> recorded = new TreeMap<>(options);
    long recordedSeed = seed;
    if (knowsItsSettings(model)) {
      LearnerSettings own = LearnerSettings.of(model);
      recorded.putAll(own.options());
      recordedSeed = own.seed();
    }
    return new Provenance(modelId, version, parentVersion, model.learner(), recordedSeed, recorded, configHash,
        model.tasks(), model.classes(), model.parameterCount(), dataOffsets, codeVersion);
  }

  /**
   * The learner's name, seed and options and the tasks and classes learned: what the learner's codec reads the
   * weights with.
   */
  public LearnerSettings learnerSettings() {
    return new LearnerSettings(learner, seed, options, tasks, classes);
  }

  /**
   * Throws when the record does not carry {@code model}'s own seed and option values: the weights do not repeat
   * them, so a header that said otherwise would read the weights back as another model.
   */
  void checkSettingsOf(ClassIncrementalModel model) {
    if (!knowsItsSettings(model)) {
      return;
    }
    LearnerSettings own = LearnerSettings.of(model);
    if (own.seed() != seed) {
      throw new IllegalArgumentException("the provenance records seed " + seed + ", the model was built with "
          + own.seed());
    }
    own.options().forEach((key, value) -> {
      if (!value.equals(options.get(key))) {
        throw new IllegalArgumentException("the provenance records option " + key + "=" + options.get(key)
            + ", the model was built with " + value);
      }
    });
  }

  private static boolean knowsItsSettings(ClassIncrementalModel model) {
    return model.learnerSettings().containsKey("seed");
  }

  @Override
  public int[] classes() {
    return classes.clone();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Provenance p && modelId.equals(p.modelId) && version == p.version
        && Objects.equals(parentVersion, p.parentVersion) && learner.equals(p.learner) && seed == p.seed
        && options.equals(p.options) && configHash.equals(p.configHash) && tasks.equals(p.tasks)
        && Arrays.equals(classes, p.classes) && parameterCount == p.parameterCount
        && dataOffsets.equals(p.dataOffsets) && codeVersion.equals(p.codeVersion);
  }

  @Override
  public int hashCode() {
    return Objects.hash(modelId, version, learner, seed, configHash, Arrays.hashCode(classes));
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder();
    text.append("model ").append(modelId).append(" version ").append(version)
        .append(parentVersion == null ? " (first)" : " (parent " + parentVersion + ")").append('\n');
    text.append("learner ").append(learner).append(", seed ").append(seed).append(", config ").append(configHash)
        .append('\n');
    text.append("options ").append(options).append('\n');
    for (LearnedTask task : tasks) {
      text.append("task ").append(task.taskId()).append(": classes ").append(Arrays.toString(task.classes()))
          .append(", units ").append(task.units()).append('\n');
    }
    text.append("classes ").append(Arrays.toString(classes)).append(", parameters ").append(parameterCount)
        .append('\n');
    text.append("data offsets ").append(dataOffsets).append(", code ").append(codeVersion);
    return text.toString();
  }
}
