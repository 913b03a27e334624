package io.autoactivator.model.baselines;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import io.autoactivator.model.api.ClassIncrementalModel;
import io.autoactivator.model.api.InvalidTaskDataException;
import io.autoactivator.model.api.LearnedTask;
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
  private final double ridge;
  private final double[] gram;
  private final double[] cross;
  private final int[] classes;
  private final List<LearnedTask> tasks;
  private final INDArray beta;

  private RidgeFeatureModel(String learner, RandomFeatures features, double ridge, double[] gram, double[] cross,
      int[] classes, List<LearnedTask> tasks, float[] betaValues) {
    this.learner = learner;
    this.features = features;
    this.ridge = ridge;
    this.gram = gram;
    this.cross = cross;
    this.classes = classes;
    this.tasks = List.copyOf(tasks);
    this.beta = Nd4j.create(betaValues, new long[] {features.count(), classes.length}, 'c');
  }

  /** Learns {@code task} on top of {@code previous} (null: a new model on {@code features}). */
  static RidgeFeatureModel learn(String learner, RidgeFeatureModel previous, RandomFeatures features, double ridge,
      TaskData task) {
    return learn(learner, previous, features, ridge, TaskSource.of(task));
  }

  /**
   * Learns the task {@code source} reads on top of {@code previous}, in one pass of {@value #CHUNK}-row chunks: G
   * and C are sums over chunks, so only a chunk's features are ever in memory. An in-memory task's chunks are its
   * consecutive rows ({@link TaskSource#of}), as this learner always summed them.
   */
  static RidgeFeatureModel learn(String learner, RidgeFeatureModel previous, RandomFeatures features, double ridge,
      TaskSource task) {
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
    double[] solution = solve(gram, cross, f, k, ridge);
    float[] betaValues = new float[solution.length];
    for (int i = 0; i < solution.length; i++) {
      betaValues[i] = (float) solution[i];
    }
    List<LearnedTask> tasks = new ArrayList<>(previous == null ? List.of() : previous.tasks);
    tasks.add(new LearnedTask(task.taskId(), task.classes().clone(), 0));
    return new RidgeFeatureModel(learner, features, ridge, gram, cross, classes, tasks, betaValues);
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

  @Override
  public void writeWeights(DataOutput out) throws IOException {
    Codecs.writeHeader(out);
    out.writeDouble(ridge);
    features.write(out);
    Codecs.writeInts(out, classes);
    Codecs.writeTasks(out, tasks);
    Codecs.writeDoubles(out, gram);
    Codecs.writeDoubles(out, cross);
    Codecs.writeFloats(out, beta.dup('c').data().asFloat());
  }

  static RidgeFeatureModel read(DataInput in, String learner) throws IOException {
    Codecs.readHeader(in, learner);
    double ridge = in.readDouble();
    RandomFeatures features = RandomFeatures.read(in);
    int[] classes = Codecs.readInts(in, "classes");
    List<LearnedTask> tasks = Codecs.readTasks(in);
    long f = features.count();
    double[] gram = Codecs.readDoubles(in, f * f, "Gram matrix");
    double[] cross = Codecs.readDoubles(in, f * classes.length, "H^T Y");
    float[] beta = Codecs.readFloats(in, f * classes.length, "ridge head");
    return new RidgeFeatureModel(learner, features, ridge, gram, cross, classes, tasks, beta);
  }
}
