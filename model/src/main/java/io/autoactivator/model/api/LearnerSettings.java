package io.autoactivator.model.api;

import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What a snapshot's provenance header says about the model whose weights follow it: the learner's name, seed and
 * options, and the tasks and classes the model learned. It is handed to the learner's {@link ModelCodec} when it
 * reads the weights. The header is the one home of these: weights written by this build do not repeat them (the
 * weights of earlier builds did, and their codecs still read that copy).
 *
 * @param learner the learner's name ({@link Learners})
 * @param seed    the learner's seed
 * @param options the options the header records: the model's own canonical options
 *                ({@link ClassIncrementalModel#learnerSettings()}) and those the caller gave besides
 * @param tasks   the tasks learned, oldest first ({@link ClassIncrementalModel#tasks()}); empty where the weights
 *                carry their own list
 * @param classes every class, in score-column order ({@link ClassIncrementalModel#classes()}); empty likewise
 */
public record LearnerSettings(String learner, long seed, Map<String, String> options, List<LearnedTask> tasks,
    int[] classes) {

  /** How {@link ClassIncrementalModel#learnerSettings()} names an option. */
  private static final String OPTION_PREFIX = "option.";

  public LearnerSettings {
    Objects.requireNonNull(learner, "learner");
    options = Collections.unmodifiableMap(new TreeMap<>(options));
    tasks = tasks.stream().map(t -> new LearnedTask(t.taskId(), t.classes().clone(), t.units())).toList();
    classes = classes.clone();
  }

  /** The learner's name, seed and options without the tasks learned: weights that carry their own list. */
  public LearnerSettings(String learner, long seed, Map<String, String> options) {
    this(learner, seed, options, List.of(), new int[0]);
  }

  /**
   * What {@code model} reports about itself ({@link ClassIncrementalModel#learnerSettings()}): its seed and
   * canonical options, seed 0 and no options for a model that does not know them; and its tasks and classes. What
   * a header written for {@code model} says, less the options a caller gave besides.
   */
  public static LearnerSettings of(ClassIncrementalModel model) {
    Map<String, String> settings = model.learnerSettings();
    Map<String, String> options = new TreeMap<>();
    settings.forEach((key, value) -> {
      if (key.startsWith(OPTION_PREFIX)) {
        options.put(key.substring(OPTION_PREFIX.length()), value);
      }
    });
    String seed = settings.get("seed");
    return new LearnerSettings(model.learner(), seed == null ? 0 : Long.parseLong(seed), options, model.tasks(),
        model.classes());
  }

  /**
   * The recorded options among {@code keys}: a header may record options its writer gave beside the learner's own
   * (a deployment label, the input transform's), which are not the learner's to read.
   */
  public Map<String, String> optionsAmong(Collection<String> keys) {
    Map<String, String> own = new TreeMap<>(options);
    own.keySet().retainAll(keys);
    return own;
  }

  @Override
  public int[] classes() {
    return classes.clone();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof LearnerSettings s && learner.equals(s.learner) && seed == s.seed
        && options.equals(s.options) && Arrays.equals(classes, s.classes) && tasks.equals(s.tasks);
  }

  @Override
  public int hashCode() {
    return Objects.hash(learner, seed, options, Arrays.hashCode(classes), tasks);
  }

  @Override
  public String toString() {
    return "LearnerSettings[learner=" + learner + ", seed=" + seed + ", options=" + options + ", tasks="
        + tasks.stream().map(LearnedTask::taskId).toList() + ", classes=" + Arrays.toString(classes) + "]";
  }
}
