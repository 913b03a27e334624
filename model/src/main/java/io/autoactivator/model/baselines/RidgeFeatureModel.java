package io.autoactivator.model.baselines;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import io.autoactivator.model.api.ClassIncrementalModel;
import io.autoactivator.model.api.InvalidTaskDataException;
import io.autoactivator.model.api.LearnedTask;
import io.autoactivator.model.api.LearnerSettings;
import io.autoactivator.model.api.Predictions;
import io.autoactivator.model.api.TaskData;
import io.autoactivator.model.api.TaskSource;
import io.autoactivator.model.linalg.SingularSystemException;
import io.autoactivator.model.linalg.SpdSolver;
import io.autoactivator.model.linalg.SymmetricGram;
import io.autoactivator.model.linalg.SymmetricSolver;

/**
 * A ridge-regression head on a fixed random sigmoid layer, the model of both {@code analytic} and {@code joint}.
 * It keeps the sufficient statistics {@code G = H^T H} and {@code C = H^T Y} (double) of everything it learned, so a
 * new task only adds its own rows' contributions and re-solves {@code (G + ridge I) beta = C}: after any sequence of
 * tasks beta equals the ridge solution on the union of their data (the ACIL/RanPAC "analytic" property). One-hot
 * targets; a class's column is 0 for rows of other classes, so earlier columns of C never change.
 *
 * <p>{@link #parameterCount()} counts what serves predictions: the random layer (dim x F + F) and the head (F x K).
 * The learning state G (F x F, kept so that training can go on after a snapshot) is not counted, as in the
 * prototype's figures; {@link #learningStateSize()} reports it.
 *
 * <p>Speed: G is accumulated in its upper triangle only ({@code SymmetricGram}: float gemm per chunk, double sums)
 * and solved by the blocked gemm Cholesky ({@code SpdSolver}); EJML's LU is only the fallback for a G + ridge I that
 * is not positive-definite (ridge 0).
 */
final class RidgeFeatureModel implements ClassIncrementalModel {

  private static final int CHUNK = 2048;

  private final String learner;
  private final RandomFeatures features;
  private final Settings settings;
  private final double[] gram;
  private final double[] cross;
  private final int[] classes;
  private final List<LearnedTask> tasks;
  private final INDArray beta;

  /**
   * The learner's settings a model reports for its provenance ({@link #learnerSettings()}), which the snapshot's
   * header records and the codec reads back: the seed and weight scale its random layer was drawn with, and the
   * ridge of its last solve. The feature count is the layer's own.
   *
   * @param scale null where it is not known: a model of an earlier build whose header did not record it (the layer
   *              it drew is in the weights; only a new layer needs a scale)
   */
  record Settings(long seed, Double scale, double ridge) {

    /** These settings with the ridge of a new solve: a model learned on top keeps its layer. */
    Settings withRidge(double newRidge) {
      return new Settings(seed, scale, newRidge);
    }
  }

  private RidgeFeatureModel(String learner, RandomFeatures features, Settings settings, double[] gram,
      double[] cross, int[] classes, List<LearnedTask> tasks, float[] betaValues) {
    this.learner = learner;
    this.features = features;
    this.settings = settings;
    this.gram = gram;
    this.cross = cross;
    this.classes = classes;
    this.tasks = List.copyOf(tasks);
    this.beta = Nd4j.create(betaValues, new long[] {features.count(), classes.length}, 'c');
  }

  /** Learns {@code task} on top of {@code previous} (null: a new model on {@code features}). */
  static RidgeFeatureModel learn(String learner, RidgeFeatureModel previous, RandomFeatures features,
      Settings settings, TaskData task) {
    return learn(learner, previous, features, settings, TaskSource.of(task));
  }

  /**
   * Learns the task {@code source} reads on top of {@code previous}, in one pass of {@value #CHUNK}-row chunks: G
   * and C are sums over chunks, so only a chunk's features are ever in memory. An in-memory task's chunks are its
   * consecutive rows ({@link TaskSource#of}), as this learner always summed them.
   */
  static RidgeFeatureModel learn(String learner, RidgeFeatureModel previous, RandomFeatures features,
      Settings settings, TaskSource task) {
    Baselines.checkNewTask(previous, task);
    int f = features.count();
    int oldK = previous == null ? 0 : previous.classes.length;
    int[] classes = previous == null ? task.classes().clone() : Baselines.concat(previous.classes, task.classes());
    int k = classes.length;
    double[] gram = previous == null ? new double[gramSize(f)] : previous.gram.clone();
    double[] cross = new double[f * k];
    if (previous != null) {
      for (int i = 0; i < f; i++) {
        System.arraycopy(previous.cross, i * oldK, cross, i * k, oldK);
      }
    }
    int[] taskClasses = task.classes();
    int newK = taskClasses.length;
    task.read(CHUNK, chunk -> {
      float[][] rows = chunk.features();
      int m = chunk.size();
      INDArray h = features.transform(Baselines.matrix(rows, features.dimension()));
      float[] y = new float[m * newK];
      for (int i = 0; i < m; i++) {
        y[i * newK + indexOf(taskClasses, chunk.labels()[i])] = 1f;
      }
      INDArray targets = Nd4j.create(y, new long[] {m, newK}, 'c');
      SymmetricGram.addUpper(h, gram);
      float[] c = h.transpose().mmul(targets).dup('c').data().asFloat();
      for (int i = 0; i < f; i++) {
        for (int j = 0; j < newK; j++) {
          cross[i * k + oldK + j] += c[i * newK + j];
        }
      }
    });
    SymmetricGram.mirrorUpper(gram, f);
    double[] solution = solve(gram, cross, f, k, settings.ridge());
    float[] betaValues = new float[solution.length];
    for (int i = 0; i < solution.length; i++) {
      betaValues[i] = (float) solution[i];
    }
    List<LearnedTask> tasks = new ArrayList<>(previous == null ? List.of() : previous.tasks);
    tasks.add(new LearnedTask(task.taskId(), task.classes().clone(), 0));
    return new RidgeFeatureModel(learner, features, settings, gram, cross, classes, tasks, betaValues);
  }

