package io.autoactivator.model.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.autoactivator.model.api.ClassIncrementalModel;
import io.autoactivator.model.api.IncrementalLearner;
import io.autoactivator.model.api.Learners;
import io.autoactivator.model.baselines.AnalyticLearner;
import io.autoactivator.model.api.Predictions;
import io.autoactivator.model.api.TaskData;
import io.autoactivator.model.api.TrainingListener;
import io.autoactivator.model.data.BenchmarkData;
import io.autoactivator.model.data.ClassIncrementalSplit;
import io.autoactivator.model.data.Dataset;
import io.autoactivator.model.data.Standardizer;
import io.autoactivator.model.metrics.AccuracyMatrix;
import io.autoactivator.model.metrics.ContinualMetrics;

/**
 * Runs learners over class-incremental sequences and measures them. For each class order: split the data into
 * tasks (each learner fits its own input transform on task 0, as in the service; an extra bench-side standardisation
 * only on request), then for each method train task after task,
 * predicting every seen task's test rows after each task (per sample, no task id) to fill the accuracy matrix.
 *
 * <p>Special cases, as documented in the README of the bench command:
 * <ul>
 *   <li>AutoActivator variants (names starting with {@code autoactivator}) run first in each order.</li>
 *   <li>{@code analytic} without an explicit {@code features} option is sized to the parameter count P of the
 *       first AutoActivator variant of the same order: {@code features = round(P / (dim + 1 + classes))} (its own
 *       parameter count is {@code features * (dim + 1 + classes)}); 2500 features when none ran. The count is
 *       capped where its F x F Gram matrix would not fit ({@link #maxAnalyticFeatures()}); the result says so.</li>
 *   <li>A method that fails in one order (an exception or out of memory) gets an error row and is skipped in later
 *       orders; the other methods go on.</li>
 *   <li>{@code joint} is trained once, on the union of all tasks' training data (one task with all classes);
 *       without an explicit {@code features} it is sized to equal parameters like {@code analytic} (units that
 *       read shared features recruit few nodes, so "as many features as hidden units" no longer means a comparable
 *       model). Its "matrix" is one row, the accuracy on each task's test rows; ACC is their mean.</li>
 * </ul>
 */
public final class BenchmarkRunner {

  private static final Logger LOG = LoggerFactory.getLogger(BenchmarkRunner.class);
  private static final int PREDICT_BATCH = 2000;
  /** Default cap on sized random features: a 12,000^2 double Gram is 1.15 GB. */
  static final long FEATURE_CAP = 12_000;
  /** System property overriding {@link #FEATURE_CAP}. */
  public static final String MAX_FEATURES_PROPERTY = "autoactivator.bench.maxFeatures";

  private BenchmarkRunner() {
  }

  /** Steps {@link BenchmarkListener#started} will announce. */
  public static int totalSteps(BenchmarkConfig config) {
    int perOrder = 0;
    for (String method : config.methods()) {
      perOrder += isJoint(method) ? 1 : config.tasks();
    }
    return perOrder * config.orders();
  }

