package io.autoactivator.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns the JSON of a {@link PredictBenchmark} run ({@code -rf json -rff FILE}) into the figure-7 table: per learner,
 * tasks, native threads and batch, microseconds per prediction of {@code predict}, {@code predictChecked} and of the GEMM roofline of the same shapes
 * (same fork), predictions per second, and predict's share of the roofline.
 * Run: {@code java -cp benchmarks.jar io.autoactivator.bench.JmhTable FILE}.
 */
public final class JmhTable {

  private JmhTable() {
  }

  public static void main(String[] args) throws IOException {
    JsonNode runs = new ObjectMapper().readTree(new File(args[0]));
    Map<String, double[]> rows = new LinkedHashMap<>();
    for (JsonNode run : runs) {
      String bench = run.get("benchmark").asText();
      if (!bench.contains("PredictBenchmark")) {
        continue;
      }
      JsonNode p = run.get("params");
      String threads = p.has("threads") ? p.get("threads").asText() : "0";
      String key = p.get("learner").asText() + " | " + p.get("tasks").asText() + " | " + threads + " | "
          + p.get("batch").asText();
      double batch = p.get("batch").asDouble();
      double usPerCall = run.get("primaryMetric").get("score").asDouble();
      double[] row = rows.computeIfAbsent(key, k -> new double[] {Double.NaN, Double.NaN, Double.NaN});
      row[bench.endsWith(".predict") ? 0 : bench.endsWith(".predictChecked") ? 1 : 2] = usPerCall / batch;
    }
    System.out.println("| learner | tasks x 2 classes | native threads (0: ND4J default) | batch | predict us/pred "
        + "| predictChecked us/pred | roofline us/pred | predictChecked /s | roofline /s | predictChecked / roofline |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|");
    rows.forEach((key, r) -> System.out.printf("| %s | %.1f | %.1f | %.1f | %,.0f | %,.0f | %.0f%% |%n", key, r[0],
        r[1], r[2], 1e6 / r[1], 1e6 / r[2], 100 * r[2] / r[1]));
  }
}
