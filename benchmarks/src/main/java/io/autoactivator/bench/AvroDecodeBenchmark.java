package io.autoactivator.bench;

import io.autoactivator.app.kafka.RecordCodecs;
import io.autoactivator.app.records.Validation;
import io.autoactivator.schemas.LabelledSample;
import io.autoactivator.schemas.PredictionRequest;
import io.autoactivator.schemas.serde.RequestRow;
import io.autoactivator.schemas.serde.RequestRowReader;
import io.autoactivator.schemas.serde.SampleSummary;
import io.autoactivator.schemas.serde.SampleSummaryReader;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Figure 5's CPU ceiling: decoding one {@code LabelledSample} of 784 floats with the app's serde (single-object
 * encoding, no registry) and turning it into the float[] the trainer uses. One thread: ops/s = samples/s per core.
 * Also the serving consumer's cost per request: a 784-feature {@code PredictionRequest} decoded whole and copied
 * into its row (before session 7) against {@link RequestRowReader} (straight into the row).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class AvroDecodeBenchmark {

  private final RecordCodecs codecs = RecordCodecs.singleObject();
  private byte[] encoded;
  private byte[] query;

  @Setup
  public void setUp() {
    float[] row = BenchData.randomRows(1, 784, 1L)[0];
    List<Float> features = new ArrayList<>(row.length);
    for (float f : row) {
      features.add(f);
    }
    LabelledSample sample = new LabelledSample("bench", "task-0", "task-0-1", 3, features, Instant.now());
    encoded = codecs.samples().serializer().serialize("samples", sample);
    query = codecs.queries().serializer().serialize("queries", new PredictionRequest("q-1", "bench", features, null,
        Instant.now()));
  }

  /** The serving consumer before session 7: the whole request, then its boxed features copied into the row. */
  @Benchmark
  public float[] queryBoxed() {
    return Validation.toArray(codecs.queries().deserializer().deserialize("queries", query).getFeatures());
  }

  /** The serving consumer since session 7: the row read straight from the bytes. */
  @Benchmark
  public RequestRow queryRow() {
    return codecs.queries().read("queries", query, RequestRowReader.INSTANCE);
  }

  @Benchmark
  public LabelledSample decode() {
    return codecs.samples().deserializer().deserialize("samples", encoded);
  }

  @Benchmark
  public float[] decodeToArray() {
    return Validation.toArray(codecs.samples().deserializer().deserialize("samples", encoded).getFeatures());
  }

  /** What the ingest path reads since session 5: ids, label, length, finiteness, no boxed features. */
  @Benchmark
  public SampleSummary summary() {
    return codecs.samples().read("samples", encoded, SampleSummaryReader.INSTANCE);
  }

  /** What it did before: the whole record, then the finiteness check over the boxed list. */
  @Benchmark
  public String decodeAndCheck() {
    return Validation.checkFeatures(codecs.samples().deserializer().deserialize("samples", encoded).getFeatures());
  }

  @Benchmark
  public byte[] encode() {
    LabelledSample s = codecs.samples().deserializer().deserialize("samples", encoded);
    return codecs.samples().serializer().serialize("samples", s);
  }
}
