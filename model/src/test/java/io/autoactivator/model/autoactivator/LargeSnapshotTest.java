package io.autoactivator.model.autoactivator;

import static org.assertj.core.api.Assertions.assertThat;

import io.autoactivator.model.snapshot.Provenance;
import io.autoactivator.model.snapshot.Snapshot;
import io.autoactivator.model.snapshot.SnapshotFormat;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import io.autoactivator.model.transform.TransformedModel;
import org.junit.jupiter.api.Test;

/**
 * A 10^7-parameter model round-trips exactly. How fast it does so is a benchmark figure
 * (benchmarks: SnapshotBenchmark, BENCHMARKS.md), not a timed assertion here.
 */
class LargeSnapshotTest {

  @Test
  void tenMillionParametersRoundTripExactly() throws Exception {
    int d = 784;
    int nodes = 13_000;
    SplittableRandom random = new SplittableRandom(1);
    float[] weights = new float[d * nodes];
    for (int i = 0; i < weights.length; i++) {
      weights[i] = (float) random.nextDouble();
    }
    float[] head = new float[nodes * 2];
    Unit unit = new Unit(new int[] {0, 1}, weights, new float[nodes], 0, 0, 0, head, 0.9, null);
    AutoActivatorConfig config = AutoActivatorConfig.fromOptions(Map.of("router", "paper", "transfer", "units"));
    AutoActivatorModel model = new AutoActivatorModel("autoactivator", config, 1, d, List.of("t0"), List.of(unit),
        null, List.of(List.of()));
    assertThat(model.parameterCount()).isGreaterThan(10_000_000L);
    Provenance provenance = Provenance.of(model, "big", 1, null, Map.of(), "test");

    byte[] bytes = SnapshotFormat.write(model, provenance);
    Snapshot snapshot = SnapshotFormat.read(bytes);

    assertThat(((AutoActivatorModel) TransformedModel.unwrap(snapshot.model())).unitList().get(0).weights()).isEqualTo(weights);
    assertThat(bytes.length).isGreaterThan(40_000_000);
    assertThat(SnapshotFormat.write(snapshot.model(), snapshot.provenance())).isEqualTo(bytes);
  }
}
