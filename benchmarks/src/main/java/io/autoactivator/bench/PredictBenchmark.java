package io.autoactivator.bench;

import io.autoactivator.model.api.ClassIncrementalModel;
import io.autoactivator.model.api.Predictions;
import io.autoactivator.model.api.TaskData;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Figures 2 (denominator) and 7: {@code model.predict} of a trained model at several batch sizes, next to the raw
 * GEMM chain of the same shapes ({@link Roofline}) in the same fork. Models are trained on the first
 * {@code perClass} MNIST training rows of each class, {@code tasks} tasks of 2 classes (1, 2, 5 tasks: units grow
 * 500 per AutoActivator task), and cached under {@code -Dbench.cache} (default /tmp/autoactivator-bench-models) so
 * forks do not retrain. Score = microseconds per call of {@code batch} rows; divide by batch for us/prediction
 * ({@link JmhTable} does).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgs = {"-Xmx4g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class PredictBenchmark {

  @Param({"autoactivator", "analytic"})
  public String learner;

  /** Tasks of 2 MNIST classes learned before measuring (total units grow with it). */
  @Param({"1", "2", "5"})
  public int tasks;

  @Param({"1", "32", "256", "1024"})
  public int batch;

  /** MNIST training rows per class used to train (0 = all). */
  @Param({"1000"})
  public int perClass;

  /** Learner options as {@code k=v;k=v}. */
  @Param({""})
  public String options;

  /** {@code serving.threads}: ND4J/OpenBLAS threads per native call (0: ND4J's defaults, one per core). */
  @Param({"0"})
  public int threads;

  private ClassIncrementalModel model;
  private INDArray input;
  private Roofline roofline;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    io.autoactivator.app.serve.NativeThreads.apply(threads);
    Path root = BenchData.root(System.getProperty("autoactivator.data"));
    Map<String, String> opts = Models.options(options);
    Path cache = Path.of(System.getProperty("bench.cache", "/tmp/autoactivator-bench-models"));
    String key = learner + "-mnist-" + tasks + "x2-pc" + perClass + "-" + opts;
    model = Models.cached(cache, key, learner, () -> {
      try {
        List<TaskData> data = BenchData.mnistTasks(root, tasks, 2, perClass);
        return Models.train(learner, opts, 42L, data).model();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    float[][] rows = BenchData.mnistTest(root, 0).features();
    float[] flat = new float[batch * model.inputDimension()];
    for (int i = 0; i < batch; i++) {
      System.arraycopy(rows[i % rows.length], 0, flat, i * model.inputDimension(), model.inputDimension());
    }
    input = Nd4j.create(flat, new long[] {batch, model.inputDimension()}, 'c');
    roofline = Roofline.of(model, Roofline.routerFeatures(learner, opts), batch);
    System.out.printf("%n# model %s: %d tasks, %d units, %d parameters, %d classes; roofline H=%d%n", learner,
        model.tasks().size(), model.units(), model.parameterCount(), model.classes().length, roofline.hidden());
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    roofline.close();
    input.close();
  }

  @Benchmark
  public Predictions predict() {
    return model.predict(input);
  }

  /** What the serving loop calls: the rows were validated once by the caller. */
  @Benchmark
  public Predictions predictChecked() {
    return model.predictChecked(input);
  }

  @Benchmark
  public INDArray roofline() {
    return roofline.forward();
  }
}
