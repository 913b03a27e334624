package io.autoactivator.model.autoactivator;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Every choice of the AutoActivator reconstruction, named (shared/research/autoactivator.md sections 4.2-4.8 and 5;
 * defaults from shared/research/prototype-results.md). Where the paper is silent the option says so in its doc.
 *
 * @param blockSize          l: nodes per candidate block and per recruitment step
 * @param trials             T_max: candidate blocks generated per recruitment step (per lambda in sequential mode)
 * @param maxNodes           L_max: new nodes per task at most
 * @param distribution       candidate weight distribution
 * @param lambdas            candidate weight scales
 * @param lambdaMode         pooled (candidates cycle through all lambdas at once) or sequential (SCN: try each
 *                           lambda in turn, stop at the first that yields an admissible block)
 * @param rList              the balance coefficients r of the supervisory inequality, tried in order
 * @param ridge              gamma: ridge term of the closed-form output weights
 * @param targetAccuracy     R(t): stop growing a unit once its training accuracy reaches it (NaN = off)
 * @param transfer           whether a new unit's head also reads all earlier units' frozen nodes
 * @param activation         hidden activation
 * @param alpha              the alpha(t) term of the activation threshold (Eq. 11)
 * @param inequalitySamples  evaluate the inequality on this many random samples of the task (0 = all)
 * @param router             the per-sample unit selection rule at inference
 * @param routerFeatures     random features of the ridge router
 * @param routerLambda       weight scale of the ridge router's features (w, b ~ lambda U[-1,1])
 * @param routerRidge        ridge term of the ridge router
 * @param routerTaskScore    how the ridge router's class scores make a task score: max or sum over its classes
 * @param mahalanobisShrinkage shrinkage of the shared covariance towards a scaled identity
 * @param mahalanobisCalibration fraction of each task held out to calibrate the Mahalanobis distance
 */
