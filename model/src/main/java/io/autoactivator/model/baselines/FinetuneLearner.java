package io.autoactivator.model.baselines;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import io.autoactivator.model.api.ClassIncrementalModel;
import io.autoactivator.model.api.IncrementalLearner;
import io.autoactivator.model.api.InvalidTaskDataException;
import io.autoactivator.model.api.LearnedTask;
import io.autoactivator.model.api.LearnerProvider;
import io.autoactivator.model.api.LearnerSettings;
import io.autoactivator.model.api.ModelCodec;
import io.autoactivator.model.api.Predictions;
import io.autoactivator.model.api.TaskData;
import io.autoactivator.model.api.TrainingListener;
import io.autoactivator.model.snapshot.RawArrays;

/**
 * {@code finetune}: the lower bound - a DL4J MLP (one ReLU hidden layer, softmax output) trained with Adam for a few
 * epochs on each new task only. The output layer is preallocated with {@code max-classes} units; output column k is
 * the k-th class learned, and predictions take the argmax over the classes seen so far only. Without rehearsal the
 * softmax drifts to the newest task (catastrophic forgetting) - that is the point of this baseline.
 *
 * <p>Determinism: minibatch order comes from a local {@link SplittableRandom}; weight initialisation uses DL4J's
 * configuration seed (DL4J seeds ND4J's RNG from it during {@code init()}). Snapshots hold the raw float parameters and
 * the Adam state; the hyperparameters are the learner's options and seed, in the snapshot's provenance header.
 */
public final class FinetuneLearner implements IncrementalLearner {

  public static final String NAME = "finetune";
  static final Map<String, String> DOCS = docs();

  private final Hyper hyper;
  private final String hash;

  private FinetuneLearner(Hyper hyper, String hash) {
    this.hyper = hyper;
    this.hash = hash;
  }

  private static Map<String, String> docs() {
    Map<String, String> docs = new LinkedHashMap<>();
    docs.put("hidden", "hidden ReLU units (256)");
    docs.put("max-classes", "preallocated softmax outputs, the most classes the model can learn (100)");
    docs.put("epochs", "epochs per task (2)");
    docs.put("batch", "minibatch size (64)");
    docs.put("lr", "Adam learning rate (0.001)");
    return docs;
  }

  /**
   * Hyperparameters: the learner's options and seed, which a snapshot's provenance header records (the model reports
   * them, {@link Model#learnerSettings()}) so a model can keep training after it is read back.
   */
  record Hyper(int hidden, int maxClasses, int epochs, int batch, double lr, long seed) {

    /** From the options as configured (defaults for those not given). */
    static Hyper of(Map<String, String> options, long seed) {
      LearnerOptions o = new LearnerOptions(NAME, options, DOCS);
      return new Hyper(o.integer("hidden", 256, 1), o.integer("max-classes", 100, 2), o.integer("epochs", 2, 1),
          o.integer("batch", 64, 1), o.real("lr", 1e-3, 0), seed);
    }

    /** Every option, canonical: {@link #of} reads them back to this record. */
    Map<String, String> options() {
      Map<String, String> options = new LinkedHashMap<>();
      options.put("hidden", Integer.toString(hidden));
      options.put("max-classes", Integer.toString(maxClasses));
      options.put("epochs", Integer.toString(epochs));
      options.put("batch", Integer.toString(batch));
      options.put("lr", Double.toString(lr));
      return options;
    }

    /** Baseline weights version 1 repeated the hyperparameters after the learner's name. */
    static Hyper read(DataInput in) throws IOException {
      return new Hyper(Codecs.positive(in.readInt(), "hidden units"), Codecs.positive(in.readInt(), "max classes"),
          Codecs.positive(in.readInt(), "epochs"), Codecs.positive(in.readInt(), "batch"), in.readDouble(),
          in.readLong());
    }

    MultiLayerNetwork network(int dimension) {
      MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
          .seed(seed)
          .updater(new Adam(lr))
          .weightInit(WeightInit.XAVIER)
          .list()
          .layer(new DenseLayer.Builder().nIn(dimension).nOut(hidden).activation(Activation.RELU).build())
          .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(hidden).nOut(maxClasses)
              .activation(Activation.SOFTMAX).build())
          .build();
      MultiLayerNetwork net = new MultiLayerNetwork(conf);
      net.init();
      return net;
    }
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public ClassIncrementalModel learn(ClassIncrementalModel previous, TaskData task, TrainingListener listener) {
    if (previous != null && !(previous instanceof Model)) {
      throw new InvalidTaskDataException("finetune cannot continue a model of learner " + previous.learner());
    }
    Baselines.checkNewTask(previous, task);
    Model prior = (Model) previous;
    int[] classes = prior == null ? task.classes().clone() : Baselines.concat(prior.classes, task.classes());
    if (classes.length > hyper.maxClasses()) {
      throw new InvalidTaskDataException("task " + task.taskId() + " would bring the model to " + classes.length
          + " classes; finetune was built with max-classes=" + hyper.maxClasses());
    }
    long start = System.nanoTime();
    listener.taskStarted(task.taskId(), task.size(), 0);
    Hyper h = prior == null ? hyper : prior.hyper;
    MultiLayerNetwork net = prior == null ? h.network(task.dimension()) : prior.cloneNetwork();
    int n = task.size();
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    SplittableRandom random = new SplittableRandom(h.seed() ^ (31L * (prior == null ? 0 : prior.tasks.size()) + 7));
    for (int epoch = 0; epoch < h.epochs(); epoch++) {
      for (int i = n - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        int swap = order[i];
        order[i] = order[j];
        order[j] = swap;
      }
      for (int from = 0; from < n; from += h.batch()) {
        int to = Math.min(n, from + h.batch());
        float[][] rows = new float[to - from][];
        float[] y = new float[(to - from) * h.maxClasses()];
        for (int i = from; i < to; i++) {
          rows[i - from] = task.features()[order[i]];
          y[(i - from) * h.maxClasses() + Baselines.indexOf(classes, task.labels()[order[i]])] = 1f;
        }
        INDArray x = Baselines.matrix(rows, task.dimension());
        net.fit(new DataSet(x, Nd4j.create(y, new long[] {to - from, h.maxClasses()}, 'c')));
      }
      listener.progress(task.taskId(), 0, 0, net.score(), Double.NaN);
    }
    List<LearnedTask> tasks = new ArrayList<>(prior == null ? List.of() : prior.tasks);
    tasks.add(new LearnedTask(task.taskId(), task.classes().clone(), 0));
    Model model = new Model(h, task.dimension(), classes, tasks, net);
    listener.taskFinished(task.taskId(), 0, (System.nanoTime() - start) / 1e9);
    return model;
  }

