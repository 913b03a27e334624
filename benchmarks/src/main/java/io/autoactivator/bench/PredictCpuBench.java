package io.autoactivator.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import io.autoactivator.model.api.ClassIncrementalModel;
import io.autoactivator.model.api.TaskData;

/**
 * {@code model.predictChecked} against its GEMM roofline ({@link Roofline}) in CPU time of the calling thread, the two
 * alternated in short blocks in one JVM, medians over the blocks. On a shared 2-core machine JMH's wall-clock
 * scores moved 3-8x between forks (BENCHMARKS.md, issue 12 session 6); with one native thread
 * ({@code serving.threads=1}) every native call runs on the calling thread, so its CPU time is the call's own work
 * and moves much less with the other users' load. Uses only the model's public API, so the same class can time
 * another build's jar: {@code java -cp classes-of-this:other.jar io.autoactivator.bench.PredictCpuBench}.
 *
 * <p>Arguments: {@code [tasks=5] [perClass=1000] [batches=1,8,32,256] [blocks=15] [blockMillis=300]}; the model is
 * trained (default learner, seed 42) or read from {@code -Dbench.cache}, as {@link PredictBenchmark}'s.
 */
public final class PredictCpuBench {

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private PredictCpuBench() {
  }

  public static void main(String[] args) throws Exception {
    int tasks = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    int perClass = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
    int[] batches = Arrays.stream((args.length > 2 ? args[2] : "1,8,32,256").split(","))
        .mapToInt(Integer::parseInt).toArray();
    int blocks = args.length > 3 ? Integer.parseInt(args[3]) : 15;
    long blockNanos = (args.length > 4 ? Long.parseLong(args[4]) : 300) * 1_000_000L;
    io.autoactivator.app.serve.NativeThreads.apply(1);
    Path root = BenchData.root(System.getProperty("autoactivator.data"));
    Path cache = Path.of(System.getProperty("bench.cache", "/tmp/autoactivator-bench-models"));
    String learner = "autoactivator";
    Map<String, String> opts = Map.of();
    ClassIncrementalModel model = Models.cached(cache, learner + "-mnist-" + tasks + "x2-pc" + perClass + "-" + opts,
        learner, () -> {
          try {
            List<TaskData> data = BenchData.mnistTasks(root, tasks, 2, perClass);
            return Models.train(learner, opts, 42L, data).model();
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
    float[][] rows = BenchData.mnistTest(root, 0).features();
    System.out.printf("# %d tasks, %d units, %d classes; CPU microseconds per row, median of %d blocks of %d ms%n",
        model.tasks().size(), model.units(), model.classes().length, blocks, blockNanos / 1_000_000);
    System.out.println("batch | predictChecked | roofline | roofline / predictChecked");
    for (int batch : batches) {
      float[] flat = new float[batch * model.inputDimension()];
      for (int i = 0; i < batch; i++) {
        System.arraycopy(rows[i % rows.length], 0, flat, i * model.inputDimension(), model.inputDimension());
      }
      INDArray x = Nd4j.create(flat, new long[] {batch, model.inputDimension()}, 'c');
      try (Roofline roofline = Roofline.of(model, Roofline.routerFeatures(learner, opts), batch)) {
        Runnable predict = () -> model.predictChecked(x);
        Runnable gemm = roofline::forward;
        block(predict, blockNanos); // warm-up
        block(gemm, blockNanos);
        List<Double> p = new ArrayList<>();
        List<Double> g = new ArrayList<>();
        for (int b = 0; b < blocks; b++) {
          p.add(block(predict, blockNanos) / batch);
          g.add(block(gemm, blockNanos) / batch);
        }
        double mp = median(p);
        double mg = median(g);
        System.out.printf("%d | %.1f | %.1f | %.0f %%%n", batch, mp, mg, 100 * mg / mp);
      }
      x.close();
    }
  }

  /** CPU microseconds of this thread per call of {@code call}, over about {@code nanos} of wall time. */
  private static double block(Runnable call, long nanos) {
    long wallEnd = System.nanoTime() + nanos;
    long cpu = THREADS.getCurrentThreadCpuTime();
    long calls = 0;
    do {
      call.run();
      calls++;
    } while (System.nanoTime() < wallEnd);
    return (THREADS.getCurrentThreadCpuTime() - cpu) / 1e3 / calls;
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(null);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}