  /** Runs {@code config} on {@code data}. */
  public static BenchmarkResult run(BenchmarkData data, BenchmarkConfig config, BenchmarkListener listener) {
    for (String method : config.methods()) {
      Learners.provider(method); // fail fast, listing the known learners
    }
    Dataset train = config.trainLimitPerClass() > 0 ? data.train().firstPerClass(config.trainLimitPerClass())
        : data.train();
    int[] classes = train.classes();
    int perTask = config.classesPerTask() > 0 ? config.classesPerTask() : classes.length / config.tasks();
    if (perTask < 1) {
      throw new IllegalArgumentException(classes.length + " classes cannot fill " + config.tasks() + " tasks");
    }
    // Every learner owns its input transform (fitted on its first task: model/transform), exactly as in the service;
    // standardising here as well is only done on request.
    boolean standardize = Boolean.TRUE.equals(config.standardize());
    List<String> methods = new ArrayList<>();
    config.methods().stream().filter(BenchmarkRunner::isAutoActivator).forEach(methods::add);
    config.methods().stream().filter(m -> !isAutoActivator(m)).forEach(methods::add);

    Map<String, List<BenchmarkResult.OrderResult>> runs = new LinkedHashMap<>();
    Map<String, Map<String, String>> usedOptions = new LinkedHashMap<>();
    Map<String, String> notes = new LinkedHashMap<>();
    Map<String, String> errors = new LinkedHashMap<>();
    long maxFeatures = maxAnalyticFeatures();
    methods.forEach(m -> {
      runs.put(m, new ArrayList<>());
      if (hasBatchProtocol(m)) {
        runs.put(m + TASK_BATCHES, new ArrayList<>());
      }
    });
    listener.started(totalSteps(config));
    for (int order = 0; order < config.orders(); order++) {
      int[] classOrder = order == 0 ? classes : ClassIncrementalSplit.seededOrder(classes, config.seed() + order);
      ClassIncrementalSplit split = ClassIncrementalSplit.split(train, data.test(), config.tasks(), perTask,
          classOrder);
      List<TaskData> trainTasks = new ArrayList<>();
      List<Dataset> testTasks = new ArrayList<>();
      Standardizer standardizer = standardize ? Standardizer.fit(split.tasks().get(0).train().features()) : null;
      for (ClassIncrementalSplit.Task task : split.tasks()) {
        TaskData t = task.train();
        trainTasks.add(standardizer == null ? t
            : new TaskData(t.taskId(), t.classes(), standardizer.apply(t.features()), t.labels()));
        testTasks.add(standardizer == null ? task.test() : standardizer.apply(task.test()));
      }
      LOG.info("order {}: classes {}", order, Arrays.toString(split.allClasses()));
      if (order == 0) {
        warmUp(methods, config, data, trainTasks);
      }
      ClassIncrementalModel reference = null;
      for (String method : methods) {
        if (errors.containsKey(method)) {
          continue; // failed in an earlier order: its error row stands for all orders
        }
        Map<String, String> options = new LinkedHashMap<>(config.optionsOf(method));
        if (isAutoActivator(method) && !"none".equals(data.imageShape())) {
          // the data's declared layout, as a service user declares it (learner.option.input.shape): not a tuning
          options.putIfAbsent("input.shape", data.imageShape());
        }
        String note = size(method, options, reference, trainTasks.get(0).dimension(), split.allClasses().length,
            maxFeatures);
        usedOptions.putIfAbsent(method, Map.copyOf(options));
        if (!note.isEmpty()) {
          notes.putIfAbsent(method, note);
          LOG.warn("order {} {}: {}", order, method, note);
        }
        Run run;
        try {
          IncrementalLearner learner = Learners.create(method, options, config.seed());
          run = isJoint(method)
              ? runJoint(method, learner, order, split, trainTasks, testTasks, listener)
              : runSequence(method, learner, order, split, trainTasks, testTasks, listener);
        } catch (RuntimeException | OutOfMemoryError e) {
          // one method failing (its size, its memory, a bug) must not cost the other methods' results
          String error = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
          errors.put(method, "order " + order + ": " + error);
          LOG.error("order {} {} failed; the other methods go on", order, method, e);
          continue;
        }
        BenchmarkResult.OrderResult result = run.result();
        runs.get(method).add(result);
        if (run.taskBatches() != null) {
          runs.get(method + TASK_BATCHES).add(run.taskBatches());
          usedOptions.putIfAbsent(method + TASK_BATCHES, Map.copyOf(options));
        }
        if (reference == null && isAutoActivator(method)) {
          reference = run.model();
        }
        LOG.info("order {} {}: ACC {} AIA {} params {} train {} s", order, method, result.acc(), result.aia(),
            result.params(), String.format(java.util.Locale.ROOT, "%.1f", result.trainSeconds()));
      }
    }
    listener.finished();
    List<BenchmarkResult.MethodResult> results = new ArrayList<>();
    runs.forEach((m, r) -> results.add(new BenchmarkResult.MethodResult(m,
        usedOptions.getOrDefault(m, config.optionsOf(m)), List.copyOf(r), notes.get(m), errors.get(m))));
    return new BenchmarkResult(data.name(), config.tasks(), perTask, config.orders(), List.copyOf(results));
  }

