package io.autoactivator.model.baselines;

import java.io.DataInput;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiFunction;

import io.autoactivator.model.api.ClassIncrementalModel;
import io.autoactivator.model.api.IncrementalLearner;
import io.autoactivator.model.api.InvalidTaskDataException;
import io.autoactivator.model.api.LearnerProvider;
import io.autoactivator.model.api.LearnerSettings;
import io.autoactivator.model.api.ModelCodec;
import io.autoactivator.model.api.TaskData;
import io.autoactivator.model.api.TaskSource;
import io.autoactivator.model.api.TrainingListener;

/**
 * {@code analytic}: a rehearsal-free analytic ridge head on a fixed random sigmoid layer (ACIL / RanPAC style). It
 * accumulates {@code H^T H} and {@code H^T Y} across tasks, so after any number of tasks it is exactly the ridge fit
 * of its features on all data seen, without storing a sample ({@link RidgeFeatureModel}).
 */
public final class AnalyticLearner implements IncrementalLearner {

  public static final String NAME = "analytic";
  static final Map<String, String> DOCS = docs();

  private final int features;
  private final double scale;
  private final double ridge;
  private final long seed;
  private final String hash;
  private final long inMemoryBudget;

  /** {@code inMemoryBudget}: tasks beyond it are read in chunks ({@link TaskSource#IN_MEMORY_BUDGET}; tests force it). */
  AnalyticLearner(int features, double scale, double ridge, long seed, String hash, long inMemoryBudget) {
    this.features = features;
    this.scale = scale;
    this.ridge = ridge;
    this.seed = seed;
    this.hash = hash;
    this.inMemoryBudget = inMemoryBudget;
  }

  private static Map<String, String> docs() {
    Map<String, String> docs = new LinkedHashMap<>();
    docs.put("features", "random sigmoid features (2500; the bench sizes it to AutoActivator's parameter count)");
    docs.put("scale", "std of the random weights times sqrt(input dimension), on the model's transformed"
        + " input (1.0: unit pre-activation variance; 4.0 was tuned to raw pixels in [0,1] before learners owned"
        + " their input transform)");
    docs.put("ridge", "ridge regularisation added to H^T H (1.0)");
    return docs;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public ClassIncrementalModel learn(ClassIncrementalModel previous, TaskData task, TrainingListener listener) {
    return fit(previous, task.taskId(), task.size(), task.dimension(), listener,
        (prior, layer) -> RidgeFeatureModel.learn(NAME, prior, layer, ridge, task));
  }

  /**
   * Learns the task {@code source} reads: materialised as before while the task and its transformed copy fit
   * {@link TaskSource#IN_MEMORY_BUDGET}, else in one pass of chunks (the Gram and cross terms are sums over them).
   */
  @Override
  public ClassIncrementalModel learn(ClassIncrementalModel previous, TaskSource source, TrainingListener listener) {
    if (!streams(previous, source)) {
      return learn(previous, source.materialise(), listener);
    }
    return fit(previous, source.taskId(), source.size(), source.dimension(), listener,
        (prior, layer) -> RidgeFeatureModel.learn(NAME, prior, layer, ridge, source));
  }

  /** The steps both inputs share: the previous model checked, its layer (or a new one), progress reported. */
  private ClassIncrementalModel fit(ClassIncrementalModel previous, String taskId, int size, int dimension,
      TrainingListener listener, BiFunction<RidgeFeatureModel, RandomFeatures, RidgeFeatureModel> solve) {
    checkPrevious(previous);
    long start = System.nanoTime();
    listener.taskStarted(taskId, size, 0);
    RidgeFeatureModel prior = (RidgeFeatureModel) previous;
    RandomFeatures layer = prior != null ? prior.randomFeatures()
        : RandomFeatures.generate(dimension, features, scale, seed);
    RidgeFeatureModel model = solve.apply(prior, layer);
    listener.taskFinished(taskId, 0, (System.nanoTime() - start) / 1e9);
    return model;
  }

  /** Whether the task's rows twice (materialised and transformed) would exceed the in-memory budget. */
  @Override
  public boolean streams(ClassIncrementalModel previous, TaskSource source) {
    return 8L * source.size() * source.dimension() > inMemoryBudget;
  }

  private static void checkPrevious(ClassIncrementalModel previous) {
    if (previous != null && !(previous instanceof RidgeFeatureModel && NAME.equals(previous.learner()))) {
      throw new InvalidTaskDataException("analytic cannot continue a model of learner " + previous.learner());
    }
  }

  @Override
  public String configHash() {
    return hash;
  }

  /** The provider registered as {@code analytic}. */
  public static final class Provider implements LearnerProvider {
    @Override
    public String name() {
      return NAME;
    }

    @Override
    public String description() {
      return "analytic ridge head on fixed random sigmoid features, accumulating H^T H across tasks (ACIL/RanPAC)";
    }

    @Override
    public IncrementalLearner create(Map<String, String> options, long seed) {
      LearnerOptions o = new LearnerOptions(NAME, options, DOCS);
      return new AnalyticLearner(o.integer("features", 2500, 1), o.real("scale", 1.0, 0), o.real("ridge", 1.0, 0),
          seed, Hashes.of(NAME, o.canonical(), seed), TaskSource.IN_MEMORY_BUDGET);
    }

    @Override
    public Map<String, String> optionDocs() {
      return DOCS;
    }

    @Override
    public ModelCodec codec() {
      return new Codec(NAME);
    }
  }

  /** Reads {@code analytic} and {@code joint} snapshots. */
  record Codec(String learner) implements ModelCodec {
    @Override
    public ClassIncrementalModel readWeights(DataInput in, LearnerSettings header) throws IOException {
      return RidgeFeatureModel.read(in, learner);
    }
  }
}
