package io.autoactivator.model.autoactivator;

import io.autoactivator.model.api.TaskChunk;
import io.autoactivator.model.api.TaskSource;
import io.autoactivator.model.api.TrainingListener;
import io.autoactivator.model.linalg.SingularSystemException;
import io.autoactivator.model.linalg.SymmetricGram;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * One task's unit trained on a {@link TaskSource} read in chunks, for a task whose n x features matrices do not fit
 * memory ({@link AutoActivatorLearner#IN_MEMORY_BUDGET}): the same training as the in-memory one, on statistics
 * accumulated pass after pass instead of matrices of every row. Memory is bounded by the features (the router's
 * F x F Gram, the unit's inverse) and by fixed row samples, not by the task's rows (beyond an int per row):
 * <ol>
 *   <li>pass 1: the router features phi of each chunk give the task's Gram (upper triangle, summed in double),
 *       its cross terms with the one-hot targets and its squares; the ridge's leave-one-out rows
 *       ({@link RouterTuning#LOO_ROWS}) and the inequality sample ({@code inequality.samples}) are kept, chosen
 *       by the same seeded draws as in memory, so the same rows validate and search;</li>
 *   <li>the router's readout and the unit's starting head are solved from those statistics;</li>
 *   <li>pass 2 (and one after each recruited block): training accuracy, Eq. 11's mean threshold and the
 *       residual energy, chunk by chunk;</li>
 *   <li>a recruited block's statistics {@code G^T H, G^T G, G^T Y} take one pass, recomputing each chunk's
 *       columns from the frozen weights.</li>
 * </ol>
 * Supported: the shared-router configurations ({@code transfer=router}, {@code router=ridge}, a dense router map
 * with a fixed scale; {@link #supports}); others train in memory. The choices (ridge, blocks, nodes) are those of the
 * in-memory training up to rounding: sums run over chunks instead of one gemm (tested side by side in
 * {@code ChunkedUnitTrainingTest}).
 */
final class ChunkedUnitTraining {

  /**
   * Rows per chunk: 2,048 rows keep a chunk's double columns (phi and nodes, 2,048 x 2,525 x 8 = 41 MB at the
   * default width) far below ND4J's off-heap limit, which JavaCPP ties to -Xmx by default, while each chunk's gemm
   * stays large enough to run at full speed.
   */
  static final int CHUNK_ROWS = 2048;

  private final AutoActivatorLearner learner;
  private final AutoActivatorConfig config;
  private final AutoActivatorModel prev;
  private final TaskSource source;
  private final int taskIndex;
  private final TrainingListener listener;
  private final SplittableRandom random;
  private final CandidateSearch candidates;
  private final int n;
  private final int d;
  private final int c;
  private final int[] classes;
  /** Each row's class index within the task (an int per row: the one per-row array kept). */
  private final int[] target;

  ChunkedUnitTraining(AutoActivatorLearner learner, AutoActivatorModel prev, TaskSource source, int taskIndex,
      TrainingListener listener) {
    this.learner = learner;
    this.config = learner.config();
    this.prev = prev;
    this.source = source;
    this.taskIndex = taskIndex;
    this.listener = listener;
    this.random = new SplittableRandom(AutoActivatorLearner.taskSeed(learner.seed(), taskIndex));
    this.n = source.size();
    this.d = source.dimension();
    this.classes = source.classes();
    this.c = classes.length;
    this.candidates = new CandidateSearch(config, random, taskIndex, d, c);
    this.target = new int[n];
  }

  /**
   * Whether a task of {@code n} rows and {@code d} features can train this way under {@code config} (after the
   * model before it, or none): the router is shared and dense with a fixed scale, the unit reads it, the inequality
   * runs on a sample, and the task has more rows than the router has features (the head in its primal form, the
   * router's Gram packed).
   */
  static boolean supports(AutoActivatorConfig config, AutoActivatorModel previous, int n, int d) {
    boolean scaleFixed = previous != null || config.mixedRouterScales() || !Double.isNaN(config.routerLambda());
    boolean denseMap = previous != null ? previous.router() != null && previous.router().map() instanceof DenseFeatureMap
        : !config.convolutionRouter(d);
    return config.router() == AutoActivatorConfig.Router.RIDGE
        && config.transfer() == AutoActivatorConfig.Transfer.ROUTER && scaleFixed && denseMap
        && config.inequalitySamples() > 0 && config.inequalitySamples() < n && n > config.routerFeatures();
  }

  AutoActivatorModel run() {
    RidgeRouter old = prev == null ? null : prev.router();
    FeatureMap map = old != null ? old.map() : learner.denseMap(d, draws -> {
      throw new IllegalStateException("router.lambda=auto is not supported on a task read in chunks");
    });
    int f = map.features();
    long tuningSeed = AutoActivatorLearner.taskSeed(learner.seed(), 1_000_000 + taskIndex);
    // The rows the in-memory training would validate the ridge on and search candidates on: the same seeded draws.
    int[] looRows = new RouterTuning(config, null, new int[n], c, tuningSeed).validationRows();
    int[] evalRows = CandidateSearch.sampleRows(random, n, config.inequalitySamples());

    // Pass 1: the task's router statistics and the two row samples.
    double[] taskGramFull = new double[f * f];
    double[] taskCross = new double[f * c];
    double[] squares = new double[1];
    float[] looPhi = new float[looRows.length * f];
    float[] evalX = new float[evalRows.length * d];
    float[] evalPhi = new float[evalRows.length * f];
    source.read(CHUNK_ROWS, chunk -> {
      Rows rows = rows(chunk);
      INDArray phi = map.apply(rows.x);
      SymmetricGram.addUpper(phi, taskGramFull);
      add(taskCross, phi.transpose().mmul(rows.y.castTo(DataType.FLOAT)).castTo(DataType.DOUBLE));
      float[] values = phi.dup('c').data().asFloat();
      for (float v : values) {
        squares[0] += (double) v * v;
      }
      for (int i = 0; i < chunk.size(); i++) {
        int row = chunk.rows()[i];
        int at = Arrays.binarySearch(looRows, row);
        if (at >= 0) {
          System.arraycopy(values, i * f, looPhi, at * f, f);
        }
        at = Arrays.binarySearch(evalRows, row);
        if (at >= 0) {
          System.arraycopy(values, i * f, evalPhi, at * f, f);
          System.arraycopy(chunk.features()[i], 0, evalX, at * d, d);
        }
      }
    });
    double[] taskGram = pack(taskGramFull, f);
    double taskMeanDiagonal = Math.max(squares[0] / f, 1e-12);

    // The router: every task's statistics, its ridge validated on the leave-one-out rows.
    RouterGram gram = old == null ? RouterGram.empty(f, n) : old.gram();
    gram = gram.plusPacked(n, taskGram);
    double[] oldCross = old == null ? new double[0] : old.crossTerms();
    int oldClasses = old == null ? 0 : old.classes();
    int classesNow = oldClasses + c;
    double[] cross = RidgeRouter.joinCross(oldCross, oldClasses, taskCross, f, c);
    double relative;
    double[] readout;
    if (Double.isNaN(config.routerRidge())) {
      int[] looTargets = new int[looRows.length];
      for (int i = 0; i < looRows.length; i++) {
        looTargets[i] = target[looRows[i]];
      }
      // A tuning over the sample alone: at most LOO_ROWS rows, so it validates on all of them, in row order.
      RouterTuning.RidgeFit fit = new RouterTuning(config, null, looTargets, c, tuningSeed).chooseRidge(
          Nd4j.create(looPhi, new long[] {looRows.length, f}, 'c'), gram, cross, oldClasses, classesNow,
          old == null ? Double.NaN : old.relativeRidge());
      relative = fit.relative();
      readout = fit.readout();
    } else {
      relative = config.routerRidge() / gram.meanDiagonal();
      readout = gram.solve(config.routerRidge(), cross, classesNow);
    }
    RidgeRouter router = RidgeRouter.solved(map, gram, cross, readout, relative);

    // The unit's starting head on the router's features (transfer=router), from the task's Gram and cross terms.
    int oldNodes = prev == null ? 0 : prev.totalNodes();
    int maxColumns = f + config.maxNodes();
    double gamma = Double.isNaN(config.ridge())
        ? (Double.isNaN(config.routerRidge()) ? relative : RouterTuning.SCALE_RIDGE) * taskMeanDiagonal
        : config.ridge();
    double[] hty = new double[maxColumns * c];
    System.arraycopy(taskCross, 0, hty, 0, f * c);
    int columns = f;
    INDArray beta = Nd4j.create(RouterTuning.solve(taskGram, f, gamma, taskCross, c), new long[] {f, c}, 'c');
    float[] unitWeights = new float[d * config.maxNodes()];
    float[] unitBiases = new float[config.maxNodes()];
    int nodes = 0;
    Score score = score(map, unitWeights, unitBiases, nodes, beta);
    double accuracy = score.accuracy();

    INDArray evalXs = Nd4j.create(evalX, new long[] {evalRows.length, d}, 'c');
    INDArray evalY = oneHot(evalRows);
    INDArray evalH = Nd4j.create(evalPhi, new long[] {evalRows.length, f}, 'c').castTo(DataType.DOUBLE);
    List<BlockRecord> records = new ArrayList<>();
    INDArray ainv = null;
    while (nodes < config.maxNodes() && !(!Double.isNaN(config.targetAccuracy())
        && accuracy >= config.targetAccuracy()) && columns < n) {
      int l = Math.min(config.blockSize(), config.maxNodes() - nodes);
      if (ainv == null) {
        ainv = GramAlgebra.inverse(GramAlgebra.unpack(taskGram, f, gamma));
      }
      INDArray evalResidual = evalY.sub(evalH.mmul(beta));
      CandidateSearch.Candidate chosen = candidates.search(evalXs, evalResidual, l, nodes + l);
      if (chosen == null) {
        break;
      }
      BlockStatistics block = blockStatistics(map, unitWeights, unitBiases, nodes, chosen, columns);
      INDArray gtg = GramAlgebra.addDiagonal(GramAlgebra.symmetrize(block.gtg()), gamma);
      try {
        ainv = GramAlgebra.appendInverse(ainv, block.cross(), gtg);
      } catch (SingularSystemException degenerate) {
        break; // the block adds nothing numerically independent of what the unit reads: as if none were admissible
      }
      double[] gty = block.gty().dup('c').data().asDouble();
      System.arraycopy(gty, 0, hty, columns * c, l * c);
      columns += l;
      for (int i = 0; i < d; i++) {
        System.arraycopy(chosen.weights(), i * l, unitWeights, i * config.maxNodes() + nodes, l);
      }
      System.arraycopy(chosen.biases(), 0, unitBiases, nodes, l);
      nodes += l;
      records.add(chosen.record());
      beta = ainv.mmul(Nd4j.create(Arrays.copyOf(hty, columns * c), new long[] {columns, c}, 'c'));
      score = score(map, unitWeights, unitBiases, nodes, beta);
      accuracy = score.accuracy();
      INDArray evalG = config.activation().applyInPlace(evalXs.mmul(Nd4j.create(chosen.weights(), new long[] {d, l},
          'c')).addiRowVector(Nd4j.create(chosen.biases(), new long[] {1, l}, 'c'))).castTo(DataType.DOUBLE);
      evalH = Nd4j.hstack(evalH, evalG);
      listener.progress(source.taskId(), nodes, config.maxNodes(), Math.sqrt(score.squaredResidual()
          / ((double) n * c)), accuracy);
    }

    float[] weights = new float[d * nodes];
    for (int i = 0; i < d; i++) {
      System.arraycopy(unitWeights, i * config.maxNodes(), weights, i * nodes, nodes);
    }
    float[] biases = Arrays.copyOf(unitBiases, nodes);
    float[] head = beta.castTo(DataType.FLOAT).dup('c').data().asFloat();
    Unit unit = new Unit(classes.clone(), weights, biases, oldNodes, f, oldNodes, head, score.threshold(), null);

    List<String> taskIds = new ArrayList<>(prev == null ? List.of() : prev.taskIds());
    taskIds.add(source.taskId());
    List<Unit> units = new ArrayList<>(prev == null ? List.of() : prev.unitList());
    units.add(unit);
    List<List<BlockRecord>> recruitment = new ArrayList<>(prev == null ? List.of() : prev.recruitment());
    recruitment.add(List.copyOf(records));
    return new AutoActivatorModel(learner.name(), config, learner.seed(), d, taskIds, units, router, recruitment);
  }

  /** A chunk's rows as matrices, its targets recorded. */
  private record Rows(INDArray x, INDArray y) {
  }

  private Rows rows(TaskChunk chunk) {
    int m = chunk.size();
    float[] flat = new float[m * d];
    double[] oneHot = new double[m * c];
    for (int i = 0; i < m; i++) {
      System.arraycopy(chunk.features()[i], 0, flat, i * d, d);
      int k = classIndex(chunk.labels()[i]);
      target[chunk.rows()[i]] = k;
      oneHot[i * c + k] = 1;
    }
    return new Rows(Nd4j.create(flat, new long[] {m, d}, 'c'), Nd4j.create(oneHot, new long[] {m, c}, 'c'));
  }

  private int classIndex(int label) {
    for (int k = 0; k < c; k++) {
      if (classes[k] == label) {
        return k;
      }
    }
    throw new IllegalStateException("label " + label + " is not among the task's classes"); // the source checks
  }

  /** The unit's columns on a chunk: the router's features, then its {@code nodes} recruited nodes (double). */
  private INDArray columns(FeatureMap map, INDArray x, float[] unitWeights, float[] unitBiases, int nodes) {
    INDArray phi = map.apply(x).castTo(DataType.DOUBLE);
    if (nodes == 0) {
      return phi;
    }
    return Nd4j.hstack(phi, nodeOutputs(x, unitWeights, unitBiases, 0, nodes));
  }

  /** Outputs of the unit's nodes {@code from} to {@code to} on {@code x}, double. */
  private INDArray nodeOutputs(INDArray x, float[] unitWeights, float[] unitBiases, int from, int to) {
    int width = to - from;
    float[] w = new float[d * width];
    for (int i = 0; i < d; i++) {
      System.arraycopy(unitWeights, i * config.maxNodes() + from, w, i * width, width);
    }
    INDArray b = Nd4j.create(Arrays.copyOfRange(unitBiases, from, to), new long[] {1, width}, 'c');
    return config.activation().applyInPlace(x.mmul(Nd4j.create(w, new long[] {d, width}, 'c')).addiRowVector(b))
        .castTo(DataType.DOUBLE);
  }

  /** Training accuracy, Eq. 11's mean statistic and the residuals' squared sum of the head {@code beta}. */
  private record Score(double accuracy, double threshold, double squaredResidual) {
  }

  private Score score(FeatureMap map, float[] unitWeights, float[] unitBiases, int nodes, INDArray beta) {
    long[] correct = new long[1];
    double[] sums = new double[2];
    source.read(CHUNK_ROWS, chunk -> {
      Rows rows = rows(chunk);
      INDArray h = columns(map, rows.x, unitWeights, unitBiases, nodes);
      INDArray outputs = nodes == 0
          ? h.castTo(DataType.FLOAT).mmul(beta.castTo(DataType.FLOAT)).castTo(DataType.DOUBLE) : h.mmul(beta);
      double[] o = outputs.dup('c').data().asDouble();
      float[] p = Transforms.softmax(outputs.castTo(DataType.FLOAT), false).dup('c').data().asFloat();
      for (int i = 0; i < chunk.size(); i++) {
        int right = target[chunk.rows()[i]];
        int best = 0;
        for (int k = 0; k < c; k++) {
          if (o[i * c + k] > o[i * c + best]) {
            best = k;
          }
          double e = (k == right ? 1 : 0) - o[i * c + k];
          sums[1] += e * e;
        }
        correct[0] += best == right ? 1 : 0;
        sums[0] += Thresholds.statistic(p, i * c, c, config.alpha());
      }
    });
    return new Score(correct[0] / (double) n, sums[0] / n, sums[1]);
  }

  /** A candidate block's statistics on every row: {@code H^T G} (columns x l), {@code G^T G}, {@code G^T Y}. */
  private record BlockStatistics(INDArray cross, INDArray gtg, INDArray gty) {
  }

  private BlockStatistics blockStatistics(FeatureMap map, float[] unitWeights, float[] unitBiases, int nodes,
      CandidateSearch.Candidate chosen, int columns) {
    int l = chosen.biases().length;
    INDArray wk = Nd4j.create(chosen.weights(), new long[] {d, l}, 'c');
    INDArray bk = Nd4j.create(chosen.biases(), new long[] {1, l}, 'c');
    INDArray cross = Nd4j.create(DataType.DOUBLE, columns, l);
    INDArray gtg = Nd4j.create(DataType.DOUBLE, l, l);
    INDArray gty = Nd4j.create(DataType.DOUBLE, l, c);
    source.read(CHUNK_ROWS, chunk -> {
      Rows rows = rows(chunk);
      INDArray h = columns(map, rows.x, unitWeights, unitBiases, nodes);
      INDArray g = config.activation().applyInPlace(rows.x.mmul(wk).addiRowVector(bk)).castTo(DataType.DOUBLE);
      INDArray gt = g.transpose();
      cross.addi(h.transpose().mmul(g));
      gtg.addi(gt.mmul(g));
      gty.addi(gt.mmul(rows.y));
    });
    return new BlockStatistics(cross, gtg, gty);
  }

  private INDArray oneHot(int[] rows) {
    double[] y = new double[rows.length * c];
    for (int i = 0; i < rows.length; i++) {
      y[i * c + target[rows[i]]] = 1;
    }
    return Nd4j.create(y, new long[] {rows.length, c}, 'c');
  }

  private static void add(double[] sum, INDArray values) {
    double[] v = values.dup('c').data().asDouble();
    for (int i = 0; i < v.length; i++) {
      sum[i] += v[i];
    }
  }

  /** The upper triangle of an f x f row-major matrix, packed row by row. */
  private static double[] pack(double[] full, int f) {
    double[] packed = new double[f * (f + 1) / 2];
    int p = 0;
    for (int i = 0; i < f; i++) {
      System.arraycopy(full, i * f + i, packed, p, f - i);
      p += f - i;
    }
    return packed;
  }
}
