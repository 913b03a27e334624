package io.autoactivator.model.api;

import java.util.Map;

/**
 * Names one kind of learner and builds it from string options, so the streaming app and the benchmark can choose
 * any learner by configuration without knowing its classes.
 */
public interface LearnerProvider {

  /** The name used in configuration ({@code autoactivator}, {@code analytic}, ...). */
  String name();

  /** One line for {@code --help} and the README. */
  String description();

  /**
   * Builds a learner.
   *
   * @param options learner-specific options (documented by {@link #optionDocs()}); unknown keys are an error
   * @param seed    the random seed; the learner is deterministic given it
   */
  IncrementalLearner create(Map<String, String> options, long seed);

  /** Option name to "meaning (default)" for documentation. */
  Map<String, String> optionDocs();

  /** Reads snapshots of this learner's models. */
  ModelCodec codec();
}
