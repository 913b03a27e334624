package io.autoactivator.model.autoactivator;

import io.autoactivator.model.api.IncrementalLearner;
import io.autoactivator.model.api.LearnerProvider;
import io.autoactivator.model.api.ModelCodec;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The AutoActivator learner under two names: {@code autoactivator} (the best-measured router, ridge, by default)
 * and {@code autoactivator-paper} (the paper's threshold router, router=paper, as the faithful reference). Both
 * accept every option; the paper variant only changes the router's default.
 */
public final class AutoActivatorProvider implements LearnerProvider {

  /** Name of the default variant. */
  public static final String NAME = "autoactivator";
  /** Name of the paper-router variant. */
  public static final String PAPER_NAME = "autoactivator-paper";

  private final String name;
  private final Map<String, String> defaultOverrides;

  private AutoActivatorProvider(String name, Map<String, String> defaultOverrides) {
    this.name = name;
    this.defaultOverrides = Map.copyOf(defaultOverrides);
  }

  /** {@code autoactivator}: default options. */
  public static AutoActivatorProvider standard() {
    return new AutoActivatorProvider(NAME, Map.of());
  }

  /** {@code autoactivator-paper}: router=paper unless told otherwise. */
  public static AutoActivatorProvider paper() {
    return new AutoActivatorProvider(PAPER_NAME, Map.of("router", "paper"));
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String description() {
    return defaultOverrides.isEmpty()
        ? "AutoActivator (Li et al., ICML 2024) reconstruction: one supervised random-node unit per task, per-sample"
            + " reactivation by an analytic ridge router"
        : "AutoActivator with the paper's activation-threshold router (argmin |threshold - per-sample statistic|)";
  }

  @Override
  public IncrementalLearner create(Map<String, String> options, long seed) {
    Map<String, String> merged = new LinkedHashMap<>(defaultOverrides);
    merged.putAll(options);
    return new AutoActivatorLearner(name, AutoActivatorConfig.fromOptions(merged), seed);
  }

  @Override
  public Map<String, String> optionDocs() {
    Map<String, String> docs = new LinkedHashMap<>(AutoActivatorConfig.OPTION_DOCS);
    defaultOverrides.forEach((key, value) -> docs.computeIfPresent(key,
        (k, doc) -> doc.replaceAll("\\(default [^)]*\\)$", "(default " + value + ")")));
    return docs;
  }

  @Override
  public ModelCodec codec() {
    return new AutoActivatorCodec(name);
  }
}
