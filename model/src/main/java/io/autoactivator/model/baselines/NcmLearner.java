package io.autoactivator.model.baselines;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import io.autoactivator.model.api.ClassIncrementalModel;
import io.autoactivator.model.api.IncrementalLearner;
import io.autoactivator.model.api.InvalidTaskDataException;
import io.autoactivator.model.api.LearnedTask;
import io.autoactivator.model.api.LearnerProvider;
import io.autoactivator.model.api.LearnerSettings;
import io.autoactivator.model.api.ModelCodec;
import io.autoactivator.model.api.Predictions;
import io.autoactivator.model.api.TaskData;
import io.autoactivator.model.api.TaskSource;
import io.autoactivator.model.api.TrainingListener;

/**
 * {@code ncm}: nearest class mean, on the raw features (default) or on a fixed random sigmoid layer
 * ({@code features=N}). Each class's mean is computed once, from its own task; class scores are negative squared
 * Euclidean distances.
 */
public final class NcmLearner implements IncrementalLearner {

  public static final String NAME = "ncm";
  /** Rows per chunk of a task read in chunks. */
  private static final int CHUNK = 2048;
  static final Map<String, String> DOCS = docs();

  private final int features;
  private final double scale;
  private final long seed;
  private final String hash;
  private final long inMemoryBudget;

  /** {@code inMemoryBudget}: tasks beyond it are read in chunks ({@link TaskSource#IN_MEMORY_BUDGET}; tests force it). */
  NcmLearner(int features, double scale, long seed, String hash, long inMemoryBudget) {
    this.features = features;
    this.scale = scale;
    this.seed = seed;
    this.hash = hash;
    this.inMemoryBudget = inMemoryBudget;
  }