  private static int indexOf(int[] values, int value) {
    for (int i = 0; i < values.length; i++) {
      if (values[i] == value) {
        return i;
      }
    }
    throw new InvalidTaskDataException("label " + value + " is not among the task's classes " + Arrays.toString(values));
  }

  /** Doubles of an F x F Gram matrix, or a clear error where one Java array cannot hold it. */
  private static int gramSize(int f) {
    long size = (long) f * f;
    if (size > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(f + " random features need a " + f + " x " + f + " Gram matrix (" + size
          + " doubles), more than one array holds; use at most 46,340 features");
    }
    return (int) size;
  }

  /**
   * {@code (G + ridge I)^-1 C} by the blocked Cholesky (gemm speed); when G + ridge I is not numerically
   * positive-definite (ridge 0 on collinear features) EJML's pivoted LU takes over, as before.
   */
  private static double[] solve(double[] gram, double[] cross, int f, int k, double ridge) {
    try {
      return SpdSolver.solve(gram, cross, f, k, ridge);
    } catch (SingularSystemException e) {
      double[] regularised = gram.clone();
      for (int i = 0; i < f; i++) {
        regularised[i * f + i] += ridge;
      }
      return SymmetricSolver.solve(regularised, cross, f, k);
    }
  }

  @Override
  public String learner() {
    return learner;
  }

  @Override
  public int inputDimension() {
    return features.dimension();
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
    return features.parameterCount() + (long) features.count() * classes.length;
  }

  /** Doubles of learning state (G and C) kept besides the parameters. */
  long learningStateSize() {
    return gram.length + (long) cross.length;
  }

  RandomFeatures randomFeatures() {
    return features;
  }

  Settings settings() {
    return settings;
  }

  /**
   * The seed and the options ({@code features}, {@code ridge}, and {@code scale} where known) this model was
   * learned with: the snapshot's header records them, and the weights do not repeat them.
   */
  @Override
  public Map<String, String> learnerSettings() {
    Map<String, String> own = new TreeMap<>();
    own.put("seed", Long.toString(settings.seed()));
    own.put("option.features", Integer.toString(features.count()));
    own.put("option.ridge", Double.toString(settings.ridge()));
    if (settings.scale() != null) {
      own.put("option.scale", Double.toString(settings.scale()));
    }
    return own;
  }

  /** Random features of this model. */
  int featureCount() {
    return features.count();
  }

  @Override
  public Predictions predict(float[][] rows) {
    return predict(Baselines.matrix(rows, features.dimension()));
  }

  @Override
  public Predictions predict(INDArray x) {
    INDArray scores = features.transform(Baselines.checked(x, features.dimension())).mmul(beta);
    return Baselines.fromScores(scores, classes);
  }

  @Override
  public Predictions predictWithTask(float[][] rows, int[] taskIndex) {
    return Baselines.restrictedToTask(predict(rows), classes, tasks, taskIndex);
  }

  /**
   * Baseline weights version 3: the random layer, G, C and the head. The ridge, the seed, the tasks and the classes
   * are the header's ({@link #learnerSettings()}, {@link #tasks()}, {@link #classes()}).
   */
  @Override
  public void writeWeights(DataOutput out) throws IOException {
    Codecs.writeHeader(out);
    features.write(out);
    Codecs.writeDoubles(out, gram);
    Codecs.writeDoubles(out, cross);
    Codecs.writeFloats(out, beta.dup('c').data().asFloat());
  }

  /**
   * Reads weights of any baseline version with the header's settings: version 3 takes the ridge, the tasks and the
   * classes from the header; versions 1 and 2 carry their own copy (the ridge before the layer, the lists after
   * it), which wins. The seed is the header's, and so is the scale where the header records it.
   */
  static RidgeFeatureModel read(DataInput in, String learner, LearnerSettings header) throws IOException {
    int version = Codecs.readHeader(in, learner);
    Map<String, String> recorded = header.optionsAmong(AnalyticLearner.DOCS.keySet());
    double ridge = version < Codecs.VERSION ? in.readDouble() : Codecs.recordedNumber(recorded, "ridge", learner);
    RandomFeatures features = RandomFeatures.read(in);
    Codecs.checkRecordedFeatures(version, recorded, features.count());
    Double scale = recorded.containsKey("scale") ? Codecs.recordedNumber(recorded, "scale", learner) : null;
    Codecs.Learned learned = Codecs.learned(in, version, header);
    int[] classes = learned.classes();
    long f = features.count();
    double[] gram = Codecs.readDoubles(in, f * f, "Gram matrix");
    double[] cross = Codecs.readDoubles(in, f * classes.length, "H^T Y");
    float[] beta = Codecs.readFloats(in, f * classes.length, "ridge head");
    return new RidgeFeatureModel(learner, features, new Settings(header.seed(), scale, ridge), gram, cross, classes,
        learned.tasks(), beta);
  }
}
