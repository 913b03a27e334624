package io.autoactivator.bench;

import io.autoactivator.model.linalg.Cholesky;
import io.autoactivator.model.linalg.SymmetricGram;
import io.autoactivator.model.linalg.SymmetricSolver;
import java.util.SplittableRandom;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The analytic learner's two dense kernels at its sizes: the ridge solve {@code (G + I) X = C} of an n x n Gram
 * with 10 right-hand sides (blocked {@link Cholesky} vs EJML's {@link SymmetricSolver}, the path it replaced), and
 * one 2048-row chunk of Gram accumulation ({@link SymmetricGram}, upper triangle, vs the full {@code h^T h} mmul).
 * The NumPy/SciPy figures for the same shapes come from {@code benchmarks/reference/analytic_numpy.py}.
 *
 * <pre>
 * java -jar /tmp/benchmarks.jar SpdSolveBenchmark -p n=2500,8960 -wi 1 -i 3
 * java -jar /tmp/benchmarks.jar 'SpdSolveBenchmark.(cholesky|gram.*)' -p n=8960 -wi 1 -i 3   # EJML at 8960 takes minutes
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgs = {"-Xmx8g"})
@Warmup(iterations = 1)
@Measurement(iterations = 3)
public class SpdSolveBenchmark {

  private static final int RHS = 10;
  private static final int CHUNK = 2048;

  @Param({"2500"})
  public int n;

  private double[] gram;
  private double[] rhs;
  private INDArray features;
  private double[] accumulator;

  @Setup(Level.Trial)
  public void setUp() {
    SplittableRandom random = new SplittableRandom(7);
    float[] h = new float[CHUNK * n];
    for (int i = 0; i < h.length; i++) {
      h[i] = (float) random.nextDouble();
    }
    features = Nd4j.create(h, new long[] {CHUNK, n}, 'c');
    gram = new double[n * n];
    SymmetricGram.addUpper(features, gram);
    SymmetricGram.mirrorUpper(gram, n);
    rhs = new double[n * RHS];
    for (int i = 0; i < rhs.length; i++) {
      rhs[i] = random.nextGaussian();
    }
    accumulator = new double[n * n];
  }

  @Benchmark
  public double[] cholesky() {
    try (Cholesky factor = Cholesky.factor(gram, n, 1.0)) {
      return factor.solve(rhs, RHS);
    }
  }

  @Benchmark
  public double[] ejml() {
    double[] shifted = gram.clone();
    for (int i = 0; i < n; i++) {
      shifted[i * n + i] += 1.0;
    }
    return SymmetricSolver.solve(shifted, rhs, n, RHS);
  }

  @Benchmark
  public double[] gramUpper() {
    SymmetricGram.addUpper(features, accumulator);
    return accumulator;
  }

  @Benchmark
  public float[] gramFullMmul() {
    return features.transpose().mmul(features).dup('c').data().asFloat();
  }
}
