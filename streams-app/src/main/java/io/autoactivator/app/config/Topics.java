package io.autoactivator.app.config;

import java.util.List;
import java.util.Objects;

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

  /** Default names under another prefix. */
  public static Topics withPrefix(String prefix) {
    return new Topics(prefix + "samples", prefix + "task-events", prefix + "queries", prefix + "predictions",
        prefix + "shadow-predictions", prefix + "model-snapshots", prefix + "model-commands",
        prefix + "dead-letters");
  }

  /** Every topic name, in declaration order. */
  public List<String> all() {
    return List.of(samples, taskEvents, queries, predictions, shadowPredictions, snapshots, commands, deadLetters);
  }
}
