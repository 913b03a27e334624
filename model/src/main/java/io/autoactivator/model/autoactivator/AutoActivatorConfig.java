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
 * @param scaling            how weight scales relate to the input: fan-in (lambda / sqrt(dimension), the input being
 *                           the model's transformed features of typical standard deviation 1) or absolute (lambda
 *                           itself, the first builds' rule)
 * @param routerLambdas      candidate router weight scales when routerLambda is NaN (auto: chosen on the first
 *                           task's held-out slice)
 * @param routerRidges       candidate router ridge terms, relative to the mean diagonal of the Gram, when routerRidge
 *                           is NaN (auto: chosen per task by leave-one-out error on the task's rows)
 * @param validationFraction fraction of the first task's training rows held out to choose router.lambda=auto
 * @param classScore         how the class is chosen within the fired task: the unit's head, or its sum with the
 *                           ridge router's scores of the task's classes
 * @param inputShape         the declared image layout of each sample's features, or null (a plain vector)
 * @param routerMap          the router's feature map: dense, convolution, or auto (convolution when an image
 *                           shape is declared and the filters fit it)
 * @param convolution        the convolution map's geometry and activation (options conv.*)
 * @param denseActivation    the dense map's activation (option dense.activation)
 */
public record AutoActivatorConfig(int blockSize, int trials, int maxNodes, Distribution distribution, double[] lambdas,
    LambdaMode lambdaMode, double[] rList, double ridge, double targetAccuracy, Transfer transfer, Activation activation,
    Alpha alpha, int inequalitySamples, Router router, int routerFeatures, double routerLambda, double routerRidge,
    TaskScore routerTaskScore, double mahalanobisShrinkage, double mahalanobisCalibration, Scaling scaling,
    double[] routerLambdas, double[] routerRidges, double validationFraction, ClassScore classScore,
    ImageShape inputShape, RouterMap routerMap, Convolution convolution, Activation denseActivation) {

  /**
   * The convolution map's options: filter side k (k x k over every channel), filter step, the grid x grid of regions
   * the responses are averaged over, and the responses' activation.
   */
  public record Convolution(int kernel, int stride, int grid, Activation activation) {
  }

  /** The router's feature map rule (see {@link FeatureMap}). */
  public enum RouterMap { AUTO, DENSE, CONVOLUTION }

  /** Candidate weight distribution: w, b ~ lambda U[-1,1] (SCN) or lambda N(0,1). */
  public enum Distribution { UNIFORM, GAUSSIAN }

  /** How the lambda list is searched. */
  public enum LambdaMode { POOLED, SEQUENTIAL }

  /** The alpha(t) of Eq. 11: none, or the mean second-largest probability (a top-1 minus top-2 margin). */
  public enum Alpha { NONE, MARGIN }

  /** Per-sample unit selection at inference. */
  public enum Router { RIDGE, PAPER, MAHALANOBIS }

  /** What a new unit's head reads besides its own nodes. */
  public enum Transfer { ROUTER, UNITS, NONE }

  /** How the class is chosen within the fired task. */
  public enum ClassScore { SUM, UNIT }

  /** How weight scales relate to the input dimension. */
  public enum Scaling { FANIN, ABSOLUTE }

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
    option(docs, defaults, "max.nodes", "25", "L_max: at most this many new nodes per task. 25 (one block): on every"
        + " dataset of bench --suite a unit's own nodes bought no class-incremental accuracy once it reads the shared"
        + " features (split Fashion-MNIST: 0.8632 with 100 or 500 nodes per task alike), and every node is a"
        + " parameter the baselines get as features; raise it for backbones whose features the router cannot hold");
    option(docs, defaults, "scaling", "fanin", "fanin: candidate and router weights are lambda * U[-sqrt(3/d),"
        + " sqrt(3/d)] for d input features (pre-activations of standard deviation ~lambda on the model's transformed"
        + " input, whatever d is); absolute: lambda * U[-1,1] (the first builds' rule, tuned to 784 pixels in [0,1])");
    option(docs, defaults, "distribution", "uniform", "candidate weights and biases: uniform (lambda*U[-1,1], as SCN)"
        + " or gaussian (lambda*N(0,1)); the paper does not say");
    option(docs, defaults, "lambdas", "0.5,1,2,4", "candidate weight scales (see scaling); with fanin they are"
        + " the pre-activations' standard deviation, so one list suits every input dimension");
    option(docs, defaults, "lambda.mode", "pooled", "pooled: the trials cycle through all lambdas and compete;"
        + " sequential: SCN's search, lambdas in order, stopping at the first that yields an admissible block");
    option(docs, defaults, "r", "0.9,0.99,0.999,0.9999,0.99999", "balance coefficients r of the supervisory"
        + " inequality, tried in order (mu_L = (1-r)/(L+1))");
    option(docs, defaults, "ridge", "auto", "gamma: ridge term of a unit's closed-form output weights; auto = the"
        + " relative ridge the router chose on this task (router.ridge=auto, transfer=router: the head reads the"
        + " same features; its own search measured no better), times the mean diagonal of what the unit reads;"
        + " 1e-3 of it otherwise");
    option(docs, defaults, "target.accuracy", "0.99", "R(t): stop growing a unit when its training accuracy reaches"
        + " this value in (0,1]; off = grow to max.nodes or until no block is admissible. With transfer=router most"
        + " tasks reach it on the shared features alone, so units grow only for tasks those cannot hold");
    option(docs, defaults, "transfer", "router", "knowledge transfer, what a new unit's head reads besides its own"
        + " nodes: router (the router's shared random features: no second feature layer is paid for), units (the"
        + " frozen nodes of all earlier units; 'true' in earlier builds) or none ('false')");
    option(docs, defaults, "activation", "sigmoid", "hidden activation: sigmoid, tanh or relu");
    option(docs, defaults, "alpha", "none", "alpha(t) of the activation threshold (Eq. 11): none (threshold = mean"
        + " top-1 probability) or margin (minus the mean second-largest probability)");
    option(docs, defaults, "inequality.samples", "3000", "evaluate the supervisory inequality on this many random"
        + " samples of the task (0 = all); the least-squares fit always uses every sample");
    option(docs, defaults, "router", "ridge", "per-sample unit selection: ridge (analytic ridge classifier on fixed"
        + " random features, rehearsal-free Gram statistics), paper (argmin |threshold - per-sample statistic|),"
        + " mahalanobis (class means + shared shrunk covariance over the nodes a unit reads; D_t x D_t per unit)");
    option(docs, defaults, "router.features", "2500", "ridge router: number of shared random sigmoid features");
    option(docs, defaults, "router.lambda", "1", "ridge router: weight scale (see scaling; with fanin the biases are"
        + " U[-1,1]): 1 gives pre-activations of unit variance on the transformed input, the variance-preserving rule"
        + " of Glorot and He; auto = the one of router.lambdas with the best accuracy on the first task's held-out"
        + " slice (measured worse: a first task of two classes cannot tell scales apart, split MNIST 0.956 vs 0.961);"
        + " the convolutional map (router.map) takes a number as its filters' scale and 1 for auto or mixed");
    option(docs, defaults, "router.lambdas", "0.5,0.7,1,1.4,2,2.8,4,5.6,8", "ridge router: candidates of router.lambda=auto");
    option(docs, defaults, "router.ridge", "auto", "ridge router: ridge term (absolute); auto = chosen again at"
        + " every task, among router.ridges, by the exact leave-one-out squared error on that task's rows (up to"
        + " 1,000 of them; RanPAC chooses its ridge on the task's data too)");
    option(docs, defaults, "router.ridges", "1e-5,1e-4,1e-3,1e-2,1e-1", "ridge router: candidates of"
        + " router.ridge=auto, relative to the mean diagonal of the accumulated Gram (so they follow the number of"
        + " samples and the feature scale; below 1e-5 the float Gram's rounding is larger than the ridge)");
    option(docs, defaults, "class.score", "sum", "the class within the fired task: sum (the unit's head outputs plus"
        + " the ridge router's scores of the task's classes; on a small table the unit's head alone lost 11 points"
        + " on Glass) or unit (the unit's head alone, the first builds' rule; also what a given task id uses)");
    option(docs, defaults, "validation.fraction", "0.2", "fraction of the first task's training rows held out to"
        + " choose router.lambda=auto (the final fit then uses every row; the ridges are chosen by leave-one-out);"
        + " never old data, never test data");
    option(docs, defaults, "router.task.score", "max", "ridge router: a task's score is the max or the sum of its"
        + " classes' scores");
    option(docs, defaults, "mahalanobis.shrinkage", "0.1", "mahalanobis router: covariance shrinkage s in"
        + " (1-s) S + s tr(S)/D I");
    option(docs, defaults, "mahalanobis.calibration", "0.15", "mahalanobis router: fraction of each task's training"
        + " data held out to z-normalise log d^2 (the rest fits means and covariance)");
    option(docs, defaults, "input.shape", "none", "the layout of each sample's features when they are an image:"
        + " HxW (one plane) or CxHxW (channel planes one after the other, each row by row), e.g. 28x28 or 3x32x32;"
        + " none = a plain vector (tables, embeddings). It is metadata of the stream, like its dimension: bench"
        + " declares it for the image datasets, a service user declares it with learner.option.input.shape");
    option(docs, defaults, "router.map", "auto", "the router's shared feature map: dense (sigmoid of a dense random"
        + " layer: every feature reads every input), convolution (random conv.kernel filters, conv.activation, averaged"
        + " over a conv.grid grid: split MNIST joint ridge 0.987 against 0.962 with 2,500 features each) or auto"
        + " (convolution when input.shape is declared and the filters fit it, dense otherwise)");
    option(docs, defaults, "conv.kernel", "5", "convolution map: filter side k (k x k, over every channel)");
    option(docs, defaults, "conv.stride", "1", "convolution map: step between filter positions");
    option(docs, defaults, "conv.grid", "5", "convolution map: responses averaged over a grid x grid of regions;"
        + " the map has grid^2 * ceil(router.features / grid^2) features");
    option(docs, defaults, "conv.activation", "relu", "convolution map: activation of the filter responses before"
        + " pooling: relu, sigmoid or tanh. relu: split MNIST 5x2 trains in 24.8 s instead of 32.5 s with sigmoid"
        + " (57,600 responses per 28x28 image), ACC 98.6 / Fashion-MNIST 89.5 against 98.7 / 89.5 (5 class orders);"
        + " a relu or tanh map needs a build that knows conv.activation, a sigmoid one loads in earlier builds too");
    option(docs, defaults, "dense.activation", "sigmoid", "dense map: activation of the random features: sigmoid,"
        + " relu or tanh. A relu feature keeps growing with the distance from its hyperplane, so classes far from"
        + " the first task's data (where the input transform was fitted) stay apart where a sigmoid saturates;"
        + " measured against sigmoid (bench, the suite's tables, 10 class orders): Vowel +2.2, iris +0.4, Glass"
        + " -0.2, digits -0.3, Vehicle -0.5, wine -1.0, Soybean -1.2 points, so sigmoid stays the default;"
        + " a relu or tanh map needs a build that knows dense.activation, a sigmoid one loads in earlier builds too");
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
    require(Double.isNaN(ridge) || (ridge > 0 && Double.isFinite(ridge)), "ridge must be auto or > 0");
    require(Double.isNaN(targetAccuracy) || (targetAccuracy > 0 && targetAccuracy <= 1),
        "target.accuracy must be off or in (0,1]");
    require(inequalitySamples >= 0, "inequality.samples must be >= 0");
    require(routerFeatures >= 1, "router.features must be >= 1");
    routerLambdas = routerLambdas.clone();
    routerRidges = routerRidges.clone();
    require(Double.isNaN(routerLambda) || (routerLambda >= 0 && Double.isFinite(routerLambda)),
        "router.lambda must be auto, mixed or > 0");
    require(Double.isNaN(routerRidge) || (routerRidge > 0 && Double.isFinite(routerRidge)),
        "router.ridge must be auto or > 0");
    require(routerLambdas.length > 0 && Arrays.stream(routerLambdas).allMatch(v -> v > 0 && Double.isFinite(v)),
        "router.lambdas must be positive numbers");
    require(routerRidges.length > 0 && Arrays.stream(routerRidges).allMatch(v -> v > 0 && Double.isFinite(v)),
        "router.ridges must be positive numbers");
    require(validationFraction > 0 && validationFraction < 0.5, "validation.fraction must be in (0,0.5)");
    require(mahalanobisShrinkage >= 0 && mahalanobisShrinkage <= 1, "mahalanobis.shrinkage must be in [0,1]");
    require(mahalanobisCalibration > 0 && mahalanobisCalibration < 1, "mahalanobis.calibration must be in (0,1)");
    java.util.Objects.requireNonNull(convolution, "convolution");
    require(convolution.activation() != null, "conv.activation is missing");
    require(denseActivation != null, "dense.activation is missing");
    int convKernel = convolution.kernel();
    int convStride = convolution.stride();
    int convGrid = convolution.grid();
    require(convKernel >= 1 && convStride >= 1 && convGrid >= 1, "conv.kernel, conv.stride and conv.grid must be >= 1");
    require(routerMap != RouterMap.CONVOLUTION || inputShape != null, "router.map=convolution needs input.shape");
    require(inputShape == null || ConvolutionFeatureMap.fits(inputShape, convKernel, convStride, convGrid)
        || routerMap != RouterMap.CONVOLUTION, "router.map=convolution: a " + convKernel + "x" + convKernel
        + " kernel with stride " + convStride + " and a " + convGrid + "x" + convGrid + " grid do not fit "
        + inputShape);
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
          parseAuto(o.get("ridge")),
          target.equalsIgnoreCase("off") ? Double.NaN : Double.parseDouble(target),
          parseTransfer(o.get("transfer")),
          parseEnum(Activation.class, "activation", o),
          parseEnum(Alpha.class, "alpha", o),
          Integer.parseInt(o.get("inequality.samples").trim()),
          parseEnum(Router.class, "router", o),
          Integer.parseInt(o.get("router.features").trim()),
          parseAuto(o.get("router.lambda")),
          parseAuto(o.get("router.ridge")),
          parseEnum(TaskScore.class, "router.task.score", o),
          Double.parseDouble(o.get("mahalanobis.shrinkage").trim()),
          Double.parseDouble(o.get("mahalanobis.calibration").trim()),
          parseEnum(Scaling.class, "scaling", o),
          parseList(o.get("router.lambdas")),
          parseList(o.get("router.ridges")),
          Double.parseDouble(o.get("validation.fraction").trim()),
          parseEnum(ClassScore.class, "class.score", o),
          ImageShape.parse(o.get("input.shape")),
          parseEnum(RouterMap.class, "router.map", o),
          new Convolution(Integer.parseInt(o.get("conv.kernel").trim()),
              Integer.parseInt(o.get("conv.stride").trim()),
              Integer.parseInt(o.get("conv.grid").trim()),
              parseEnum(Activation.class, "conv.activation", o)),
          parseEnum(Activation.class, "dense.activation", o));
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
    o.put("ridge", Double.isNaN(ridge) ? "auto" : Double.toString(ridge));
    o.put("target.accuracy", Double.isNaN(targetAccuracy) ? "off" : Double.toString(targetAccuracy));
    o.put("transfer", name(transfer));
    o.put("activation", name(activation));
    o.put("alpha", name(alpha));
    o.put("inequality.samples", Integer.toString(inequalitySamples));
    o.put("router", name(router));
    o.put("router.features", Integer.toString(routerFeatures));
    o.put("router.lambda", Double.isNaN(routerLambda) ? "auto" : routerLambda == MIXED ? "mixed"
        : Double.toString(routerLambda));
    o.put("router.ridge", Double.isNaN(routerRidge) ? "auto" : Double.toString(routerRidge));
    o.put("router.task.score", name(routerTaskScore));
    o.put("mahalanobis.shrinkage", Double.toString(mahalanobisShrinkage));
    o.put("mahalanobis.calibration", Double.toString(mahalanobisCalibration));
    o.put("scaling", name(scaling));
    o.put("router.lambdas", formatList(routerLambdas));
    o.put("router.ridges", formatList(routerRidges));
    o.put("validation.fraction", Double.toString(validationFraction));
    o.put("class.score", name(classScore));
    o.put("input.shape", inputShape == null ? "none" : inputShape.toString());
    o.put("router.map", name(routerMap));
    o.put("conv.kernel", Integer.toString(convolution.kernel()));
    o.put("conv.stride", Integer.toString(convolution.stride()));
    o.put("conv.grid", Integer.toString(convolution.grid()));
    o.put("conv.activation", name(convolution.activation()));
    o.put("dense.activation", name(denseActivation));
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

  /** Whether the router's features cycle through the scales of router.lambdas. */
  public boolean mixedRouterScales() {
    return routerLambda == MIXED;
  }

  @Override
  public double[] routerLambdas() {
    return routerLambdas.clone();
  }

  @Override
  public double[] routerRidges() {
    return routerRidges.clone();
  }

  /**
   * The configuration stored with a model of weights format {@code format}: format 1 (the first builds) predates
   * the {@code scaling} option and meant absolute weight scales, so a stored option set without it reads as
   * scaling=absolute; every other missing option takes its default.
   */
  static AutoActivatorConfig fromStoredOptions(Map<String, String> stored, int format) {
    Map<String, String> o = new LinkedHashMap<>(stored);
    if (format < 2) {
      o.putIfAbsent("scaling", "absolute");
      o.putIfAbsent("target.accuracy", "off");
      o.putIfAbsent("transfer", "units");
      o.putIfAbsent("ridge", "0.01");
      o.putIfAbsent("class.score", "unit");
      o.putIfAbsent("max.nodes", "500");
    }
    return fromOptions(o);
  }

  /**
   * Whether the router reads through a {@link ConvolutionFeatureMap} for inputs of {@code dimension} features: asked
   * for, or auto with a declared shape the filters fit.
   *
   * @throws IllegalArgumentException when a declared shape does not match the dimension
   */
  boolean convolutionRouter(int dimension) {
    if (inputShape != null && inputShape.size() != dimension) {
      throw new IllegalArgumentException("input.shape " + inputShape + " holds " + inputShape.size()
          + " features, the samples have " + dimension);
    }
    return switch (routerMap) {
      case DENSE -> false;
      case CONVOLUTION -> true;
      case AUTO -> inputShape != null && ConvolutionFeatureMap.fits(inputShape, convolution.kernel(),
          convolution.stride(), convolution.grid());
    };
  }

  /** Whether the model keeps a shared random feature layer (the ridge router's, also read by units). */
  boolean sharedFeatures() {
    return router == Router.RIDGE || transfer == Transfer.ROUTER;
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

  private static Transfer parseTransfer(String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    return switch (v) {
      case "router" -> Transfer.ROUTER;
      case "units", "true" -> Transfer.UNITS;
      case "none", "false" -> Transfer.NONE;
      default -> throw new IllegalArgumentException("bad value '" + value + "' for option transfer; valid values:"
          + " router, units, none");
    };
  }

  private static double parseAuto(String value) {
    String v = value.trim();
    if (v.equalsIgnoreCase("mixed")) {
      return MIXED;
    }
    return v.equalsIgnoreCase("auto") ? Double.NaN : Double.parseDouble(v);
  }

  /** {@code router.lambda=mixed}: the router's features cycle through every scale of {@code router.lambdas}. */
  static final double MIXED = 0.0;

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
