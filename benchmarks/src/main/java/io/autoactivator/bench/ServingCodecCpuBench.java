package io.autoactivator.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;

import io.autoactivator.app.kafka.RecordCodecs;
import io.autoactivator.app.records.Validation;
import io.autoactivator.schemas.LabelScore;
import io.autoactivator.schemas.Prediction;
import io.autoactivator.schemas.PredictionRequest;
import io.autoactivator.schemas.PredictionStatus;
import io.autoactivator.schemas.serde.RequestRowReader;

/**
 * The serving loop's per-request codec work in CPU time and allocated bytes of the calling thread, alternated in
 * blocks in one JVM, medians over the blocks (steady under the shared machine's load, where JMH's wall-clock scores
 * are not; see {@link PredictCpuBench}). Decoding a 784-feature query: the whole generated record plus a copy of its
 * boxed features (the serving consumer before issue 12 session 7) against {@link RequestRowReader}; encoding an
 * answer: the app's serializer (one reused encoder per thread since session 7) against a fresh Avro buffered
 * encoder and stream per call (the code before).
 *
 * <p>Arguments: {@code [blocks=7] [opsPerBlock=20000]}.
 */
public final class ServingCodecCpuBench {

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
  private static volatile Object sink;

  private ServingCodecCpuBench() {
  }

  public static void main(String[] args) {
    int blocks = args.length > 0 ? Integer.parseInt(args[0]) : 7;
    int ops = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
    RecordCodecs codecs = RecordCodecs.singleObject();
    List<Float> features = new ArrayList<>();
    for (float f : BenchData.randomRows(1, 784, 1L)[0]) {
      features.add(f);
    }
    byte[] query = codecs.queries().serializer().serialize("queries", new PredictionRequest("q-123456", "bench",
        features, null, Instant.now()));
    Prediction answer = Prediction.newBuilder().setRequestId("q-123456").setModelId("bench").setPredictedLabel(3)
        .setTopK(List.of(new LabelScore(3, 0.9f), new LabelScore(1, 0.05f), new LabelScore(7, 0.01f)))
        .setFiredTaskId("task-1").setModelVersion(5L).setStatus(PredictionStatus.OK).setReceivedAt(Instant.now())
        .setAnsweredAt(Instant.now()).setQueueMicros(120L).setInferenceMicros(800L).build();
    byte[] encoded = codecs.predictions().serializer().serialize("predictions", answer);
    byte[] header = Arrays.copyOf(encoded, 10);
    SpecificDatumWriter<Prediction> writer = new SpecificDatumWriter<>(Prediction.class);

    Map<String, Runnable> cases = new LinkedHashMap<>();
    cases.put("decode query: whole record + boxed copy", () -> sink = Validation.toArray(
        codecs.queries().deserializer().deserialize("queries", query).getFeatures()));
    cases.put("decode query: RequestRowReader", () -> sink = codecs.queries().read("queries", query,
        RequestRowReader.INSTANCE));
    cases.put("encode answer: fresh encoder per call", () -> sink = freshEncode(header, writer, answer));
    cases.put("encode answer: the app's serializer", () -> sink = codecs.predictions().serializer()
        .serialize("predictions", answer));
    if (!Arrays.equals(freshEncode(header, writer, answer), encoded)) {
      throw new IllegalStateException("the two encodings differ");
    }

    Map<String, List<double[]>> results = new LinkedHashMap<>();
    for (int warm = 0; warm < 3; warm++) {
      cases.values().forEach(op -> measure(op, ops));
    }
    for (int b = 0; b < blocks; b++) {
      cases.forEach((name, op) -> results.computeIfAbsent(name, k -> new ArrayList<>()).add(measure(op, ops)));
    }
    System.out.printf("query %d bytes, answer %d bytes; medians of %d blocks of %d%n", query.length, encoded.length,
        blocks, ops);
    results.forEach((name, r) -> {
      double[] cpu = r.stream().mapToDouble(x -> x[1]).sorted().toArray();
      double[] bytes = r.stream().mapToDouble(x -> x[0]).sorted().toArray();
      System.out.printf("%-42s %7.0f B/op  %6.2f us CPU/op (blocks %.2f-%.2f)%n", name, bytes[bytes.length / 2],
          cpu[cpu.length / 2] / 1e3, cpu[0] / 1e3, cpu[cpu.length - 1] / 1e3);
    });
  }

  /** Bytes allocated and CPU nanoseconds per call of {@code op} on this thread. */
  private static double[] measure(Runnable op, int n) {
    long id = Thread.currentThread().getId();
    long bytes = THREADS.getThreadAllocatedBytes(id);
    long cpu = THREADS.getCurrentThreadCpuTime();
    for (int i = 0; i < n; i++) {
      op.run();
    }
    return new double[] {(THREADS.getThreadAllocatedBytes(id) - bytes) / (double) n,
        (THREADS.getCurrentThreadCpuTime() - cpu) / (double) n};
  }

  private static byte[] freshEncode(byte[] header, SpecificDatumWriter<Prediction> writer, Prediction answer) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
      bytes.write(header);
      BinaryEncoder body = EncoderFactory.get().binaryEncoder(bytes, null);
      writer.write(answer, body);
      body.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
