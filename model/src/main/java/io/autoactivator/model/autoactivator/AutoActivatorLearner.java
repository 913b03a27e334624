package io.autoactivator.model.autoactivator;

import io.autoactivator.model.api.ClassIncrementalModel;
import io.autoactivator.model.api.IncrementalLearner;
import io.autoactivator.model.api.InvalidTaskDataException;
import io.autoactivator.model.api.LearnedTask;
import io.autoactivator.model.api.TaskData;
import io.autoactivator.model.api.TaskSource;
import io.autoactivator.model.api.TrainingListener;
import io.autoactivator.model.linalg.SingularSystemException;
import io.autoactivator.model.linalg.SymmetricSolver;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;

import org.nd4j.linalg.api.buffer.DataType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Trains one AutoActivator unit per task (shared/research/autoactivator.md, loop of section 4.10):
 * <ol>
 *   <li>knowledge transfer: the outputs of all earlier units' frozen nodes on the task's data start the unit's
 *       feature matrix H (option {@code transfer});</li>
 *   <li>each step draws T_max candidate blocks of l random nodes, keeps those satisfying the supervisory inequality
 *       {@code <e_q, G G^+ e_q> >= (1 - r - mu_L) ||e_q||^2} for every output q (r tried in list order,
 *       mu_L = (1-r)/(L+1), L = the unit's nodes after the block joins), and recruits the one with the largest
 *       {@code sum_q xi_q};</li>
 *   <li>the ridge least-squares head is updated step-wise: the blocks G^T H, G^T G, G^T Y join the Gram statistics
 *       and the inverse of the regularised Gram grows by a Schur-complement update (small solves in
 *       {@link SymmetricSolver});</li>
 *   <li>growth stops at L_max, at the target training accuracy R(t), or when no block is admissible; the unit is then
 *       frozen and its activation threshold (Eq. 11) and router statistics are computed.</li>
 * </ol>
 * Nothing of the task's samples is kept: the returned model holds weights and statistics only.
 *
 * <p>Deterministic: each task's random numbers come from a {@link SplittableRandom} seeded by (seed, task index);
 * ND4J's global RNG is never used.
 */
public final class AutoActivatorLearner implements IncrementalLearner {

  private static final Logger LOG = LoggerFactory.getLogger(AutoActivatorLearner.class);

  /**
   * Tasks whose in-memory matrices ({@link #inMemoryBytes}) exceed this many bytes train read in chunks
   * ({@link ChunkedUnitTraining}): {@link TaskSource#IN_MEMORY_BUDGET}.
   */
  static final long IN_MEMORY_BUDGET = TaskSource.IN_MEMORY_BUDGET;

  private final String name;
  private final AutoActivatorConfig config;
  private final long seed;
  private final long inMemoryBudget;

  public AutoActivatorLearner(String name, AutoActivatorConfig config, long seed) {
    this(name, config, seed, IN_MEMORY_BUDGET);
  }

  /** A learner whose tasks train read in chunks beyond {@code inMemoryBudget} bytes (tests force that path). */
  AutoActivatorLearner(String name, AutoActivatorConfig config, long seed, long inMemoryBudget) {
    this.name = Objects.requireNonNull(name, "name");
    this.config = Objects.requireNonNull(config, "config");
    this.seed = seed;
    this.inMemoryBudget = inMemoryBudget;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String configHash() {
    return config.configHash();
  }

  public AutoActivatorConfig config() {
    return config;
  }

  public long seed() {
    return seed;
  }

  @Override
  public AutoActivatorModel learn(ClassIncrementalModel previous, TaskData task, TrainingListener listener) {
    Objects.requireNonNull(task, "task");
    TrainingListener progress = listener == null ? TrainingListener.NONE : listener;
    AutoActivatorModel prev = checkPrevious(previous, task.taskId(), task.classes(), task.dimension());
    long started = System.nanoTime();
    int taskIndex = prev == null ? 0 : prev.tasks().size();
    progress.taskStarted(task.taskId(), task.size(), config.maxNodes());
    UnitTraining training = new UnitTraining(prev, task, taskIndex, progress);
    AutoActivatorModel model = training.run();
    progress.taskFinished(task.taskId(), model.unitList().get(taskIndex).nodes(), (System.nanoTime() - started) / 1e9);
    return model;
  }

  /**
   * Learns the task {@code source} reads: in memory, exactly as {@link #learn(ClassIncrementalModel, TaskData,
   * TrainingListener)}, when its matrices fit {@link #IN_MEMORY_BUDGET} (or the configuration has no chunked path);
   * else read in chunks ({@link ChunkedUnitTraining}), with memory bounded by the features instead of the rows.
   */
  @Override
  public AutoActivatorModel learn(ClassIncrementalModel previous, TaskSource source, TrainingListener listener) {
    Objects.requireNonNull(source, "source");
    if (!streams(previous, source)) {
      return learn(previous, source.materialise(), listener);
    }
    TrainingListener progress = listener == null ? TrainingListener.NONE : listener;
    AutoActivatorModel prev = checkPrevious(previous, source.taskId(), source.classes(), source.dimension());
    LOG.info("task {}: {} samples x {} features read in chunks (in memory its matrices would take {} MB, over the"
        + " budget of {} MB)", source.taskId(), source.size(), source.dimension(),
        inMemoryBytes(source.size(), source.dimension()) >> 20, inMemoryBudget >> 20);
    long started = System.nanoTime();
    int taskIndex = prev == null ? 0 : prev.tasks().size();
    progress.taskStarted(source.taskId(), source.size(), config.maxNodes());
    AutoActivatorModel model = new ChunkedUnitTraining(this, prev, source, taskIndex, progress).run();
    progress.taskFinished(source.taskId(), model.unitList().get(taskIndex).nodes(),
        (System.nanoTime() - started) / 1e9);
    return model;
  }

  @Override
  public boolean streams(ClassIncrementalModel previous, TaskSource source) {
    AutoActivatorModel prev = previous instanceof AutoActivatorModel model ? model : null;
    return inMemoryBytes(source.size(), source.dimension()) > inMemoryBudget
        && ChunkedUnitTraining.supports(config, prev, source.size(), source.dimension());
  }

  /**
   * What the in-memory training holds for a task of {@code n} rows of {@code d} features at most: the rows three
   * times (materialised, transformed, off-heap float), the router's features (n x F float) and the unit's columns
   * once it recruits (n x (F + max.nodes) double).
   */
  long inMemoryBytes(long n, int d) {
    return n * (12L * d + 4L * config.routerFeatures() + 8L * (config.routerFeatures() + config.maxNodes()));
  }

  private AutoActivatorModel checkPrevious(ClassIncrementalModel previous, String taskId, int[] taskClasses,
      int dimension) {
    ImageShape shape = config.inputShape();
    if (shape != null && shape.size() != dimension) {
      throw new InvalidTaskDataException("task " + taskId + " has " + dimension + " features per"
          + " sample, but input.shape " + shape + " declares " + shape.size());
    }
    if (previous == null) {
      return null;
    }
    if (!(previous instanceof AutoActivatorModel model) || !previous.learner().equals(name)) {
      throw new InvalidTaskDataException("the previous model was made by learner '" + previous.learner()
          + "', not by '" + name + "'; start a new sequence or use that learner");
    }
    if (!model.config().equals(config)) {
      throw new InvalidTaskDataException("the previous model was trained with options " + model.config().toOptions()
          + ", this learner has " + config.toOptions());
    }
    if (dimension != previous.inputDimension()) {
      throw new InvalidTaskDataException("task " + taskId + " has " + dimension
          + " features per sample, the model expects " + previous.inputDimension());
    }
    for (LearnedTask learned : previous.tasks()) {
      if (learned.taskId().equals(taskId)) {
        throw new InvalidTaskDataException("task id " + taskId + " was already learned");
      }
      for (int c : taskClasses) {
        if (Arrays.stream(learned.classes()).anyMatch(k -> k == c)) {
          throw new InvalidTaskDataException("task " + taskId + ": class " + c + " is already known (learned"
              + " in task " + learned.taskId() + "); class-incremental tasks must bring new classes");
        }
      }
    }
    return model;
  }

  /** Seed of task {@code index}'s generator (index -1: the ridge router's fixed features). */
  static long taskSeed(long seed, int index) {
    long z = seed + 0x9E3779B97F4A7C15L * (index + 2L);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** The state of one task's training; discarded (with the task's data) when {@link #run} returns. */
  private final class UnitTraining {
    private final AutoActivatorModel prev;
    private final TaskData task;
    private final int taskIndex;
    private final TrainingListener listener;
    private final SplittableRandom random;
    private final CandidateSearch candidates;
    private final int n;
    private final int d;
    private final int c;
    private final int[] target;
    private final INDArray x;
    private final INDArray y;
    private final RouterTuning tuning;

    UnitTraining(AutoActivatorModel prev, TaskData task, int taskIndex, TrainingListener listener) {
      this.prev = prev;
      this.task = task;
      this.taskIndex = taskIndex;
      this.listener = listener;
      this.random = new SplittableRandom(taskSeed(seed, taskIndex));
      this.n = task.size();
      this.d = task.dimension();
      this.c = task.classes().length;
      this.candidates = new CandidateSearch(config, random, taskIndex, d, c);
      this.target = new int[n];
      float[] flat = new float[n * d];
      double[] oneHot = new double[n * c];
      float[][] features = task.features();
      for (int i = 0; i < n; i++) {
        System.arraycopy(features[i], 0, flat, i * d, d);
        target[i] = task.classIndex(task.labels()[i]);
        oneHot[i * c + target[i]] = 1;
      }
      this.x = Nd4j.create(flat, new long[] {n, d}, 'c');
      this.y = Nd4j.create(oneHot, new long[] {n, c}, 'c');
      this.tuning = new RouterTuning(config, x, target, c, taskSeed(seed, 1_000_000 + taskIndex));
    }

    AutoActivatorModel run() {
      int oldNodes = prev == null ? 0 : prev.totalNodes();
      // The shared feature layer (the ridge router's) learns this task's statistics first: units may read it.
      SharedFeatures shared = config.sharedFeatures() ? sharedFeatures() : null;
      int readFrom = config.transfer() == AutoActivatorConfig.Transfer.UNITS ? 0 : oldNodes;
      int sharedCount = config.transfer() == AutoActivatorConfig.Transfer.ROUTER ? shared.router().features() : 0;
      int oldRead = oldNodes - readFrom;
      int d0 = sharedCount + oldRead;
      int maxColumns = d0 + config.maxNodes();
      // The unit's columns in double (n x maxColumns) exist only once a block is recruited: a unit that stops at its
      // starting columns (most, with transfer=router) is solved and scored on the float starting features.
      INDArray h = null;
      INDArray hty = Nd4j.create(DataType.DOUBLE, maxColumns, c);
      INDArray ainv = null;
      INDArray start = null;
      GramAlgebra.LazyGram startGram = null;
      // gamma of this unit's head: with ridge=auto the router's validated ridge (headRidge; a unit that starts from
      // nothing uses the middle of the grid times its first block's mean diagonal: see the loop)
      double gamma = Double.isNaN(config.ridge()) ? Double.NaN : config.ridge();
      int columns = 0;
      if (d0 > 0) {
        GramAlgebra.LazyGram packedGram;
        INDArray knownCross = null;
        if (oldRead == 0) {
          // transfer=router: the unit starts from the shared features, whose Gram and cross terms on this task are
          // already known.
          start = shared.phi();
          packedGram = shared.taskGram();
          knownCross = Nd4j.create(shared.taskCross(), new long[] {d0, c}, 'c');
        } else {
          INDArray w0 = prev.nodeWeights().get(NDArrayIndex.all(), NDArrayIndex.interval(readFrom, oldNodes));
          INDArray b0 = prev.nodeBiases().get(NDArrayIndex.all(), NDArrayIndex.interval(readFrom, oldNodes));
          start = config.activation().applyInPlace(x.mmul(w0).addiRowVector(b0));
          if (sharedCount > 0) {
            start = Nd4j.hstack(shared.phi(), start);
          }
          // Upper-triangle blocks only (float gemm, accumulated in double), mirrored; exactly symmetric.
          packedGram = new GramAlgebra.LazyGram(start);
        }
        startGram = packedGram;
        hty.get(NDArrayIndex.interval(0, d0), NDArrayIndex.all()).assign(knownCross != null ? knownCross
            : start.transpose().mmul(y.castTo(start.dataType())).castTo(DataType.DOUBLE));
        columns = d0;
      }
      INDArray beta = null;
      INDArray outputs = null;
      INDArray residual = y.dup();
      double accuracy = 0;
      if (columns > 0) {
        // The head on what the unit starts from, solved directly; the explicit inverse that the step-wise updates
        // need is only built if a block is recruited.
        INDArray startCross = hty.get(NDArrayIndex.interval(0, d0), NDArrayIndex.all());
        if (Double.isNaN(gamma)) {
          // ridge=auto: the relative ridge the router validated on this task, on the head's own Gram (it reads the
          // same features; a search of its own measured no better: see headRidge)
          gamma = headRidge(shared) * startGram.meanDiagonal();
        }
        beta = startingHead(start, startGram, startCross, gamma);
        outputs = start.mmul(beta.castTo(start.dataType())).castTo(DataType.DOUBLE);
        residual = y.sub(outputs);
        accuracy = accuracy(outputs);
      }

      int[] evalRows = evaluationRows();
      INDArray evalX = evalRows == null ? x : Nd4j.pullRows(x, 1, evalRows);
      float[] unitWeights = new float[d * config.maxNodes()];
      float[] unitBiases = new float[config.maxNodes()];
      List<BlockRecord> records = new ArrayList<>();
      int nodes = 0;
      // Once the unit reads as many columns as the task has rows, no block can add a direction the head does not
      // already span (its Schur complement is only the ridge, lost in rounding): growth stops there.
      while (nodes < config.maxNodes() && !targetReached(columns, accuracy) && columns < n) {
        int l = Math.min(config.blockSize(), config.maxNodes() - nodes);
        if (h == null) {
          h = Nd4j.create(DataType.DOUBLE, new long[] {n, maxColumns}, 'f');
          if (d0 > 0) {
            h.get(NDArrayIndex.all(), NDArrayIndex.interval(0, d0)).assign(start.castTo(DataType.DOUBLE));
          }
        }
        if (ainv == null && columns > 0) {
          ainv = GramAlgebra.inverse(GramAlgebra.unpack(startGram.get(), d0, gamma));
        }
        INDArray evalResidual = evalRows == null ? residual : Nd4j.pullRows(residual, 1, evalRows);
        CandidateSearch.Candidate chosen = candidates.search(evalX, evalResidual, l, nodes + l);
        if (chosen == null) {
          break;
        }
        INDArray wk = Nd4j.create(chosen.weights(), new long[] {d, l}, 'c');
        INDArray bk = Nd4j.create(chosen.biases(), new long[] {1, l}, 'c');
        INDArray g = config.activation().applyInPlace(x.mmul(wk).addiRowVector(bk)).castTo(DataType.DOUBLE);
        INDArray gram = GramAlgebra.symmetrize(g.transpose().mmul(g));
        if (Double.isNaN(gamma)) {
          double trace = 0;
          for (int j = 0; j < l; j++) {
            trace += gram.getDouble(j, j);
          }
          gamma = RouterTuning.SCALE_RIDGE * Math.max(1e-12, trace / l);
        }
        INDArray gtg = GramAlgebra.addDiagonal(gram, gamma);
        INDArray cross = columns == 0 ? null
            : h.get(NDArrayIndex.all(), NDArrayIndex.interval(0, columns)).transpose().mmul(g);
        try {
          ainv = GramAlgebra.appendInverse(ainv, cross, gtg);
        } catch (SingularSystemException degenerate) {
          break; // the block adds nothing numerically independent of what the unit reads: as if none were admissible
        }
        h.get(NDArrayIndex.all(), NDArrayIndex.interval(columns, columns + l)).assign(g);
        hty.get(NDArrayIndex.interval(columns, columns + l), NDArrayIndex.all()).assign(g.transpose().mmul(y));
        columns += l;
        for (int i = 0; i < d; i++) {
          System.arraycopy(chosen.weights(), i * l, unitWeights, i * config.maxNodes() + nodes, l);
        }
        System.arraycopy(chosen.biases(), 0, unitBiases, nodes, l);
        nodes += l;
        records.add(chosen.record());

        beta = ainv.mmul(hty.get(NDArrayIndex.interval(0, columns), NDArrayIndex.all()));
        outputs = h.get(NDArrayIndex.all(), NDArrayIndex.interval(0, columns)).mmul(beta);
        residual = y.sub(outputs);
        accuracy = accuracy(outputs);
        double rms = Math.sqrt(residual.mul(residual).sumNumber().doubleValue() / ((double) n * c));
        listener.progress(task.taskId(), nodes, config.maxNodes(), rms, accuracy);
      }
      if (columns == 0) {
        throw new IllegalStateException("task " + task.taskId() + ": no candidate block satisfied the supervisory"
            + " inequality and there are no earlier nodes to reuse; try more trials or other lambdas");
      }

      float[] weights = new float[d * nodes];
      for (int i = 0; i < d; i++) {
        System.arraycopy(unitWeights, i * config.maxNodes(), weights, i * nodes, nodes);
      }
      float[] biases = Arrays.copyOf(unitBiases, nodes);
      float[] head = beta.castTo(DataType.FLOAT).dup('c').data().asFloat();
      double threshold = threshold(outputs);
      Unit.MahalanobisStats stats = config.router() != AutoActivatorConfig.Router.MAHALANOBIS ? null
          : mahalanobis(h == null ? start.castTo(DataType.DOUBLE)
              : h.get(NDArrayIndex.all(), NDArrayIndex.interval(0, columns)));
      Unit unit = new Unit(task.classes().clone(), weights, biases, oldNodes, sharedCount, readFrom, head, threshold,
          stats);
      RidgeRouter router = shared == null ? null : shared.router();

      List<String> taskIds = new ArrayList<>(prev == null ? List.of() : prev.taskIds());
      taskIds.add(task.taskId());
      List<Unit> units = new ArrayList<>(prev == null ? List.of() : prev.unitList());
      units.add(unit);
      List<List<BlockRecord>> recruitment = new ArrayList<>(prev == null ? List.of() : prev.recruitment());
      recruitment.add(List.copyOf(records));
      return new AutoActivatorModel(name, config, seed, d, taskIds, units, router, recruitment);
    }

    /**
     * The ridge head {@code (H^T H + gamma I)^-1 H^T Y} on the unit's starting columns H (n x D): in the dual form
     * {@code H^T (H H^T + gamma I)^-1 Y} when the task has fewer rows than columns (the same solution; an n x n
     * system instead of D x D, e.g. a table of 150 rows read through 2,500 shared features).
     */
    private INDArray startingHead(INDArray start, GramAlgebra.LazyGram packedGram, INDArray startCross,
        double gamma) {
      int columns = (int) start.columns();
      if (n < columns) {
        INDArray rows = start.castTo(DataType.DOUBLE);
        INDArray kernel = GramAlgebra.addDiagonal(GramAlgebra.symmetrize(rows.mmul(rows.transpose())), gamma);
        INDArray dual = Nd4j.create(SymmetricSolver.solve(kernel.dup('c').data().asDouble(),
            y.dup('c').data().asDouble(), n, c), new long[] {n, c}, 'c');
        return rows.transpose().mmul(dual);
      }
      double[] solution = RouterTuning.solve(packedGram.get(), columns, gamma, startCross.dup('c').data().asDouble(),
          c);
      return Nd4j.create(solution, new long[] {columns, c}, 'c');
    }

    /**
     * The relative ridge of a unit head with ridge=auto: the router's, chosen on this task's rows by leave-one-out
     * error ({@link RouterTuning#chooseRidge}), when the router's ridge is validated; else the middle of the grid.
     * Measured against a head that validates its own ridge (leave-one-out among the router's neighbours, or
     * within-task accuracy on a held-out slice over the whole grid) on every table, 5-10 seeds each
     * (benchmarks/reference/prototype/exp7.py): equal within 0.1 point on average, or better (Glass +1.2 over the
     * held-out rule), at the price of one solve instead of three to six.
     */
    private double headRidge(SharedFeatures shared) {
      boolean validated = shared != null && Double.isNaN(config.routerRidge()) && config.transfer()
          == AutoActivatorConfig.Transfer.ROUTER;
      return validated ? shared.router().relativeRidge() : RouterTuning.SCALE_RIDGE;
    }

    private boolean targetReached(int columns, double accuracy) {
      return columns > 0 && !Double.isNaN(config.targetAccuracy()) && accuracy >= config.targetAccuracy();
    }

    /** The random subsample the inequality is evaluated on (sorted), or null for all rows. */
    private int[] evaluationRows() {
      int m = config.inequalitySamples();
      return m == 0 || m >= n ? null : CandidateSearch.sampleRows(random, n, m);
    }

    private double accuracy(INDArray outputs) {
      double[] o = outputs.dup('c').data().asDouble();
      int correct = 0;
      for (int i = 0; i < n; i++) {
        int best = 0;
        for (int k = 1; k < c; k++) {
          if (o[i * c + k] > o[i * c + best]) {
            best = k;
          }
        }
        if (best == target[i]) {
          correct++;
        }
      }
      return correct / (double) n;
    }

    private double threshold(INDArray outputs) {
      float[] p = Transforms.softmax(outputs.castTo(DataType.FLOAT), false).dup('c').data().asFloat();
      double sum = 0;
      for (int i = 0; i < n; i++) {
        sum += Thresholds.statistic(p, i * c, c, config.alpha());
      }
      return sum / n;
    }

    /** Class means and shrunk shared precision on a fit split; z-calibration of log min d^2 on the rest. */
    private Unit.MahalanobisStats mahalanobis(INDArray visible) {
      int dim = (int) visible.columns();
      int[] order = new int[n];
      for (int i = 0; i < n; i++) {
        order[i] = i;
      }
      for (int i = n - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        int swap = order[i];
        order[i] = order[j];
        order[j] = swap;
      }
      int calibrationCount = n < 4 ? 0 : (int) Math.max(1, Math.round(n * config.mahalanobisCalibration()));
      int[] calibration = Arrays.copyOf(order, calibrationCount);
      int[] fit = Arrays.copyOfRange(order, calibrationCount, n);
      Arrays.sort(calibration);
      Arrays.sort(fit);
      INDArray rows = visible.dup('c');
      INDArray hf = Nd4j.pullRows(rows, 1, fit);
      INDArray yf = Nd4j.pullRows(y, 1, fit);
      double[] counts = new double[c];
      for (int i : fit) {
        counts[target[i]]++;
      }
      INDArray sums = yf.transpose().mmul(hf);
      for (int k = 0; k < c; k++) {
        sums.getRow(k).divi(Math.max(1, counts[k]));
      }
      INDArray means = sums;
      INDArray centred = hf.sub(yf.mmul(means));
      INDArray covariance = GramAlgebra.symmetrize(centred.transpose().mmul(centred))
          .divi(Math.max(1, fit.length - c));
      double trace = 0;
      for (int j = 0; j < dim; j++) {
        trace += covariance.getDouble(j, j);
      }
      double s = config.mahalanobisShrinkage();
      covariance.muli(1 - s);
      GramAlgebra.addDiagonal(covariance, s * trace / dim + 1e-9 * (trace / dim + 1e-12));
      INDArray precision = GramAlgebra.inverse(covariance);
      float[] meansF = means.castTo(DataType.FLOAT).dup('c').data().asFloat();
      float[] precisionF = precision.castTo(DataType.FLOAT).dup('c').data().asFloat();
      double logMean = 0;
      double logStd = 1;
      if (calibration.length > 0) {
        INDArray hc = Nd4j.pullRows(rows, 1, calibration);
        INDArray projected = hc.mmul(precision);
        double[] quadratic = projected.mul(hc).sum(1).dup('c').data().asDouble();
        double[] cross = projected.mmul(means.transpose()).dup('c').data().asDouble();
        double[] offsets = means.mmul(precision).muli(means).sum(1).dup('c').data().asDouble();
        double[] logs = new double[calibration.length];
        for (int i = 0; i < logs.length; i++) {
          double min = Double.POSITIVE_INFINITY;
          for (int k = 0; k < c; k++) {
            min = Math.min(min, quadratic[i] - 2 * cross[i * c + k] + offsets[k]);
          }
          logs[i] = Math.log(Math.max(min, 1e-12));
          logMean += logs[i];
        }
        logMean /= logs.length;
        double variance = 0;
        for (double v : logs) {
          variance += (v - logMean) * (v - logMean);
        }
        logStd = Math.max(1e-6, Math.sqrt(variance / logs.length));
      }
      return new Unit.MahalanobisStats(meansF, precisionF, logMean, logStd);
    }

    /**
     * Adds this task's statistics to the shared random feature layer (the ridge router) and re-solves its readout over
     * every class seen. With router.lambda=auto the first task chooses the layer's weight scale; with
     * router.ridge=auto every task chooses the ridge term, each by accuracy on the task's held-out slice
     * ({@link RouterTuning}). The task's feature matrix and Gram are kept for the unit, which may read them.
     */
    private SharedFeatures sharedFeatures() {
      RidgeRouter old = prev == null ? null : prev.router();
      FeatureMap map;
      INDArray phi = null;
      RouterGram gram;
      double[] oldCross;
      int oldClasses;
      if (old == null) {
        if (config.convolutionRouter(d)) {
          double lambda = Double.isNaN(config.routerLambda()) || config.mixedRouterScales() ? 1.0
              : config.routerLambda();
          AutoActivatorConfig.Convolution conv = config.convolution();
          ConvolutionFeatureMap.Drawn drawn = ConvolutionFeatureMap.draw(config.inputShape(), conv.kernel(),
              conv.stride(), conv.grid(), conv.activation(), config.routerFeatures(), lambda, taskSeed(seed, -1), x);
          map = drawn.map();
          phi = drawn.firstTaskFeatures();
        } else {
          map = drawDenseMap();
        }
        gram = RouterGram.empty(map.features(), x.rows());
        oldCross = new double[0];
        oldClasses = 0;
      } else {
        map = old.map();
        gram = old.gram();
        oldCross = old.crossTerms();
        oldClasses = old.classes();
      }
      int f = map.features();
      if (phi == null) {
        phi = map.apply(x);
      }
      // Gram in float gemm (fast), upper triangle only, accumulated in double; the router ridge dominates float
      // rounding.
      GramAlgebra.LazyGram taskGram = new GramAlgebra.LazyGram(phi);
      gram = gram.plus(phi, taskGram::get);
      double[] taskCross = phi.transpose().mmul(y.castTo(DataType.FLOAT)).castTo(DataType.DOUBLE).dup('c').data()
          .asDouble();
      int classesNow = oldClasses + c;
      double[] cross = RidgeRouter.joinCross(oldCross, oldClasses, taskCross, f, c);
      double relative;
      double[] readout;
      if (Double.isNaN(config.routerRidge())) {
        RouterTuning.RidgeFit fit = tuning.chooseRidge(phi, gram, cross, oldClasses, classesNow,
            old == null ? Double.NaN : old.relativeRidge());
        relative = fit.relative();
        readout = fit.readout();
      } else {
        relative = config.routerRidge() / gram.meanDiagonal();
        readout = gram.solve(config.routerRidge(), cross, classesNow);
      }
      return new SharedFeatures(RidgeRouter.solved(map, gram, cross, readout, relative), phi, taskGram, taskCross);
    }

    /**
     * The first task draws a dense router layer (no declared image shape, or router.map=dense), with
     * router.lambda=auto choosing its scale on this task.
     */
    private FeatureMap drawDenseMap() {
      return denseMap(d, tuning::chooseScale);
    }
  }

  /**
   * A first task's dense router layer on {@code d} features: its draws from the layer's seed, at the configured
   * scale(s), or at the one {@code chooseScale} picks when router.lambda=auto.
   */
  DenseFeatureMap denseMap(int d, ToDoubleFunction<RouterTuning.Draws> chooseScale) {
    RouterTuning.Draws draws = RouterTuning.Draws.of(d, config.routerFeatures(), taskSeed(seed, -1));
    double[] scales;
    if (config.mixedRouterScales()) {
      scales = config.routerLambdas();
    } else {
      scales = new double[] {Double.isNaN(config.routerLambda()) ? chooseScale.applyAsDouble(draws)
          : config.routerLambda()};
    }
    return new DenseFeatureMap(d, config.denseActivation(), draws.weights(scales, config.scaling()),
        draws.biases(scales, config.scaling()));
  }

  /**
   * The shared layer after this task, with the task's features (float n x F), their packed Gram and their cross
   * terms with the task's one-hot targets (F x c row-major).
   */
  private record SharedFeatures(RidgeRouter router, INDArray phi, GramAlgebra.LazyGram taskGram,
      double[] taskCross) {
  }
}