  /** Rows per task of the untimed warm-up ({@link #warmUp}). */
  static final int WARM_UP_ROWS = 512;

  /**
   * Trains every method once, untimed and discarded, on the first two tasks thinned to {@value #WARM_UP_ROWS} rows
   * each (every k-th row, so each task keeps its classes), before the first timed run. Why: the JVM compiles the
   * learners' loops and the native libraries initialise during the first tasks a JVM trains, and without this the
   * first method of the first order paid all of it (digits 5x2: AutoActivator's first task 0.94-1.00 s in order 0
   * against 0.14-0.15 s in later orders), which a long-running service pays once and NumPy's reference pays at
   * import, outside its timing. Options as given; the baselines' sizing to equal parameters does not apply here.
   */
  private static void warmUp(List<String> methods, BenchmarkConfig config, BenchmarkData data,
      List<TaskData> trainTasks) {
    long start = System.nanoTime();
    List<TaskData> slices = new ArrayList<>();
    for (TaskData task : trainTasks.subList(0, Math.min(2, trainTasks.size()))) {
      int n = Math.min(task.size(), WARM_UP_ROWS);
      float[][] x = new float[n][];
      int[] y = new int[n];
      for (int i = 0; i < n; i++) {
        int row = (int) ((long) i * task.size() / n);
        x[i] = task.features()[row];
        y[i] = task.labels()[row];
      }
      slices.add(new TaskData(task.taskId(), task.classes(), x, y));
    }
    for (String method : methods) {
      Map<String, String> options = new LinkedHashMap<>(config.optionsOf(method));
      if (isAutoActivator(method) && !"none".equals(data.imageShape())) {
        options.putIfAbsent("input.shape", data.imageShape());
      }
      try {
        IncrementalLearner learner = Learners.create(method, options, config.seed());
        ClassIncrementalModel model = null;
        for (TaskData slice : isJoint(method) ? slices.subList(0, 1) : slices) {
          model = learner.learn(model, slice, TrainingListener.NONE);
        }
        model.predict(Arrays.copyOf(slices.get(0).features(), Math.min(64, slices.get(0).size())));
      } catch (RuntimeException | OutOfMemoryError e) {
        LOG.warn("warm-up of {} failed (its timed runs will say why, if they fail too): {}", method, e.toString());
      }
    }
    LOG.info("warm-up, untimed: every method on {} rows of the first tasks in {} s", WARM_UP_ROWS,
        String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - start) / 1e9));
  }

  /**
   * A method's figures in one order, its final model (to size later methods on) and, for the paper's rule, the
   * figures of the paper's batch protocol (null otherwise).
   */
  private record Run(BenchmarkResult.OrderResult result, ClassIncrementalModel model,
      BenchmarkResult.OrderResult taskBatches) {
    Run(BenchmarkResult.OrderResult result, ClassIncrementalModel model) {
      this(result, model, null);
    }
  }

  /**
   * Suffix of the row that reports the paper's protocol: each test task's rows are predicted in batches that are
   * known to come from that one task ({@link ClassIncrementalModel#predictTaskBatch}, batches of
   * {@value #PREDICT_BATCH} rows). The batch is the task id, so this row is never class-incremental accuracy; it
   * exists so the paper's figures can be compared with something measured the way they were.
   */
  static final String TASK_BATCHES = " [task batches: leaks the task id]";

  /** Methods with a batch statistic of their own (the paper's threshold rule). */
  static boolean hasBatchProtocol(String method) {
    return method.equals("autoactivator-paper");
  }

  /**
   * Sizes {@code analytic} and {@code joint} from the reference model, in long arithmetic, and caps the feature
   * count at {@code maxFeatures} (an F x F double Gram matrix must fit).
   *
   * @return "" or a note saying what was capped
   */
  static String size(String method, Map<String, String> options, ClassIncrementalModel reference, int dim,
      int classes, long maxFeatures) {
    if (options.containsKey("features") || reference == null) {
      return "";
    }
    long wanted;
    if (AnalyticLearner.names(method)) {
      // equal parameters: features * (dim + 1 + classes) = the AutoActivator model's parameter count
      wanted = Math.max(1, Math.round(reference.parameterCount() / (double) (dim + 1L + classes)));
    } else {
      return "";
    }
    long features = Math.min(wanted, maxFeatures);
    options.put("features", Long.toString(features));
    if (features == wanted) {
      return "";
    }
    return String.format(java.util.Locale.ROOT, "capped: %,d features instead of %,d (equal parameters would need a"
        + " %,d x %,d Gram matrix, %.1f GB)", features, wanted, wanted, wanted, 8.0 * wanted * wanted / 1e9);
  }

  /**
   * The most random features a sized baseline gets: {@value #FEATURE_CAP} by default, less when the heap cannot
   * hold about three F x F double matrices (the Gram, its copy for the next task, and the off-heap Cholesky factor
   * counted against the same budget); the system property {@value #MAX_FEATURES_PROPERTY} overrides both.
   */
  static long maxAnalyticFeatures() {
    String property = System.getProperty(MAX_FEATURES_PROPERTY);
    if (property != null && !property.isBlank()) {
      try {
        return Math.max(1, Long.parseLong(property.trim()));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(MAX_FEATURES_PROPERTY + " must be a number of features, got '" + property
            + "'", e);
      }
    }
    long byHeap = (long) Math.sqrt(Runtime.getRuntime().maxMemory() / (3.0 * Double.BYTES));
    return Math.max(1, Math.min(FEATURE_CAP, byHeap));
  }

  static boolean isAutoActivator(String method) {
    return method.startsWith("autoactivator");
  }

  static boolean isJoint(String method) {
    return AnalyticLearner.JOINT.equals(method);
  }

  private static Run runSequence(String method, IncrementalLearner learner, int order,
      ClassIncrementalSplit split, List<TaskData> trainTasks, List<Dataset> testTasks, BenchmarkListener listener) {
    int tasks = trainTasks.size();
    AccuracyMatrix matrix = new AccuracyMatrix(tasks);
    double[] seconds = new double[tasks];
    int[] unitsPerTask = new int[tasks];
    ClassIncrementalModel model = null;
    AccuracyMatrix batches = hasBatchProtocol(method) ? new AccuracyMatrix(tasks) : null;
    for (int i = 0; i < tasks; i++) {
      TaskData task = trainTasks.get(i);
      listener.stepStarted(method, order, task.taskId());
      long start = System.nanoTime();
      model = learner.learn(model, task, TrainingListener.NONE);
      seconds[i] = (System.nanoTime() - start) / 1e9;
      unitsPerTask[i] = model.tasks().get(model.tasks().size() - 1).units();
      for (int j = 0; j <= i; j++) {
        matrix.set(i, j, accuracy(model, testTasks.get(j)));
        if (batches != null) {
          batches.set(i, j, batchAccuracy(model, testTasks.get(j)));
        }
      }
      listener.stepFinished(method, order, task.taskId(), seconds[i], matrix.averageAfter(i));
    }
    double taskId = taskIdAccuracy(model, testTasks);
    ContinualMetrics m = ContinualMetrics.of(matrix);
    double[] after = new double[tasks];
    for (int i = 0; i < tasks; i++) {
      after[i] = matrix.averageAfter(i);
    }
    BenchmarkResult.OrderResult batchResult = null;
    if (batches != null) {
      ContinualMetrics b = ContinualMetrics.of(batches);
      double[] batchAfter = new double[tasks];
      for (int i = 0; i < tasks; i++) {
        batchAfter[i] = batches.averageAfter(i);
      }
      batchResult = new BenchmarkResult.OrderResult(order, split.classOrder(), false, batches.toArray(), batchAfter,
          b.acc(), b.aia(), b.bwt(), b.forgetting(), Double.NaN, model.units(), unitsPerTask, model.parameterCount(),
          Arrays.stream(seconds).sum(), seconds);
    }
    return new Run(new BenchmarkResult.OrderResult(order, split.classOrder(), false, matrix.toArray(), after,
        m.acc(), m.aia(), m.bwt(), m.forgetting(), taskId, model.units(), unitsPerTask, model.parameterCount(),
        Arrays.stream(seconds).sum(), seconds), model, batchResult);
  }

  /** Accuracy on one task's test rows predicted in task-homogeneous batches (the paper's protocol). */
  static double batchAccuracy(ClassIncrementalModel model, Dataset test) {
    return accuracy(test, model::predictTaskBatch);
  }


  private static Run runJoint(String method, IncrementalLearner learner, int order,
      ClassIncrementalSplit split, List<TaskData> trainTasks, List<Dataset> testTasks, BenchmarkListener listener) {
    int rows = trainTasks.stream().mapToInt(TaskData::size).sum();
    float[][] x = new float[rows][];
    int[] y = new int[rows];
    int at = 0;
    for (TaskData t : trainTasks) {
      System.arraycopy(t.features(), 0, x, at, t.size());
      System.arraycopy(t.labels(), 0, y, at, t.size());
      at += t.size();
    }
    TaskData all = new TaskData("joint", split.allClasses(), x, y);
    listener.stepStarted(method, order, all.taskId());
    long start = System.nanoTime();
    ClassIncrementalModel model = learner.learn(null, all, TrainingListener.NONE);
    double seconds = (System.nanoTime() - start) / 1e9;
    double[] perTask = new double[testTasks.size()];
    for (int j = 0; j < perTask.length; j++) {
      perTask[j] = accuracy(model, testTasks.get(j));
    }
    double acc = Arrays.stream(perTask).average().orElse(Double.NaN);
    listener.stepFinished(method, order, all.taskId(), seconds, acc);
    return new Run(new BenchmarkResult.OrderResult(order, split.classOrder(), true, new double[][] {perTask},
        new double[] {acc}, acc, Double.NaN, Double.NaN, Double.NaN, Double.NaN, model.units(),
        new int[] {model.units()}, model.parameterCount(), seconds, new double[] {seconds}), model);
  }

  /** Fraction of {@code test}'s rows predicted right, without task id, in batches. */
  static double accuracy(ClassIncrementalModel model, Dataset test) {
    return accuracy(test, model::predict);
  }

  /** Fraction of {@code test}'s rows that {@code predictor} gets right, in batches of {@value #PREDICT_BATCH}. */
  private static double accuracy(Dataset test, java.util.function.Function<float[][], Predictions> predictor) {
    if (test.size() == 0) {
      return Double.NaN;
    }
    int correct = 0;
    for (int from = 0; from < test.size(); from += PREDICT_BATCH) {
      int to = Math.min(test.size(), from + PREDICT_BATCH);
      Predictions p = predictor.apply(Arrays.copyOfRange(test.features(), from, to));
      for (int i = from; i < to; i++) {
        correct += p.labels()[i - from] == test.labels()[i] ? 1 : 0;
      }
    }
    return correct / (double) test.size();
  }


  /**
   * Fraction of all test rows whose fired unit ({@link Predictions#firedTask}) is their own task's; NaN when the
   * model has no per-task units (every row answers -1).
   */
  static double taskIdAccuracy(ClassIncrementalModel model, List<Dataset> testTasks) {
    int correct = 0;
    int total = 0;
    boolean routed = false;
    for (int j = 0; j < testTasks.size(); j++) {
      Dataset test = testTasks.get(j);
      String expected = ClassIncrementalSplit.taskId(j);
      for (int from = 0; from < test.size(); from += PREDICT_BATCH) {
        int to = Math.min(test.size(), from + PREDICT_BATCH);
        Predictions p = model.predict(Arrays.copyOfRange(test.features(), from, to));
        for (int fired : p.firedTask()) {
          total++;
          if (fired >= 0) {
            routed = true;
            correct += model.tasks().get(fired).taskId().equals(expected) ? 1 : 0;
          }
        }
      }
    }
    return routed && total > 0 ? correct / (double) total : Double.NaN;
  }
}
