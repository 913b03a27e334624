package io.autoactivator.model.autoactivator;

import io.autoactivator.model.linalg.SingularSystemException;
import io.autoactivator.model.linalg.SymmetricSolver;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * One recruitment step's candidate search (shared/research/autoactivator.md, section 4.10): draws T_max blocks of l
 * random nodes and keeps the admissible one with the largest {@code sum_q xi_q} under the supervisory inequality,
 * evaluated on the rows it is given (the unit's bounded inequality sample). It sees only those rows and their
 * residuals, so a unit trained in memory and one trained on a task read in chunks search alike.
 *
 * <p>Draws from the unit's generator, which the unit shares for its other random choices, in a fixed order.
 */
final class CandidateSearch {

  /** A candidate block and its inequality record. */
  record Candidate(float[] weights, float[] biases, double lambda, BlockRecord record) {
  }

  private final AutoActivatorConfig config;
  private final SplittableRandom random;
  private final int taskIndex;
  private final int d;
  private final int c;

  CandidateSearch(AutoActivatorConfig config, SplittableRandom random, int taskIndex, int d, int c) {
    this.config = config;
    this.random = random;
    this.taskIndex = taskIndex;
    this.d = d;
    this.c = c;
  }

  /** Draws candidates and returns the admissible block with the largest sum of xi, or null. */
  Candidate search(INDArray evalX, INDArray evalResidual, int l, int nodesAfter) {
    double[] energy = new double[c];
    double[] e = evalResidual.dup('c').data().asDouble();
    for (int i = 0; i < e.length; i++) {
      energy[i % c] += e[i] * e[i];
    }
    double[] lambdas = config.lambdas();
    if (config.lambdaMode() == AutoActivatorConfig.LambdaMode.POOLED) {
      double[] perTrial = new double[config.trials()];
      for (int k = 0; k < perTrial.length; k++) {
        perTrial[k] = lambdas[k % lambdas.length];
      }
      return evaluate(evalX, evalResidual, energy, l, nodesAfter, perTrial);
    }
    for (double lambda : lambdas) {
      double[] perTrial = new double[config.trials()];
      Arrays.fill(perTrial, lambda);
      Candidate found = evaluate(evalX, evalResidual, energy, l, nodesAfter, perTrial);
      if (found != null) {
        return found;
      }
    }
    return null;
  }

  private Candidate evaluate(INDArray evalX, INDArray evalResidual, double[] energy, int l, int nodesAfter,
      double[] lambdas) {
    int trials = lambdas.length;
    int width = trials * l;
    float[] w = new float[d * width];
    float[] b = new float[width];
    boolean gaussian = config.distribution() == AutoActivatorConfig.Distribution.GAUSSIAN;
    double fanIn = weightFactor(d);
    for (int k = 0; k < trials; k++) {
      double lambda = lambdas[k];
      for (int i = 0; i < d; i++) {
        for (int j = 0; j < l; j++) {
          w[i * width + k * l + j] = (float) (lambda * fanIn * draw(gaussian));
        }
      }
      for (int j = 0; j < l; j++) {
        b[k * l + j] = (float) (lambda * draw(gaussian));
      }
    }
    // Candidates' outputs transposed (width x samples), made row-major: each candidate is then a contiguous row
    // block that gemm takes as it is. mmul returns column-major, and a row block of that is strided, so ND4J's gemm
    // copied every candidate block and its transpose element by element (~11% of training time).
    INDArray gt = config.activation().applyInPlace(
        Nd4j.create(w, new long[] {d, width}, 'c').transpose().mmul(evalX.transpose())
            .addiColumnVector(Nd4j.create(b, new long[] {width, 1}, 'c')))
        .castTo(DataType.DOUBLE).dup('c');
    double[] gte = gt.mmul(evalResidual).dup('c').data().asDouble();
    double[][] projections = new double[trials][];
    for (int k = 0; k < trials; k++) {
      // The candidate's l x l Gram: one plain gemm on its contiguous row block (ND4J's batched matmul of all
      // T_max blocks at once took a slow generic path: ~17% of training time).
      INDArray block = gt.get(NDArrayIndex.interval(k * l, (k + 1) * l), NDArrayIndex.all());
      double[] gram = block.mmul(block.transpose()).dup('c').data().asDouble();
      double trace = 0;
      for (int j = 0; j < l; j++) {
        trace += gram[j * l + j];
      }
      if (!(trace > 0)) {
        continue;
      }
      double jitter = 1e-9 * trace / l;
      for (int j = 0; j < l; j++) {
        gram[j * l + j] += jitter;
      }
      double[] rhs = Arrays.copyOfRange(gte, k * l * c, (k + 1) * l * c);
      try {
        double[] z = SymmetricSolver.solve(gram, rhs, l, c);
        double[] p = new double[c];
        for (int j = 0; j < l; j++) {
          for (int q = 0; q < c; q++) {
            p[q] += rhs[j * c + q] * z[j * c + q];
          }
        }
        projections[k] = p;
      } catch (SingularSystemException degenerate) {
        // a degenerate block (e.g. all-zero relu outputs) is simply not a candidate
      }
    }
    for (double r : config.rList()) {
      double mu = (1 - r) / (nodesAfter + 1.0);
      int best = -1;
      double bestSum = Double.NEGATIVE_INFINITY;
      for (int k = 0; k < trials; k++) {
        if (projections[k] == null) {
          continue;
        }
        double sum = 0;
        boolean admissible = true;
        for (int q = 0; q < c; q++) {
          double xi = projections[k][q] - (1 - r - mu) * energy[q];
          admissible &= xi >= 0;
          sum += xi;
        }
        if (admissible && sum > bestSum) {
          bestSum = sum;
          best = k;
        }
      }
      if (best >= 0) {
        float[] wk = new float[d * l];
        for (int i = 0; i < d; i++) {
          System.arraycopy(w, i * width + best * l, wk, i * l, l);
        }
        float[] bk = Arrays.copyOfRange(b, best * l, (best + 1) * l);
        double[] xi = new double[c];
        for (int q = 0; q < c; q++) {
          xi[q] = projections[best][q] - (1 - r - mu) * energy[q];
        }
        BlockRecord record = new BlockRecord(taskIndex, nodesAfter, r, mu, lambdas[best], projections[best].clone(),
            energy.clone(), xi);
        return new Candidate(wk, bk, lambdas[best], record);
      }
    }
    return null;
  }

  private double draw(boolean gaussian) {
    return gaussian ? random.nextGaussian() : 2 * random.nextDouble() - 1;
  }

  /**
   * The rows the inequality is evaluated on: {@code m} of the task's {@code n} rows drawn from the unit's generator
   * (its first draws, so a unit trained in chunks evaluates on the same rows), sorted.
   */
  static int[] sampleRows(SplittableRandom random, int n, int m) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    for (int i = 0; i < m; i++) {
      int j = i + random.nextInt(n - i);
      int swap = order[i];
      order[i] = order[j];
      order[j] = swap;
    }
    int[] rows = Arrays.copyOf(order, m);
    Arrays.sort(rows);
    return rows;
  }

  /** Multiplier of candidate weights: sqrt(3/d) with fan-in scaling (std lambda/sqrt(d)), 1 with absolute. */
  private double weightFactor(int d) {
    return config.scaling() == AutoActivatorConfig.Scaling.FANIN ? Math.sqrt(3.0 / d) : 1.0;
  }
}
