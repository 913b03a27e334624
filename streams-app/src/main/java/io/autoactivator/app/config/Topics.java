package io.autoactivator.app.config;

import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * The topics one deployment uses. Names are configurable ({@code topic.<name>} keys); the defaults share a prefix so
 * several deployments can live on one cluster.
 *
 * @param samples           labelled samples ({@code LabelledSample}), keyed by model id
 * @param taskEvents        task boundaries ({@code TaskBoundary}), keyed by model id
 * @param queries           prediction requests ({@code PredictionRequest})
 * @param predictions       answers ({@code Prediction}), keyed by request id
 * @param shadowPredictions answers of a shadow version, for comparison with the serving one
 * @param snapshots         model snapshots ({@code ModelSnapshot}, chunked), compacted
 * @param commands          rollout commands ({@code ModelCommand}): promote, roll back, pin, shadow
 * @param deadLetters       every record the app could not use ({@code DeadLetter}), with the reason
 */
public record Topics(String samples, String taskEvents, String queries, String predictions, String shadowPredictions,
    String snapshots, String commands, String deadLetters) {

  /** The default prefix of every topic name. */
  public static final String DEFAULT_PREFIX = "autoactivator.";

  public Topics {
    Objects.requireNonNull(samples, "samples");
    Objects.requireNonNull(taskEvents, "taskEvents");
    Objects.requireNonNull(queries, "queries");
    Objects.requireNonNull(predictions, "predictions");
    Objects.requireNonNull(shadowPredictions, "shadowPredictions");
    Objects.requireNonNull(snapshots, "snapshots");
    Objects.requireNonNull(commands, "commands");
    Objects.requireNonNull(deadLetters, "deadLetters");
  }

  /** Default names: {@code autoactivator.samples}, {@code autoactivator.task-events}, ... */
  public static Topics defaults() {
    return withPrefix(DEFAULT_PREFIX);
  }

  /**
   * The topics named by {@code nameOf}, given each topic's short name ({@code samples}, {@code task-events},
   * {@code queries}, {@code predictions}, {@code shadow-predictions}, {@code model-snapshots},
   * {@code model-commands}, {@code dead-letters}): the one place that lists them.
   */
  public static Topics named(UnaryOperator<String> nameOf) {
    return new Topics(nameOf.apply("samples"), nameOf.apply("task-events"), nameOf.apply("queries"),
        nameOf.apply("predictions"), nameOf.apply("shadow-predictions"), nameOf.apply("model-snapshots"),
        nameOf.apply("model-commands"), nameOf.apply("dead-letters"));
  }

  /** The short names, in declaration order: the {@code <name>} of {@code topic.<name>} keys. */
  public static final List<String> SHORT_NAMES = named(UnaryOperator.identity()).all();

  /** Default names under another prefix. */
  public static Topics withPrefix(String prefix) {
    return named(name -> prefix + name);
  }

  /** Every topic name, in declaration order. */
  public List<String> all() {
    return List.of(samples, taskEvents, queries, predictions, shadowPredictions, snapshots, commands, deadLetters);
  }
}
