package io.autoactivator.model.api;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The learner's name, seed and options as a snapshot's provenance header records them, handed to the learner's
 * {@link ModelCodec} when it reads the weights. The header is their one home: weights written by this build do not
 * repeat them (the weights of earlier builds did, and their codecs still read that copy).
 *
 * @param learner the learner's name ({@link Learners})
 * @param seed    the learner's seed
 * @param options the options the header records: the model's own canonical options
 *                ({@link ClassIncrementalModel#learnerSettings()}) and those the caller gave besides
 */
public record LearnerSettings(String learner, long seed, Map<String, String> options) {

  /** How {@link ClassIncrementalModel#learnerSettings()} names an option. */
  private static final String OPTION_PREFIX = "option.";

  public LearnerSettings {
    Objects.requireNonNull(learner, "learner");
    options = Collections.unmodifiableMap(new TreeMap<>(options));
  }

  /**
   * The settings {@code model} reports about itself ({@link ClassIncrementalModel#learnerSettings()}): its seed and
   * canonical options; seed 0 and no options for a model that does not know them.
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
    return new LearnerSettings(model.learner(), seed == null ? 0 : Long.parseLong(seed), options);
  }
}
