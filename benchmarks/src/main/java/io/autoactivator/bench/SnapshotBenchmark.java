package io.autoactivator.bench;

import io.autoactivator.app.snapshot.SnapshotCodec;
import io.autoactivator.app.snapshot.SnapshotFormatCodec;
import io.autoactivator.app.snapshot.SnapshotHeaders;
import io.autoactivator.model.api.ClassIncrementalModel;
import io.autoactivator.model.snapshot.Provenance;
import io.autoactivator.model.snapshot.SnapshotBytes;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Figure 4's CPU part: writing and reading the snapshot payload of a 10^7-parameter model with the codec the app
 * publishes with ({@link SnapshotFormatCodec}: the model module's {@code SnapshotFormat}, provenance header, weights,
 * SHA-256 in the same pass as the checksum), and opening a payload as the follower does (its one SHA-256 pass: the
 * checksum it verifies and the format's own digest). The model is {@link #bigModel}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgs = {"-Xmx4g"})
@Warmup(iterations = 3)
@Measurement(iterations = 10)
public class SnapshotBenchmark {

  private final SnapshotCodec codec = new SnapshotFormatCodec();
  private ClassIncrementalModel model;
  private Provenance provenance;
  private byte[] payload;

  /**
   * An analytic-ridge model of 8000 inputs x 1250 random features x 2 classes: 10,003,750 parameters (plus its
   * 1250^2 Gram learning state), trained on 400 synthetic rows. Cached like the predict models.
   */
  public static ClassIncrementalModel bigModel() {
    Path cache = Path.of(System.getProperty("bench.cache", "/tmp/autoactivator-bench-models"));
    Map<String, String> options = Map.of("features", "1250");
    return Models.cached(cache, "analytic-big-8000x1250", "analytic", () -> Models.train("analytic", options, 7L,
        List.of(BenchData.syntheticTask("big-0", new int[] {0, 1}, 400, 8000, 7L))).model());
  }

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    model = bigModel();
    provenance = Provenance.of(model, "bench", 1, null, 7L, Map.of("features", "1250"), "bench", Map.of(),
        SnapshotHeaders.codeVersion());
    payload = codec.write(model, provenance);
    System.out.printf("%n# snapshot of %d parameters: %d bytes%n", model.parameterCount(), payload.length);
  }

  @Benchmark
  public SnapshotBytes write() throws IOException {
    return codec.encode(model, provenance);
  }

  @Benchmark
  public ClassIncrementalModel read() throws IOException {
    return codec.read(codec.open(payload));
  }

  @Benchmark
  public String checksum() {
    return codec.open(payload).checksum();
  }
}