public record AutoActivatorConfig(int blockSize, int trials, int maxNodes, Distribution distribution, double[] lambdas,
    LambdaMode lambdaMode, double[] rList, double ridge, double targetAccuracy, boolean transfer, Activation activation,
    Alpha alpha, int inequalitySamples, Router router, int routerFeatures, double routerLambda, double routerRidge,
    TaskScore routerTaskScore, double mahalanobisShrinkage, double mahalanobisCalibration) {

  /** Candidate weight distribution: w, b ~ lambda U[-1,1] (SCN) or lambda N(0,1). */
  public enum Distribution { UNIFORM, GAUSSIAN }

  /** How the lambda list is searched. */
  public enum LambdaMode { POOLED, SEQUENTIAL }

  /** The alpha(t) of Eq. 11: none, or the mean second-largest probability (a top-1 minus top-2 margin). */
  public enum Alpha { NONE, MARGIN }

  /** Per-sample unit selection at inference. */
  public enum Router { RIDGE, PAPER, MAHALANOBIS }

  /** Ridge router: task score from the scores of the task's classes. */
  public enum TaskScore { MAX, SUM }

  /** Option name to "meaning (default)", in a stable order. */
  public static final Map<String, String> OPTION_DOCS;

  private static final Map<String, String> DEFAULTS;

  static {
    Map<String, String> docs = new LinkedHashMap<>();
    Map<String, String> defaults = new LinkedHashMap<>();
    option(docs, defaults, "block.size", "25", "l: random nodes per candidate block and per recruitment step");
    option(docs, defaults, "trials", "10", "T_max: candidate blocks drawn per recruitment step (per lambda when"
        + " lambda.mode=sequential); the admissible one with the largest sum of xi is recruited. 10 instead of 50:"
        + " split-MNIST, 5 tasks, seed 1, all other options default: 95.79% class-IL accuracy (ridge router) and"
        + " 99.43% with the task id given, against 95.76% and 99.49% with 50, at a fifth of the candidate work");
    option(docs, defaults, "max.nodes", "500", "L_max: at most this many new nodes per task");
    option(docs, defaults, "distribution", "uniform", "candidate weights and biases: uniform (lambda*U[-1,1], as SCN)"
        + " or gaussian (lambda*N(0,1)); the paper does not say");
    option(docs, defaults, "lambdas", "0.05,0.1,0.25,0.5,1", "candidate weight scales; the defaults keep the sigmoid"
        + " out of saturation on ~784-d inputs in [0,1] (for standardised or low-dimensional inputs use larger"
        + " values, e.g. SCN's 0.5..200)");
    option(docs, defaults, "lambda.mode", "pooled", "pooled: the trials cycle through all lambdas and compete;"
        + " sequential: SCN's search, lambdas in order, stopping at the first that yields an admissible block");
    option(docs, defaults, "r", "0.9,0.99,0.999,0.9999,0.99999", "balance coefficients r of the supervisory"
        + " inequality, tried in order (mu_L = (1-r)/(L+1))");
    option(docs, defaults, "ridge", "0.01", "gamma: ridge term of the closed-form output weights");
    option(docs, defaults, "target.accuracy", "off", "R(t): stop growing a unit when its training accuracy reaches"
        + " this value in (0,1]; off = grow to max.nodes or until no block is admissible");
    option(docs, defaults, "transfer", "true", "knowledge transfer: a new unit's head also reads the frozen nodes"
        + " of all earlier units");
    option(docs, defaults, "activation", "sigmoid", "hidden activation: sigmoid, tanh or relu");
    option(docs, defaults, "alpha", "none", "alpha(t) of the activation threshold (Eq. 11): none (threshold = mean"
        + " top-1 probability) or margin (minus the mean second-largest probability)");
    option(docs, defaults, "inequality.samples", "3000", "evaluate the supervisory inequality on this many random"
        + " samples of the task (0 = all); the least-squares fit always uses every sample");
    option(docs, defaults, "router", "ridge", "per-sample unit selection: ridge (analytic ridge classifier on fixed"
        + " random features, rehearsal-free Gram statistics), paper (argmin |threshold - per-sample statistic|),"
        + " mahalanobis (class means + shared shrunk covariance over the nodes a unit reads; D_t x D_t per unit)");
    option(docs, defaults, "router.features", "2500", "ridge router: number of random sigmoid features");
    option(docs, defaults, "router.lambda", "0.25", "ridge router: feature weights and biases ~ lambda*U[-1,1]");
    option(docs, defaults, "router.ridge", "1", "ridge router: ridge term");
    option(docs, defaults, "router.task.score", "max", "ridge router: a task's score is the max or the sum of its"
        + " classes' scores");
    option(docs, defaults, "mahalanobis.shrinkage", "0.1", "mahalanobis router: covariance shrinkage s in"
        + " (1-s) S + s tr(S)/D I");
    option(docs, defaults, "mahalanobis.calibration", "0.15", "mahalanobis router: fraction of each task's training"
        + " data held out to z-normalise log d^2 (the rest fits means and covariance)");
    OPTION_DOCS = java.util.Collections.unmodifiableMap(docs);
    DEFAULTS = java.util.Collections.unmodifiableMap(defaults);
  }

  public AutoActivatorConfig {
    lambdas = lambdas.clone();
    rList = rList.clone();
    require(blockSize >= 1, "block.size must be >= 1");
    require(trials >= 1, "trials must be >= 1");
    require(maxNodes >= 1, "max.nodes must be >= 1");
    require(lambdas.length > 0 && Arrays.stream(lambdas).allMatch(v -> v > 0 && Double.isFinite(v)),
        "lambdas must be positive numbers");
    require(rList.length > 0 && Arrays.stream(rList).allMatch(v -> v > 0 && v < 1), "r values must be in (0,1)");
    require(ridge > 0 && Double.isFinite(ridge), "ridge must be > 0");
    require(Double.isNaN(targetAccuracy) || (targetAccuracy > 0 && targetAccuracy <= 1),
        "target.accuracy must be off or in (0,1]");
    require(inequalitySamples >= 0, "inequality.samples must be >= 0");
    require(routerFeatures >= 1, "router.features must be >= 1");
    require(routerLambda > 0 && routerRidge > 0, "router.lambda and router.ridge must be > 0");
    require(mahalanobisShrinkage >= 0 && mahalanobisShrinkage <= 1, "mahalanobis.shrinkage must be in [0,1]");
    require(mahalanobisCalibration > 0 && mahalanobisCalibration < 1, "mahalanobis.calibration must be in (0,1)");
  }

  /** The defaults. */
  public static AutoActivatorConfig defaults() {
    return fromOptions(Map.of());
  }

  /** Options with their defaults, in documentation order. */
  public static Map<String, String> defaultOptions() {
    return DEFAULTS;
  }

  /**
   * Builds a configuration from string options; absent keys take their defaults.
   *
   * @throws IllegalArgumentException for an unknown key (listing the valid ones) or a bad value
   */
  public static AutoActivatorConfig fromOptions(Map<String, String> options) {
    for (String key : options.keySet()) {
      if (!DEFAULTS.containsKey(key)) {
        throw new IllegalArgumentException("unknown autoactivator option '" + key + "'; valid options: "
            + DEFAULTS.keySet());
      }
    }
    Map<String, String> o = new LinkedHashMap<>(DEFAULTS);
    o.putAll(options);
    try {
      String target = o.get("target.accuracy").trim();
      return new AutoActivatorConfig(
          Integer.parseInt(o.get("block.size").trim()),
          Integer.parseInt(o.get("trials").trim()),
          Integer.parseInt(o.get("max.nodes").trim()),
          parseEnum(Distribution.class, "distribution", o),
          parseList(o.get("lambdas")),
          parseEnum(LambdaMode.class, "lambda.mode", o),
          parseList(o.get("r")),
          Double.parseDouble(o.get("ridge").trim()),
          target.equalsIgnoreCase("off") ? Double.NaN : Double.parseDouble(target),
          parseBoolean("transfer", o.get("transfer")),
          parseEnum(Activation.class, "activation", o),
          parseEnum(Alpha.class, "alpha", o),
          Integer.parseInt(o.get("inequality.samples").trim()),
          parseEnum(Router.class, "router", o),
          Integer.parseInt(o.get("router.features").trim()),
          Double.parseDouble(o.get("router.lambda").trim()),
          Double.parseDouble(o.get("router.ridge").trim()),
          parseEnum(TaskScore.class, "router.task.score", o),
          Double.parseDouble(o.get("mahalanobis.shrinkage").trim()),
          Double.parseDouble(o.get("mahalanobis.calibration").trim()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bad autoactivator option value: " + e.getMessage(), e);
    }
  }

  /** Every option as a canonical string (round-trips through {@link #fromOptions}), in documentation order. */
  public Map<String, String> toOptions() {
    Map<String, String> o = new LinkedHashMap<>();
    o.put("block.size", Integer.toString(blockSize));
    o.put("trials", Integer.toString(trials));
    o.put("max.nodes", Integer.toString(maxNodes));
    o.put("distribution", name(distribution));
    o.put("lambdas", formatList(lambdas));
    o.put("lambda.mode", name(lambdaMode));
    o.put("r", formatList(rList));
    o.put("ridge", Double.toString(ridge));
    o.put("target.accuracy", Double.isNaN(targetAccuracy) ? "off" : Double.toString(targetAccuracy));
    o.put("transfer", Boolean.toString(transfer));
    o.put("activation", name(activation));
    o.put("alpha", name(alpha));
    o.put("inequality.samples", Integer.toString(inequalitySamples));
    o.put("router", name(router));
    o.put("router.features", Integer.toString(routerFeatures));
    o.put("router.lambda", Double.toString(routerLambda));
    o.put("router.ridge", Double.toString(routerRidge));
    o.put("router.task.score", name(routerTaskScore));
    o.put("mahalanobis.shrinkage", Double.toString(mahalanobisShrinkage));
    o.put("mahalanobis.calibration", Double.toString(mahalanobisCalibration));
    return o;
  }

  /** This configuration with some options changed. */
  public AutoActivatorConfig with(Map<String, String> changes) {
    Map<String, String> o = toOptions();
    o.putAll(changes);
    return fromOptions(o);
  }

  /** SHA-256 (hex) of the canonical options, sorted by key: equal configurations hash equally. */
  public String configHash() {
    String canonical = new TreeMap<>(toOptions()).entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining("\n"));
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof AutoActivatorConfig that && toOptions().equals(that.toOptions());
  }

  @Override
  public int hashCode() {
    return toOptions().hashCode();
  }

  @Override
  public String toString() {
    return "AutoActivatorConfig" + toOptions();
  }

  @Override
  public double[] lambdas() {
    return lambdas.clone();
  }

  @Override
  public double[] rList() {
    return rList.clone();
  }

  private static void option(Map<String, String> docs, Map<String, String> defaults, String key, String value,
      String doc) {
    docs.put(key, doc + " (default " + value + ")");
    defaults.put(key, value);
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }

  private static <E extends Enum<E>> E parseEnum(Class<E> type, String key, Map<String, String> o) {
    String value = o.get(key).trim();
    for (E constant : type.getEnumConstants()) {
      if (name(constant).equals(value.toLowerCase(Locale.ROOT))) {
        return constant;
      }
    }
    throw new IllegalArgumentException("bad value '" + value + "' for option " + key + "; valid values: "
        + Arrays.stream(type.getEnumConstants()).map(AutoActivatorConfig::name).toList());
  }

  private static boolean parseBoolean(String key, String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    if (!v.equals("true") && !v.equals("false")) {
      throw new IllegalArgumentException("bad value '" + value + "' for option " + key + "; valid values: true, false");
    }
    return v.equals("true");
  }

  private static double[] parseList(String value) {
    return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty())
        .mapToDouble(Double::parseDouble).toArray();
  }

  private static String formatList(double[] values) {
    return Arrays.stream(values).mapToObj(Double::toString).collect(Collectors.joining(","));
  }

  static String name(Enum<?> constant) {
    return constant.name().toLowerCase(Locale.ROOT);
  }
}
