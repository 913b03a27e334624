package io.autoactivator.model.baselines;

import java.util.LinkedHashMap;
import java.util.Map;

import io.autoactivator.model.api.ClassIncrementalModel;
import io.autoactivator.model.api.IncrementalLearner;
import io.autoactivator.model.api.InvalidTaskDataException;
import io.autoactivator.model.api.LearnerProvider;
import io.autoactivator.model.api.ModelCodec;
import io.autoactivator.model.api.TaskData;
import io.autoactivator.model.api.TrainingListener;

/**
 * {@code joint}: the offline upper bound - the same model family (a ridge head on random sigmoid features,
 * {@link RidgeFeatureModel}) trained ONCE on all classes. It learns exactly one task: the benchmark hands it the
 * union of all tasks' training data as a single task; a second task is refused, because a joint learner by
 * definition sees everything at once (keeping the data to retrain would break the rehearsal-free contract). By
 * default it has as many features as AutoActivator has hidden nodes (the bench sets {@code features} to
 * AutoActivator's total units when it ran; 2500 otherwise).
 */
public final class JointLearner implements IncrementalLearner {

  public static final String NAME = "joint";
  static final Map<String, String> DOCS = docs();

  private final int features;
  private final double scale;
  private final double ridge;
  private final long seed;
  private final String hash;

  private JointLearner(int features, double scale, double ridge, long seed, String hash) {
    this.features = features;
    this.scale = scale;
    this.ridge = ridge;
    this.seed = seed;
    this.hash = hash;
  }

  private static Map<String, String> docs() {
    Map<String, String> docs = new LinkedHashMap<>();
    docs.put("features", "random sigmoid features (2500; the bench uses AutoActivator's total hidden units)");
    docs.put("scale", "std of the random weights times sqrt(input dimension), on the model's transformed"
        + " input (1.0: unit pre-activation variance; 4.0 was tuned to raw pixels in [0,1] before learners owned"
        + " their input transform)");
    docs.put("ridge", "ridge regularisation (1.0)");
    return docs;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public ClassIncrementalModel learn(ClassIncrementalModel previous, TaskData task, TrainingListener listener) {
    if (previous != null) {
      throw new InvalidTaskDataException("joint is the offline upper bound and learns all classes in one task; it"
          + " cannot add task " + task.taskId() + " to a trained model");
    }
    long start = System.nanoTime();
    listener.taskStarted(task.taskId(), task.size(), 0);
    RandomFeatures layer = RandomFeatures.generate(task.dimension(), features, scale, seed);
    RidgeFeatureModel model = RidgeFeatureModel.learn(NAME, null, layer, ridge, task);
    listener.taskFinished(task.taskId(), 0, (System.nanoTime() - start) / 1e9);
    return model;
  }

  @Override
  public String configHash() {
    return hash;
  }

  /** The provider registered as {@code joint}. */
  public static final class Provider implements LearnerProvider {
    @Override
    public String name() {
      return NAME;
    }

    @Override
    public String description() {
      return "upper bound: ridge head on random sigmoid features trained once on all classes (one task only)";
    }

    @Override
    public IncrementalLearner create(Map<String, String> options, long seed) {
      LearnerOptions o = new LearnerOptions(NAME, options, DOCS);
      return new JointLearner(o.integer("features", 2500, 1), o.real("scale", 1.0, 0), o.real("ridge", 1.0, 0),
          seed, Hashes.of(NAME, o.canonical(), seed));
    }

    @Override
    public Map<String, String> optionDocs() {
      return DOCS;
    }

    @Override
    public ModelCodec codec() {
      return new AnalyticLearner.Codec(NAME);
    }
  }
}