  @Override
  public String configHash() {
    return hash;
  }

  /** A fine-tuned MLP. The network is never trained after construction; predictions are serialised on it. */
  static final class Model implements ClassIncrementalModel {
    private final Hyper hyper;
    private final int dimension;
    private final int[] classes;
    private final List<LearnedTask> tasks;
    private final MultiLayerNetwork net;

    Model(Hyper hyper, int dimension, int[] classes, List<LearnedTask> tasks, MultiLayerNetwork net) {
      this.hyper = hyper;
      this.dimension = dimension;
      this.classes = classes;
      this.tasks = List.copyOf(tasks);
      this.net = net;
    }

    synchronized MultiLayerNetwork cloneNetwork() {
      return net.clone();
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
      return net.numParams();
    }

    @Override
    public Predictions predict(float[][] rows) {
      return predict(Baselines.matrix(rows, dimension));
    }

    @Override
    public Predictions predict(INDArray x) {
      INDArray input = Baselines.checked(x, dimension);
      INDArray out;
      synchronized (this) {
        out = net.output(input, false);
      }
      INDArray seen = out.get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
          org.nd4j.linalg.indexing.NDArrayIndex.interval(0, classes.length)).dup('c');
      return Baselines.fromScores(seen, classes);
    }

    @Override
    public Predictions predictWithTask(float[][] rows, int[] taskIndex) {
      return Baselines.restrictedToTask(predict(rows), classes, tasks, taskIndex);
    }

    /**
     * Baseline weights version 3: the hyperparameters, the tasks and the classes are the header's
     * ({@link #learnerSettings()}, {@link #tasks()}, {@link #classes()}).
     */
    @Override
    public synchronized void writeWeights(DataOutput out) throws IOException {
      Codecs.writeHeader(out);
      out.writeInt(dimension);
      Codecs.writeFloats(out, net.params().dup('c').data().asFloat());
      INDArray state = net.getUpdater().getStateViewArray();
      out.writeBoolean(state != null);
      if (state != null) {
        Codecs.writeFloats(out, state.dup('c').data().asFloat());
      }
    }

    @Override
    public Map<String, String> learnerSettings() {
      Map<String, String> settings = new java.util.TreeMap<>();
      hyper.options().forEach((key, value) -> settings.put("option." + key, value));
      settings.put("seed", Long.toString(hyper.seed()));
      return settings;
    }

    /**
     * Reads weights of any baseline version: the hyperparameters from the header from version 2 on (version 1
     * repeated them), the tasks and classes from the header in version 3 (versions 1 and 2 repeated them).
     */
    static Model read(DataInput in, LearnerSettings header) throws IOException {
      Hyper hyper;
      int version = Codecs.readHeader(in, NAME);
      if (version > Codecs.NAMED_VERSION) {
        try {
          hyper = Hyper.of(header.optionsAmong(DOCS.keySet()), header.seed());
        } catch (IllegalArgumentException e) {
          throw new IOException("the header's options are invalid: " + e.getMessage(), e);
        }
      } else {
        hyper = Hyper.read(in);
      }
      int dimension = Codecs.positive(in.readInt(), "input dimension");
      Codecs.Learned learned = Codecs.learned(in, version, header);
      int[] classes = learned.classes();
      List<LearnedTask> tasks = learned.tasks();
      // the network is allocated from the header's sizes: its first layer alone must fit in the bytes left
      RawArrays.require(in, (long) dimension * hyper.hidden() + (long) hyper.hidden() * hyper.maxClasses(),
          Float.BYTES, "network parameters");
      MultiLayerNetwork net = hyper.network(dimension);
      float[] params = Codecs.readFloats(in, net.numParams(), "network parameters");
      net.setParams(Nd4j.create(params, new long[] {1, params.length}, 'c'));
      if (in.readBoolean()) {
        INDArray view = net.getUpdater().getStateViewArray();
        float[] state = Codecs.readFloats(in, view == null ? -1 : view.length(), "Adam state");
        view.assign(Nd4j.create(state, view.shape(), 'c'));
      }
      return new Model(hyper, dimension, classes, tasks, net);
    }
  }

  /** The provider registered as {@code finetune}. */
  public static final class Provider implements LearnerProvider {
    @Override
    public String name() {
      return NAME;
    }

    @Override
    public String description() {
      return "lower bound: DL4J MLP fine-tuned with Adam on each new task only (no rehearsal)";
    }

    @Override
    public IncrementalLearner create(Map<String, String> options, long seed) {
      LearnerOptions o = new LearnerOptions(NAME, options, DOCS);
      return new FinetuneLearner(Hyper.of(options, seed), Hashes.of(NAME, o.canonical(), seed));
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
