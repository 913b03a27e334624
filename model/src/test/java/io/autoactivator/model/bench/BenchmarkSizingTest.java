package io.autoactivator.model.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataOutput;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import io.autoactivator.model.api.ClassIncrementalModel;
import io.autoactivator.model.api.LearnedTask;
import io.autoactivator.model.api.Predictions;
import io.autoactivator.model.data.BenchmarkData;
import io.autoactivator.model.data.CsvReader;
import io.autoactivator.model.data.SharedData;

/** The bench sizes baselines without overflow, caps them where the Gram would not fit, and survives a failure. */
class BenchmarkSizingTest {

  /** Only its sizes matter. */
  private record Reference(long parameterCount, int units) implements ClassIncrementalModel {
    @Override
    public String learner() {
      return "reference";
    }

    @Override
    public int inputDimension() {
      return 4;
    }

    @Override
    public List<LearnedTask> tasks() {
      return List.of();
    }

    @Override
    public int[] classes() {
      return new int[0];
    }

    @Override
    public Predictions predict(float[][] features) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Predictions predict(INDArray features) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Predictions predictWithTask(float[][] features, int[] taskIndex) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void writeWeights(DataOutput out) {
      throw new UnsupportedOperationException();
    }
  }

  @Test
  void aHugeReferenceOnLowDimensionalInputIsCappedInLongArithmetic() {
    // 4 inputs, 3 classes: equal parameters would be 1.25e11 features, a Gram of 1.25e22 doubles
    Map<String, String> options = new LinkedHashMap<>();
    String note = BenchmarkRunner.size("analytic", options, new Reference(1_000_000_000_000L, 50), 4, 3, 12_000);
    assertThat(options).containsEntry("features", "12000");
    assertThat(note).startsWith("capped").contains("12,000", "125,000,000,000");

    Map<String, String> small = new LinkedHashMap<>();
    assertThat(BenchmarkRunner.size("analytic", small, new Reference(80_000, 50), 4, 3, 12_000)).isEmpty();
    assertThat(small).containsEntry("features", "10000");

    Map<String, String> joint = new LinkedHashMap<>();
    // joint is sized to equal parameters as analytic is (not to the units' count)
    assertThat(BenchmarkRunner.size("joint", joint, new Reference(80_000, 30_000), 4, 3, 12_000)).isEmpty();
    assertThat(joint).containsEntry("features", "10000");
    Map<String, String> bigJoint = new LinkedHashMap<>();
    assertThat(BenchmarkRunner.size("joint", bigJoint, new Reference(1L << 40, 1), 4, 3, 12_000)).startsWith("capped");
    assertThat(bigJoint).containsEntry("features", "12000");

    Map<String, String> explicit = new LinkedHashMap<>(Map.of("features", "77"));
    assertThat(BenchmarkRunner.size("analytic", explicit, new Reference(1L << 40, 1), 4, 3, 12_000)).isEmpty();
    assertThat(explicit).containsEntry("features", "77");
  }

  @Test
  void theDefaultCapFitsTheHeap() {
    long cap = BenchmarkRunner.maxAnalyticFeatures();
    assertThat(cap).isBetween(1L, BenchmarkRunner.FEATURE_CAP);
    assertThat(3.0 * Double.BYTES * cap * cap).isLessThanOrEqualTo(Runtime.getRuntime().maxMemory());
  }

  @Test
  void aFailingMethodGivesAnErrorRowAndTheOthersStillRun() throws IOException {
    BenchmarkData iris = BenchmarkData.load("csv:sklearn-iris.csv", SharedData.root().orElseThrow(),
        CsvReader.Options.defaults(), 0.2, 1);
    // 50,000 features cannot have a Gram matrix in one Java array: analytic must fail cleanly
    BenchmarkConfig config = new BenchmarkConfig(1, 2, 2, List.of("analytic", "ncm"), 1,
        Map.of("analytic", Map.of("features", "50000")), 0, null);
    BenchmarkResult result = BenchmarkRunner.run(iris, config, BenchmarkListener.NONE);
    BenchmarkResult.MethodResult analytic = result.methods().get(0);
    assertThat(analytic.name()).isEqualTo("analytic");
    assertThat(analytic.runs()).isEmpty();
    assertThat(analytic.error()).contains("order 0", "50000 random features", "46,340");
    BenchmarkResult.MethodResult ncm = result.methods().get(1);
    assertThat(ncm.error()).isNull();
    assertThat(ncm.runs()).hasSize(2);
    assertThat(ncm.acc().mean()).isGreaterThan(0.6);
    String table = BenchmarkReport.table(result);
    assertThat(table).contains("analytic (FAILED)", "analytic FAILED in order 0");
    assertThat(BenchmarkReport.json(result).get("methods").get("analytic").get("error").asText()).contains("46,340");
  }
}
