package io.autoactivator.model.autoactivator;

import io.autoactivator.model.api.ClassIncrementalModel;
import io.autoactivator.model.api.InvalidTaskDataException;
import io.autoactivator.model.api.LearnedTask;
import io.autoactivator.model.api.Predictions;

import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * An immutable AutoActivator model: one frozen unit per task (own random nodes + closed-form head, which with
 * knowledge transfer also reads all earlier units' nodes), and a per-sample router that reactivates one unit per
 * input row without a task id.
 *
 * <p>Inference is batched and a row's answer never depends on the other rows. With the ridge router (the default)
 * a batch is two products over concatenated weights ({@link FusedInference}); with the paper's or the Mahalanobis
 * router one gemm computes every node, each head reads a column range of it, and the router works row by row. All state is
 * final and never written after construction; {@link #predict} uses only local arrays, so it is thread-safe.
 *
 * <p>{@link Predictions#classScores()}: the fired unit's softmax probabilities for its own classes, 0 elsewhere.
 */
public final class AutoActivatorModel implements ClassIncrementalModel {

  /**
   * The weights format this build writes, read back by {@link AutoActivatorCodec}: 5 is format 4 (the router's Gram
   * tagged with its form, {@link RouterGram}) without the learner's name, seed and options, which the snapshot's
   * provenance header holds and the codec takes from there. Formats 1 to 4 (builds before session 8) repeated them
   * after the format number; their snapshots still read, with that copy. Builds before session 8 do not read format
   * 5.
   */
  static final int WEIGHTS_FORMAT = 5;
  /** The first format whose learner name, seed and options are the header's, not repeated in the weights. */
  static final int SETTINGS_IN_HEADER_FORMAT = 5;
  /** Format 4's tags of the Gram's form. */
  static final byte PACKED_GRAM = 0;
  static final byte FACTORED_GRAM = 1;

  private static final int PREDICT_CHUNK = 2048;

  private final String learner;
  private final AutoActivatorConfig config;
  private final long seed;
  private final int inputDimension;
  private final List<String> taskIds;
  private final List<Unit> units;
  private final RidgeRouter router;
  private final List<List<BlockRecord>> recruitment;

  private final List<LearnedTask> tasks;
  private final int[] classes;
  private final int totalNodes;
  // Derived, read-only ND4J views of the arrays above, built once.
  private final INDArray nodeWeights;
  private final INDArray nodeBiases;
  private final List<INDArray> heads;
  private final List<INDArray> mahalanobisMeans;
  private final List<INDArray> mahalanobisPrecisions;
  private final List<double[]> mahalanobisOffsets;
  /** The ridge router's inference as two products (null for the other routers). */
  private final FusedInference fused;

  AutoActivatorModel(String learner, AutoActivatorConfig config, long seed, int inputDimension, List<String> taskIds,
      List<Unit> units, RidgeRouter router, List<List<BlockRecord>> recruitment) {
    if (taskIds.size() != units.size() || units.isEmpty()) {
      throw new IllegalArgumentException("a model needs one unit per task and at least one task");
    }
    this.learner = learner;
    this.config = config;
    this.seed = seed;
    this.inputDimension = inputDimension;
    this.taskIds = List.copyOf(taskIds);
    this.units = List.copyOf(units);
    this.router = router;
    this.recruitment = List.copyOf(recruitment);

    List<LearnedTask> learned = new ArrayList<>();
    int[] all = new int[0];
    int nodes = 0;
    for (int t = 0; t < units.size(); t++) {
      Unit unit = units.get(t);
      learned.add(new LearnedTask(taskIds.get(t), unit.classes().clone(), unit.nodes()));
      int[] grown = Arrays.copyOf(all, all.length + unit.classes().length);
      System.arraycopy(unit.classes(), 0, grown, all.length, unit.classes().length);
      all = grown;
      if (unit.nodeStart() != nodes) {
        throw new IllegalArgumentException("unit " + t + " starts at node " + unit.nodeStart() + ", expected " + nodes);
      }
      nodes += unit.nodes();
    }
    this.tasks = List.copyOf(learned);
    this.classes = all;
    this.totalNodes = nodes;

    float[] w = new float[inputDimension * nodes];
    float[] b = new float[nodes];
    for (Unit unit : units) {
      int n = unit.nodes();
      for (int i = 0; i < inputDimension; i++) {
        System.arraycopy(unit.weights(), i * n, w, i * nodes + unit.nodeStart(), n);
      }
      System.arraycopy(unit.biases(), 0, b, unit.nodeStart(), n);
    }
    // A model whose units reuse shared features only has no node of its own (null: ND4J has no empty gemm).
    this.nodeWeights = nodes == 0 ? null : Nd4j.create(w, new long[] {inputDimension, nodes}, 'c');
    this.nodeBiases = nodes == 0 ? null : Nd4j.create(b, new long[] {1, nodes}, 'c');
    this.heads = new ArrayList<>();
    this.mahalanobisMeans = new ArrayList<>();
    this.mahalanobisPrecisions = new ArrayList<>();
    this.mahalanobisOffsets = new ArrayList<>();
    for (Unit unit : units) {
      int visible = unit.visible();
      int c = unit.classes().length;
      heads.add(Nd4j.create(unit.head(), new long[] {visible, c}, 'c'));
      Unit.MahalanobisStats stats = unit.mahalanobis();
      if (stats != null) {
        INDArray means = Nd4j.create(stats.means(), new long[] {c, visible}, 'c');
        INDArray precision = Nd4j.create(stats.precision(), new long[] {visible, visible}, 'c');
        mahalanobisMeans.add(means);
        mahalanobisPrecisions.add(precision);
        // mu_c^T P mu_c, per class
        INDArray quad = means.mmul(precision).muli(means).sum(1);
        double[] offsets = new double[c];
        for (int k = 0; k < c; k++) {
          offsets[k] = quad.getDouble(k);
        }
        mahalanobisOffsets.add(offsets);
      } else {
        mahalanobisMeans.add(null);
        mahalanobisPrecisions.add(null);
        mahalanobisOffsets.add(null);
      }
    }
    if (router != null) {
      if (router.map().inputDimension() != inputDimension) {
        throw new IllegalArgumentException("the router's feature map reads " + router.map().inputDimension()
            + " features, the model has " + inputDimension);
      }
      // the readout's columns are the model's classes in task order: a readout of another width (forged or from
      // another model) would score classes no task has, or leave some unscored
      if (router.classes() != all.length) {
        throw new IllegalArgumentException("the router scores " + router.classes() + " classes, the model's tasks have "
            + all.length);
      }
    }
    if (config.sharedFeatures() && router == null) {
      throw new IllegalArgumentException("router=ridge and transfer=router need the shared feature layer's state");
    }
    for (Unit unit : units) {
      if (unit.shared() != 0 && (router == null || unit.shared() != router.features())) {
        throw new IllegalArgumentException("a unit reads " + unit.shared() + " shared features, the model has "
            + (router == null ? 0 : router.features()));
      }
    }
    if (config.router() == AutoActivatorConfig.Router.MAHALANOBIS
        && units.stream().anyMatch(u -> u.mahalanobis() == null)) {
      throw new IllegalArgumentException("router=mahalanobis needs every unit's statistics");
    }
    this.fused = FusedInference.applies(config, router)
        ? new FusedInference(inputDimension, units, router, config.activation(), nodeWeights, nodeBiases) : null;
  }

  @Override
  public String learner() {
    return learner;
  }

  @Override
  public int inputDimension() {
    return inputDimension;
  }

  @Override
  public List<LearnedTask> tasks() {
    return tasks;
  }

  @Override
  public int[] classes() {
    return classes.clone();
  }

  @Override
  public long parameterCount() {
    long count = 0;
    for (Unit unit : units) {
      count += unit.parameterCount();
    }
    return count + (router == null ? 0 : router.parameterCount());
  }

  /**
   * Numbers kept only to learn later tasks (the router's accumulated Gram and cross terms): not parameters of the
   * served function, and not counted by {@link #parameterCount()}, as for the analytic baseline.
   */
  public long learningStateSize() {
    return router == null ? 0 : router.learningStateSize();
  }

  /** The configuration the model was trained with. */
  public AutoActivatorConfig config() {
    return config;
  }

  /** The learner's seed. */
  public long seed() {
    return seed;
  }

  @Override
  public Map<String, String> learnerSettings() {
    Map<String, String> settings = new java.util.TreeMap<>();
    config.toOptions().forEach((k, v) -> settings.put("option." + k, v));
    settings.put("seed", Long.toString(seed));
    settings.put("configHash", config.configHash());
    return settings;
  }

  /** Hidden nodes over all units. */
  public int totalNodes() {
    return totalNodes;
  }

  /** Each unit's activation threshold (Eq. 11), in task order. */
  public double[] thresholds() {
    return units.stream().mapToDouble(Unit::threshold).toArray();
  }

  /**
   * The supervisory mechanism's record of every recruited block, per task (diagnostics of the training run that
   * produced this model; empty lists after a snapshot round trip, which does not carry it).
   */
  public List<List<BlockRecord>> recruitment() {
    return recruitment;
  }

  List<Unit> unitList() {
    return units;
  }

  /** All hidden nodes' input weights, inputDimension x totalNodes (read-only). */
  INDArray nodeWeights() {
    return nodeWeights;
  }

  /** All hidden nodes' biases, 1 x totalNodes (read-only). */
  INDArray nodeBiases() {
    return nodeBiases;
  }

  RidgeRouter router() {
    return router;
  }

  List<String> taskIds() {
    return taskIds;
  }

  @Override
  public Predictions predict(float[][] features) {
    return predict(toMatrix(features), null);
  }

  @Override
  public Predictions predict(INDArray features) {
    return predict(checked(features), null);
  }

  /** Rows already checked by the caller: no second pass over the values, no copy (unless not float row-major). */
  @Override
  public Predictions predictChecked(INDArray features) {
    boolean ready = features.rank() == 2 && features.columns() == inputDimension
        && features.dataType() == DataType.FLOAT && features.ordering() == 'c' && features.isMatrix();
    return predict(ready ? features : checked(features), null);
  }

  @Override
  public Predictions predictWithTask(float[][] features, int[] taskIndex) {
    if (taskIndex.length != features.length) {
      throw new InvalidTaskDataException(features.length + " rows but " + taskIndex.length + " task indices");
    }
    for (int i = 0; i < taskIndex.length; i++) {
      if (taskIndex[i] < 0 || taskIndex[i] >= units.size()) {
        throw new InvalidTaskDataException("row " + i + ": task index " + taskIndex[i] + " is not in [0, "
            + units.size() + ")");
      }
    }
    return predict(toMatrix(features), taskIndex);
  }

  private Predictions predict(INDArray x, int[] givenTask) {
    int n = (int) x.rows();
    Predictions out = new Predictions(new int[n], new float[n][], new int[n], new float[n][]);
    for (int start = 0; start < n; start += PREDICT_CHUNK) {
      int end = Math.min(n, start + PREDICT_CHUNK);
      INDArray chunk = start == 0 && end == n ? x : x.get(NDArrayIndex.interval(start, end), NDArrayIndex.all());
      predictChunk(chunk, start, givenTask, out);
    }
    return out;
  }

  /** Answers rows {@code offset ..} of {@code out} for the chunk {@code x}. */
  private void predictChunk(INDArray x, int offset, int[] givenTask, Predictions out) {
    if (fused != null) {
      predictFused(x, offset, givenTask, out);
      return;
    }
    // the paper's and the Mahalanobis router: unit by unit
    int n = (int) x.rows();
    int taskCount = units.size();
    INDArray hidden = hidden(x);
    INDArray phi = sharedFeatures(x);
    // Per unit: softmax probabilities of its head, row-major n x C_t.
    float[][] probabilities = new float[taskCount][];
    float[][] scores = new float[n][taskCount];
    float[][] raw = new float[taskCount][];
    for (int t = 0; t < taskCount; t++) {
      Unit unit = units.get(t);
      INDArray nodesRead = nodesRead(unit, hidden);
      INDArray outputs = headOutputs(t, nodesRead, phi);
      raw[t] = (outputs.isView() || outputs.ordering() != 'c' ? outputs.dup('c') : outputs).data().asFloat();
      // in Java on the copy already made: ND4J's softmax of an n x C_t block (C_t ~ 2) was ~1/4 of predict's native
      // time at batch 256 (JFR), more than the shared-feature GEMM
      probabilities[t] = softmaxRows(raw[t], unit.classes().length);
      if (config.router() == AutoActivatorConfig.Router.PAPER) {
        int c = unit.classes().length;
        for (int i = 0; i < n; i++) {
          double statistic = Thresholds.statistic(probabilities[t], i * c, c, config.alpha());
          scores[i][t] = (float) Math.abs(unit.threshold() - statistic);
        }
      } else if (config.router() == AutoActivatorConfig.Router.MAHALANOBIS) {
        INDArray visible = unit.shared() == 0 ? nodesRead
            : nodesRead == null ? phi : Nd4j.hstack(phi, nodesRead);
        float[] z = mahalanobisScores(t, visible);
        for (int i = 0; i < n; i++) {
          scores[i][t] = z[i];
        }
      }
    }
    boolean lowerWins = config.router() == AutoActivatorConfig.Router.PAPER;
    for (int i = 0; i < n; i++) {
      int unitIndex = givenTask != null ? givenTask[offset + i] : best(scores[i], lowerWins);
      int[] unitClasses = units.get(unitIndex).classes();
      answer(out, offset + i, unitIndex, columnOf(unitClasses[0]), probabilities[unitIndex], i * unitClasses.length,
          null, 0, scores[i]);
    }
  }

  /**
   * Writes the answer of row {@code at}: the fired unit's probabilities {@code p[from .. from + C_t)} in its class
   * columns (from {@code firstColumn}), and its class of the highest score, {@code score[scoreFrom + k]} (the
   * probabilities themselves when {@code score} is null).
   */
  private void answer(Predictions out, int at, int unitIndex, int firstColumn, float[] p, int from, float[] score,
      int scoreFrom, float[] taskScores) {
    int[] unitClasses = units.get(unitIndex).classes();
    float[] row = new float[classes.length];
    int bestClass = 0;
    double bestScore = Double.NEGATIVE_INFINITY;
    for (int k = 0; k < unitClasses.length; k++) {
      row[firstColumn + k] = p[from + k];
      double value = score == null ? p[from + k] : score[scoreFrom + k];
      if (value > bestScore) {
        bestScore = value;
        bestClass = k;
      }
    }
    out.labels()[at] = unitClasses[bestClass];
    out.classScores()[at] = row;
    out.firedTask()[at] = unitIndex;
    out.taskScores()[at] = taskScores;
  }

  /**
   * {@link #predictChunk} for the ridge router: every head's logits and the router's class scores come from
   * {@link FusedInference}'s two products; the rest (softmax, task scores, the fired unit's class) is the same
   * per-row Java work on one array.
   */
  private void predictFused(INDArray x, int offset, int[] givenTask, Predictions out) {
    int n = (int) x.rows();
    int taskCount = units.size();
    int width = fused.columns();
    float[] y = fused.outputs(x);
    int routerColumn = fused.routerColumn();
    boolean max = config.routerTaskScore() == AutoActivatorConfig.TaskScore.MAX;
    boolean sum = givenTask == null && config.classScore() == AutoActivatorConfig.ClassScore.SUM;
    float[] p = new float[maxClassesPerTask()];
    float[] combined = sum ? new float[maxClassesPerTask()] : null;
    for (int i = 0; i < n; i++) {
      int base = i * width;
      float[] scores = new float[taskCount];
      for (int t = 0; t < taskCount; t++) {
        int c = units.get(t).classes().length;
        int from = base + routerColumn + fused.unitColumn(t); // the router's classes are in model order
        double value = max ? Double.NEGATIVE_INFINITY : 0;
        for (int j = 0; j < c; j++) {
          value = max ? Math.max(value, y[from + j]) : value + y[from + j];
        }
        scores[t] = (float) value;
      }
      int unitIndex = givenTask != null ? givenTask[offset + i] : best(scores, false);
      int c = units.get(unitIndex).classes().length;
      int logits = base + fused.unitColumn(unitIndex);
      softmax(y, logits, c, p, 0);
      int firstColumn = fused.unitColumn(unitIndex);
      if (sum) {
        for (int k = 0; k < c; k++) {
          combined[k] = y[logits + k] + y[base + routerColumn + firstColumn + k];
        }
      }
      answer(out, offset + i, unitIndex, firstColumn, p, 0, combined, 0, scores);
    }
  }

  private int maxClassesPerTask() {
    int max = 1;
    for (Unit unit : units) {
      max = Math.max(max, unit.classes().length);
    }
    return max;
  }

  /** Softmax of {@code c} logits at {@code from} into {@code p[to, to + c)} (max-shifted, as ND4J's). */
  private static void softmax(float[] logits, int from, int c, float[] p, int to) {
    float max = Float.NEGATIVE_INFINITY;
    for (int k = 0; k < c; k++) {
      max = Math.max(max, logits[from + k]);
    }
    float sum = 0;
    for (int k = 0; k < c; k++) {
      float e = (float) Math.exp(logits[from + k] - max);
      p[to + k] = e;
      sum += e;
    }
    for (int k = 0; k < c; k++) {
      p[to + k] /= sum;
    }
  }

  /** Every node's activation for the rows of {@code x}, n x totalNodes (null when no unit has nodes). */
  private INDArray hidden(INDArray x) {
    return totalNodes == 0 ? null : config.activation().applyInPlace(x.mmul(nodeWeights).addiRowVector(nodeBiases));
  }

  /** The shared random features of the rows of {@code x}, n x F (null without a shared layer). */
  private INDArray sharedFeatures(INDArray x) {
    return router == null ? null : router.map().apply(x);
  }

  /** The columns of {@code hidden} that {@code unit}'s head reads (null when it reads no node). */
  private static INDArray nodesRead(Unit unit, INDArray hidden) {
    return unit.visibleNodes() == 0 ? null : hidden.get(NDArrayIndex.all(),
        NDArrayIndex.interval(unit.readFrom(), unit.nodeStart() + unit.nodes()));
  }

  /** Unit {@code t}'s head outputs, n x C_t: shared features' rows of the head first, then the nodes'. */
  private INDArray headOutputs(int t, INDArray nodesRead, INDArray phi) {
    Unit unit = units.get(t);
    INDArray head = heads.get(t);
    if (unit.shared() == 0) {
      return nodesRead.mmul(head);
    }
    INDArray outputs = phi.mmul(head.get(NDArrayIndex.interval(0, unit.shared()), NDArrayIndex.all()));
    if (nodesRead != null) {
      outputs.addi(nodesRead.mmul(head.get(NDArrayIndex.interval(unit.shared(), unit.visible()),
          NDArrayIndex.all())));
    }
    return outputs;
  }

  /**
   * The paper's batch protocol (Eq. 12 over a batch): the rows are taken to come from ONE task, each unit's
   * statistic (Eq. 11) is averaged over the batch, and the unit whose mean is closest to its training threshold
   * answers every row. This leaks the task identity into the test (a batch of one task's samples is the task id),
   * so it is a separate, labelled figure, never per-sample class-incremental accuracy.
   */
  @Override
  public Predictions predictTaskBatch(float[][] rows) {
    if (rows.length == 0) {
      return predict(rows);
    }
    INDArray x = toMatrix(rows);
    INDArray hidden = hidden(x);
    INDArray phi = sharedFeatures(x);
    int best = 0;
    double bestGap = Double.POSITIVE_INFINITY;
    for (int t = 0; t < units.size(); t++) {
      Unit unit = units.get(t);
      INDArray outputs = headOutputs(t, nodesRead(unit, hidden), phi);
      float[] p = Transforms.softmax(outputs, false).dup('c').data().asFloat();
      int c = unit.classes().length;
      double mean = 0;
      for (int i = 0; i < rows.length; i++) {
        mean += Thresholds.statistic(p, i * c, c, config.alpha()) / rows.length;
      }
      double gap = Math.abs(unit.threshold() - mean);
      if (gap < bestGap) {
        bestGap = gap;
        best = t;
      }
    }
    int[] task = new int[rows.length];
    Arrays.fill(task, best);
    return predictWithTask(rows, task);
  }

  /** Row-wise softmax of a row-major n x c block, into a new array (max-shifted, as ND4J's). */
  static float[] softmaxRows(float[] logits, int c) {
    float[] p = new float[logits.length];
    for (int row = 0; row < logits.length; row += c) {
      softmax(logits, row, c, p, row);
    }
    return p;
  }

  private float[] mahalanobisScores(int t, INDArray visible) {
    INDArray precision = mahalanobisPrecisions.get(t);
    INDArray projected = visible.mmul(precision);
    INDArray quadratic = projected.mul(visible).sum(1);
    INDArray cross = projected.mmul(mahalanobisMeans.get(t).transpose());
    double[] offsets = mahalanobisOffsets.get(t);
    float[] q = quadratic.data().asFloat();
    int n = q.length;
    int c = offsets.length;
    float[] x = cross.dup('c').data().asFloat();
    Unit.MahalanobisStats stats = units.get(t).mahalanobis();
    float[] z = new float[n];
    for (int i = 0; i < n; i++) {
      double min = Double.POSITIVE_INFINITY;
      for (int k = 0; k < c; k++) {
        min = Math.min(min, q[i] - 2.0 * x[i * c + k] + offsets[k]);
      }
      double logD2 = Math.log(Math.max(min, 1e-12));
      z[i] = (float) (-(logD2 - stats.logMean()) / stats.logStd());
    }
    return z;
  }

  private int columnOf(int label) {
    for (int i = 0; i < classes.length; i++) {
      if (classes[i] == label) {
        return i;
      }
    }
    throw new IllegalStateException("class " + label + " is not in the model");
  }

  private static int best(float[] scores, boolean lowerWins) {
    int best = 0;
    for (int t = 1; t < scores.length; t++) {
      if (lowerWins ? scores[t] < scores[best] : scores[t] > scores[best]) {
        best = t;
      }
    }
    return best;
  }

  private INDArray toMatrix(float[][] features) {
    if (features.length == 0) {
      return Nd4j.create(DataType.FLOAT, 0, inputDimension);
    }
    float[] flat = new float[features.length * inputDimension];
    for (int i = 0; i < features.length; i++) {
      float[] row = features[i];
      if (row == null || row.length != inputDimension) {
        throw new InvalidTaskDataException("row " + i + " has " + (row == null ? "no" : String.valueOf(row.length))
            + " features, the model expects " + inputDimension);
      }
      for (int j = 0; j < inputDimension; j++) {
        if (!Float.isFinite(row[j])) {
          throw new InvalidTaskDataException("row " + i + " feature " + j + " is " + row[j]);
        }
      }
      System.arraycopy(row, 0, flat, i * inputDimension, inputDimension);
    }
    return Nd4j.create(flat, new long[] {features.length, inputDimension}, 'c');
  }

  private INDArray checked(INDArray features) {
    if (features.rank() != 2 || features.columns() != inputDimension) {
      throw new InvalidTaskDataException("features have shape " + Arrays.toString(features.shape())
          + ", the model expects N x " + inputDimension);
    }
    INDArray x = features.dataType() == DataType.FLOAT ? features : features.castTo(DataType.FLOAT);
    float[] values = x.dup('c').data().asFloat();
    for (int i = 0; i < values.length; i++) {
      if (!Float.isFinite(values[i])) {
        throw new InvalidTaskDataException("row " + (i / inputDimension) + " feature " + (i % inputDimension)
            + " is " + values[i]);
      }
    }
    return Nd4j.create(values, new long[] {x.rows(), inputDimension}, 'c');
  }

  /**
   * Writes weights format {@value #WEIGHTS_FORMAT}: the learner's name, seed and options are not among them (the
   * snapshot's provenance records them, {@link #learnerSettings()}).
   */
  @Override
  public void writeWeights(DataOutput out) throws IOException {
    out.writeInt(WEIGHTS_FORMAT);
    out.writeInt(inputDimension);
    out.writeInt(units.size());
    for (int t = 0; t < units.size(); t++) {
      Unit unit = units.get(t);
      out.writeUTF(taskIds.get(t));
      ArrayIO.writeInts(out, unit.classes());
      out.writeInt(unit.nodeStart());
      out.writeInt(unit.readFrom());
      out.writeInt(unit.shared());
      out.writeDouble(unit.threshold());
      ArrayIO.writeFloats(out, unit.weights());
      ArrayIO.writeFloats(out, unit.biases());
      ArrayIO.writeFloats(out, unit.head());
      Unit.MahalanobisStats stats = unit.mahalanobis();
      out.writeBoolean(stats != null);
      if (stats != null) {
        ArrayIO.writeFloats(out, stats.means());
        ArrayIO.writeFloats(out, stats.precision());
        out.writeDouble(stats.logMean());
        out.writeDouble(stats.logStd());
      }
    }
    out.writeBoolean(router != null);
    if (router != null) {
      router.map().write(out);
      if (router.gram() instanceof RouterGram.Factored f) {
        out.writeByte(FACTORED_GRAM);
        out.writeInt(f.factor().rows());
        ArrayIO.writeDoubles(out, f.factor().values());
      } else {
        out.writeByte(PACKED_GRAM);
        ArrayIO.writeDoubles(out, ((RouterGram.Packed) router.gram()).packed());
      }
      ArrayIO.writeDoubles(out, router.crossTerms());
      ArrayIO.writeFloats(out, router.readout());
      out.writeDouble(router.relativeRidge());
    }
  }

  @Override
  public String toString() {
    return "AutoActivatorModel[" + learner + ", tasks=" + taskIds + ", nodes=" + totalNodes + ", router="
        + AutoActivatorConfig.name(config.router()) + "]";
  }
}