  private static Map<String, String> docs() {
    Map<String, String> docs = new LinkedHashMap<>();
    docs.put("features", "0 = raw features, N > 0 = class means of N random sigmoid features (0)");
    docs.put("scale", "std of the random weights times sqrt(input dimension), on the model's transformed"
        + " input (1.0: unit pre-activation variance; 4.0 was tuned to raw pixels in [0,1] before learners owned"
        + " their input transform)");
    return docs;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public ClassIncrementalModel learn(ClassIncrementalModel previous, TaskData task, TrainingListener listener) {
    if (previous != null && !(previous instanceof Model)) {
      throw new InvalidTaskDataException("ncm cannot continue a model of learner " + previous.learner());
    }
    Baselines.checkNewTask(previous, task);
    long start = System.nanoTime();
    listener.taskStarted(task.taskId(), task.size(), 0);
    Model prior = (Model) previous;
    RandomFeatures layer = prior != null ? prior.layer
        : features > 0 ? RandomFeatures.generate(task.dimension(), features, scale, seed) : null;
    INDArray x = Baselines.matrix(task.features(), task.dimension());
    INDArray h = layer == null ? x : layer.transform(x);
    int width = (int) h.columns();
    int newK = task.classes().length;
    double[] sums = new double[newK * width];
    int[] counts = new int[newK];
    float[][] rows = h.toFloatMatrix();
    for (int i = 0; i < rows.length; i++) {
      int k = task.classIndex(task.labels()[i]);
      counts[k]++;
      for (int j = 0; j < width; j++) {
        sums[k * width + j] += rows[i][j];
      }
    }
    Model model = withMeans(prior, layer, task.taskId(), task.classes(), task.dimension(), sums, counts, width,
        settings(prior));
    listener.taskFinished(task.taskId(), 0, (System.nanoTime() - start) / 1e9);
    return model;
  }

  /**
   * Learns the task {@code source} reads: materialised as before while the task fits
   * {@link TaskSource#IN_MEMORY_BUDGET}, else in one pass of chunks (a class's mean is its rows' sum over the chunks,
   * divided by its count).
   */
  @Override
  public ClassIncrementalModel learn(ClassIncrementalModel previous, TaskSource source, TrainingListener listener) {
    if (!streams(previous, source)) {
      return learn(previous, source.materialise(), listener);
    }
    if (previous != null && !(previous instanceof Model)) {
      throw new InvalidTaskDataException("ncm cannot continue a model of learner " + previous.learner());
    }
    Baselines.checkNewTask(previous, source);
    long start = System.nanoTime();
    listener.taskStarted(source.taskId(), source.size(), 0);
    Model prior = (Model) previous;
    int d = source.dimension();
    RandomFeatures layer = prior != null ? prior.layer
        : features > 0 ? RandomFeatures.generate(d, features, scale, seed) : null;
    int width = layer == null ? d : layer.count();
    int[] taskClasses = source.classes();
    int newK = taskClasses.length;
    double[] sums = new double[newK * width];
    int[] counts = new int[newK];
    source.read(CHUNK, chunk -> {
      INDArray x = Baselines.matrix(chunk.features(), d);
      float[][] rows = layer == null ? chunk.features() : layer.transform(x).toFloatMatrix();
      for (int i = 0; i < rows.length; i++) {
        int k = indexOf(taskClasses, chunk.labels()[i]);
        counts[k]++;
        for (int j = 0; j < width; j++) {
          sums[k * width + j] += rows[i][j];
        }
      }
    });
    Model model = withMeans(prior, layer, source.taskId(), taskClasses, d, sums, counts, width, settings(prior));
    listener.taskFinished(source.taskId(), 0, (System.nanoTime() - start) / 1e9);
    return model;
  }

  /** Whether the task (materialised, transformed, off-heap) and its features would exceed the in-memory budget. */
  @Override
  public boolean streams(ClassIncrementalModel previous, TaskSource source) {
    long width = features > 0 ? features : source.dimension();
    return 4L * source.size() * (3L * source.dimension() + width) > inMemoryBudget;
  }

  private static int indexOf(int[] values, int value) {
    for (int i = 0; i < values.length; i++) {
      if (values[i] == value) {
        return i;
      }
    }
    throw new InvalidTaskDataException("label " + value + " is not among the task's classes");
  }

  /** The settings a new model records: the prior's (its layer is kept), or this learner's. */
  private Settings settings(Model prior) {
    return prior != null ? prior.settings : new Settings(seed, scale);
  }

  /**
   * The seed and weight scale the model's random layer was drawn with (or would have been: {@code features=0}
   * draws none), which the snapshot's header records ({@link Model#learnerSettings()}).
   *
   * @param scale null where it is not known: a model of an earlier build whose header did not record it
   */
  record Settings(long seed, Double scale) {
  }

  /** {@code prior} plus the task's classes, each mean its sum over its count. */
  private static Model withMeans(Model prior, RandomFeatures layer, String taskId, int[] taskClasses, int dimension,
      double[] sums, int[] counts, int width, Settings settings) {
    int newK = taskClasses.length;
    int oldK = prior == null ? 0 : prior.classes.length;
    float[] means = new float[(oldK + newK) * width];
    if (prior != null) {
      System.arraycopy(prior.means, 0, means, 0, prior.means.length);
    }
    for (int k = 0; k < newK; k++) {
      for (int j = 0; j < width; j++) {
        means[(oldK + k) * width + j] = (float) (sums[k * width + j] / counts[k]);
      }
    }
    List<LearnedTask> tasks = new ArrayList<>(prior == null ? List.of() : prior.tasks);
    tasks.add(new LearnedTask(taskId, taskClasses.clone(), 0));
    int[] classes = prior == null ? taskClasses.clone() : Baselines.concat(prior.classes, taskClasses);
    return new Model(dimension, layer, classes, tasks, means, settings);
  }

  @Override
  public String configHash() {
    return hash;
  }

  /** A nearest-class-mean model. */
  static final class Model implements ClassIncrementalModel {
    private final int dimension;
    private final RandomFeatures layer;
    private final int[] classes;
    private final List<LearnedTask> tasks;
    private final float[] means;
    private final Settings settings;
    private final INDArray meanMatrix;
    private final INDArray meanNorms;

    Model(int dimension, RandomFeatures layer, int[] classes, List<LearnedTask> tasks, float[] means,
        Settings settings) {
      this.settings = settings;
      this.dimension = dimension;
      this.layer = layer;
      this.classes = classes;
      this.tasks = List.copyOf(tasks);
      this.means = means;
      int width = layer == null ? dimension : layer.count();
      this.meanMatrix = Nd4j.create(means, new long[] {classes.length, width}, 'c');
      this.meanNorms = meanMatrix.mul(meanMatrix).sum(1).reshape(1, classes.length);
    }

    @Override
    public String learner() {
      return NAME;
    }

    @Override
    public int inputDimension() {
      return dimension;
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
      return means.length + (layer == null ? 0 : layer.parameterCount());
    }

    @Override
    public Predictions predict(float[][] rows) {
      return predict(Baselines.matrix(rows, dimension));
    }

    @Override
    public Predictions predict(INDArray x) {
      INDArray input = Baselines.checked(x, dimension);
      INDArray h = layer == null ? input : layer.transform(input);
      // -||h - m||^2 = 2 h.m - ||m||^2 - ||h||^2
      INDArray scores = h.mmul(meanMatrix.transpose()).muli(2).subiRowVector(meanNorms);
      INDArray rowNorms = h.mul(h).sum(1).reshape(h.rows(), 1);
      scores.subiColumnVector(rowNorms);
      return Baselines.fromScores(scores, classes);
    }

    @Override
    public Predictions predictWithTask(float[][] rows, int[] taskIndex) {
      return Baselines.restrictedToTask(predict(rows), classes, tasks, taskIndex);
    }

    /** The seed and the options ({@code features}, and {@code scale} where known): the header records them. */
    @Override
    public Map<String, String> learnerSettings() {
      Map<String, String> own = new java.util.TreeMap<>();
      own.put("seed", Long.toString(settings.seed()));
      own.put("option.features", Integer.toString(layer == null ? 0 : layer.count()));
      if (settings.scale() != null) {
        own.put("option.scale", Double.toString(settings.scale()));
      }
      return own;
    }

    /** Baseline weights version 3: the tasks and classes are the header's ({@link #tasks()}, {@link #classes()}). */
    @Override
    public void writeWeights(DataOutput out) throws IOException {
      Codecs.writeHeader(out);
      out.writeInt(dimension);
      out.writeBoolean(layer != null);
      if (layer != null) {
        layer.write(out);
      }
      Codecs.writeFloats(out, means);
    }

    /**
     * Reads weights of any baseline version: version 3 with the header's tasks and classes; the seed is the
     * header's, and so is the scale where the header records it.
     */
    static Model read(DataInput in, LearnerSettings header) throws IOException {
      int version = Codecs.readHeader(in, NAME);
      int dimension = Codecs.positive(in.readInt(), "input dimension");
      RandomFeatures layer = in.readBoolean() ? RandomFeatures.read(in) : null;
      if (layer != null && layer.dimension() != dimension) {
        throw new IOException("corrupt snapshot: random layer takes " + layer.dimension() + " inputs, model "
            + dimension);
      }
      Codecs.Learned learned = Codecs.learned(in, version, header);
      int width = layer == null ? dimension : layer.count();
      float[] means = Codecs.readFloats(in, (long) learned.classes().length * width, "class means");
      Map<String, String> recorded = header.optionsAmong(DOCS.keySet());
      Codecs.checkRecordedFeatures(version, recorded, layer == null ? 0 : layer.count());
      Double scale = recorded.containsKey("scale") ? Codecs.recordedNumber(recorded, "scale", NAME) : null;
      return new Model(dimension, layer, learned.classes(), learned.tasks(), means, new Settings(header.seed(),
          scale));
    }
  }

  /** The provider registered as {@code ncm}. */
  public static final class Provider implements LearnerProvider {
    @Override
    public String name() {
      return NAME;
    }

    @Override
    public String description() {
      return "nearest class mean on raw features (or on random sigmoid features with features=N)";
    }

    @Override
    public IncrementalLearner create(Map<String, String> options, long seed) {
      LearnerOptions o = new LearnerOptions(NAME, options, DOCS);
      return new NcmLearner(o.integer("features", 0, 0), o.real("scale", 1.0, 0), seed,
          Hashes.of(NAME, o.canonical(), seed), TaskSource.IN_MEMORY_BUDGET);
    }

    @Override
    public Map<String, String> optionDocs() {
      return DOCS;
    }

    @Override
    public ModelCodec codec() {
      return new ModelCodec() {
        @Override
        public String learner() {
          return NAME;
        }

        @Override
        public ClassIncrementalModel readWeights(DataInput in, LearnerSettings header) throws IOException {
          return Model.read(in, header);
        }
      };
    }
  }
}
