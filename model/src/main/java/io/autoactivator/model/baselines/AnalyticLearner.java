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
 * The ridge head on a fixed random sigmoid layer ({@link RidgeFeatureModel}), under two names:
 * <ul>
 *   <li>{@code analytic}: a rehearsal-free analytic learner (ACIL / RanPAC style). It accumulates {@code H^T H} and
 *       {@code H^T Y} across tasks, so after any number of tasks it is exactly the ridge fit of its features on all
 *       data seen, without storing a sample.</li>
 *   <li>{@code joint}: the offline upper bound, the same learner fitted once on all data: the benchmark hands it the
 *       union of all tasks' training data as a single task. A second task is refused, because a joint learner by
 *       definition sees everything at once (keeping the data to refit would break the rehearsal-free contract; the
 *       accumulated statistics would only make it {@code analytic}).</li>
 * </ul>
 * Both take the same options ({@code features}, {@code scale}, {@code ridge}) and write the same snapshots; a model
 * continues only under the name that learned it.
 */
public final class AnalyticLearner implements IncrementalLearner {

  /** The rehearsal-free analytic learner. */
  public static final String NAME = "analytic";
  /** The same learner fitted once on all classes: the offline upper bound. */
  public static final String JOINT = "joint";
  static final Map<String, String> DOCS = docs();

  private final String name;
  private final int features;
  private final double scale;
  private final double ridge;
  private final long seed;
  private final String hash;
  private final long inMemoryBudget;

  /**
   * {@code name}: {@value #NAME} or {@value #JOINT}; {@code inMemoryBudget}: tasks beyond it are read in chunks
   * ({@link TaskSource#IN_MEMORY_BUDGET}; tests force it).
   */
  AnalyticLearner(String name, int features, double scale, double ridge, long seed, String hash,
      long inMemoryBudget) {
    this.name = name;
    this.features = features;
    this.scale = scale;
    this.ridge = ridge;
    this.seed = seed;
    this.hash = hash;
    this.inMemoryBudget = inMemoryBudget;
  }

  /** Whether {@code learner} names this learner ({@value #NAME} or {@value #JOINT}), which the bench sizes alike. */
  public static boolean names(String learner) {
    return NAME.equals(learner) || JOINT.equals(learner);
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
    return name;
  }

  @Override
  public ClassIncrementalModel learn(ClassIncrementalModel previous, TaskData task, TrainingListener listener) {
    return fit(previous, task.taskId(), task.size(), task.dimension(), listener,
        (prior, settings) -> RidgeFeatureModel.learn(name, prior, layer(prior, task.dimension()), settings, task));
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
        (prior, settings) -> RidgeFeatureModel.learn(name, prior, layer(prior, source.dimension()), settings,
            source));
  }

  /**
   * The steps both inputs share: the previous model checked, the settings recorded (a model learned on top keeps
   * its layer and the seed and scale it was drawn with), progress reported.
   */
  private ClassIncrementalModel fit(ClassIncrementalModel previous, String taskId, int size, int dimension,
      TrainingListener listener, BiFunction<RidgeFeatureModel, RidgeFeatureModel.Settings, RidgeFeatureModel> solve) {
    checkPrevious(previous, taskId);
    long start = System.nanoTime();
    listener.taskStarted(taskId, size, 0);
    RidgeFeatureModel prior = (RidgeFeatureModel) previous;
    RidgeFeatureModel.Settings settings = prior != null ? prior.settings().withRidge(ridge)
        : new RidgeFeatureModel.Settings(seed, scale, ridge);
    RidgeFeatureModel model = solve.apply(prior, settings);
    listener.taskFinished(taskId, 0, (System.nanoTime() - start) / 1e9);
    return model;
  }

  /** The previous model's layer, or a new one drawn from this learner's seed. */
  private RandomFeatures layer(RidgeFeatureModel prior, int dimension) {
    return prior != null ? prior.randomFeatures() : RandomFeatures.generate(dimension, features, scale, seed);
  }

  /** Whether the task's rows twice (materialised and transformed) would exceed the in-memory budget. */
  @Override
  public boolean streams(ClassIncrementalModel previous, TaskSource source) {
    return 8L * source.size() * source.dimension() > inMemoryBudget;
  }

  private void checkPrevious(ClassIncrementalModel previous, String taskId) {
    if (previous == null) {
      return;
    }
    if (JOINT.equals(name)) {
      throw new InvalidTaskDataException("joint is the offline upper bound and learns all classes in one task; it"
          + " cannot add task " + taskId + " to a trained model");
    }
    if (!(previous instanceof RidgeFeatureModel && name.equals(previous.learner()))) {
      throw new InvalidTaskDataException(name + " cannot continue a model of learner " + previous.learner());
    }
  }

  @Override
  public String configHash() {
    return hash;
  }

  /** The provider registered as {@value #NAME}. */
  static LearnerProvider analytic() {
    return new Provider(NAME, "analytic ridge head on fixed random sigmoid features, accumulating H^T H across tasks"
        + " (ACIL/RanPAC)");
  }

  /** The provider registered as {@value #JOINT}. */
  static LearnerProvider joint() {
    return new Provider(JOINT, "upper bound: ridge head on random sigmoid features trained once on all classes (one"
        + " task only)");
  }

  /** A provider of this learner under one of its names. */
  private record Provider(String name, String description) implements LearnerProvider {
    @Override
    public IncrementalLearner create(Map<String, String> options, long seed) {
      LearnerOptions o = new LearnerOptions(name, options, DOCS);
      return new AnalyticLearner(name, o.integer("features", 2500, 1), o.real("scale", 1.0, 0),
          o.real("ridge", 1.0, 0), seed, Hashes.of(name, o.canonical(), seed), TaskSource.IN_MEMORY_BUDGET);
    }

    @Override
    public Map<String, String> optionDocs() {
      return DOCS;
    }

    @Override
    public ModelCodec codec() {
      return new Codec(name);
    }
  }

  /** Reads {@code analytic} and {@code joint} snapshots. */
  record Codec(String learner) implements ModelCodec {
    @Override
    public ClassIncrementalModel readWeights(DataInput in, LearnerSettings header) throws IOException {
      return RidgeFeatureModel.read(in, learner, header);
    }
  }
}
