package io.autoactivator.model.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.autoactivator.model.data.BenchmarkData;
import io.autoactivator.model.data.CsvReader;
import io.autoactivator.model.data.Dataset;
import io.autoactivator.model.data.SharedData;

class BenchmarkRunnerTest {

  @TempDir
  Path dir;

  private static BenchmarkData mnistSlice() throws IOException {
    BenchmarkData full = BenchmarkData.load("mnist", SharedData.root().orElseThrow(), CsvReader.Options.defaults(),
        0.2, 1);
    Dataset test = full.test().firstPerClass(50);
    return new BenchmarkData("mnist-slice", full.train(), test, full.imageShape(), null);
  }

  @Test
  void runsNcmAnalyticAndJointEndToEndAndWritesJsonAndPlot() throws IOException {
    BenchmarkData data = mnistSlice();
    BenchmarkConfig config = new BenchmarkConfig(2, 2, 2, List.of("ncm", "analytic", "joint"), 7,
        Map.of("analytic", Map.of("features", "200"), "joint", Map.of("features", "200")), 80, null);
    List<String> steps = new ArrayList<>();
    int[] announced = new int[1];
    BenchmarkResult result = BenchmarkRunner.run(data, config, new BenchmarkListener() {
      @Override
      public void started(int totalSteps) {
        announced[0] = totalSteps;
      }

      @Override
      public void stepFinished(String method, int order, String taskId, double seconds, double accuracy) {
        steps.add(method + "/" + order + "/" + taskId);
      }
    });
    assertThat(announced[0]).isEqualTo(BenchmarkRunner.totalSteps(config)).isEqualTo(2 * (2 + 2 + 1));
    assertThat(steps).hasSize(announced[0]).contains("ncm/0/task-0", "analytic/1/task-1", "joint/1/joint");

    Path json = dir.resolve("out/bench.json");
    Path png = dir.resolve("out/bench.png");
    BenchmarkReport.writeJson(result, json);
    BenchmarkReport.writePlot(result, png);
    String table = BenchmarkReport.table(result);
    assertThat(table).contains("ncm", "analytic", "joint (upper bd)", "ACC", "task-id acc");
    assertThat(Files.size(png)).isPositive();

    JsonNode root = new ObjectMapper().readTree(json.toFile());
    assertThat(root.get("dataset").asText()).isEqualTo("mnist-slice");
    assertThat(root.get("tasks").asInt()).isEqualTo(2);
    assertThat(root.get("orders").asInt()).isEqualTo(2);
    for (String method : List.of("ncm", "analytic", "joint")) {
      JsonNode m = root.get("methods").get(method);
      for (String field : List.of("acc", "aia", "bwt", "forgetting", "task_id_accuracy", "units", "params",
          "train_seconds", "per_order")) {
        assertThat(m.has(field)).as(method + "." + field).isTrue();
      }
      double acc = m.get("acc").asDouble();
      assertThat(acc).as(method + " ACC").isBetween(0.5, 1.0); // 4 classes: chance is 0.25
      assertThat(m.get("task_id_accuracy").isNull()).isTrue();
      assertThat(m.get("per_order")).hasSize(2);
      JsonNode matrix = m.get("per_order").get(0).get("matrix");
      for (JsonNode row : matrix) {
        for (JsonNode v : row) {
          if (!v.isNull()) {
            assertThat(v.asDouble()).isBetween(0.0, 1.0);
          }
        }
      }
    }
    JsonNode ncm = root.get("methods").get("ncm").get("per_order");
    assertThat(ncm.get(0).get("class_order").toString()).startsWith("[0,1,2,3");
    assertThat(ncm.get(1).get("class_order").toString()).isNotEqualTo(ncm.get(0).get("class_order").toString());
    assertThat(ncm.get(0).get("matrix").get(0).get(1).isNull()).isTrue();
    assertThat(root.get("methods").get("joint").get("bwt").isNull()).isTrue();
    assertThat(root.get("methods").get("analytic").get("params").asLong()).isEqualTo(200L * (784 + 1 + 4) + 2 * 784);
  }

  @Test
  void thePapersBatchProtocolIsARowOfItsOwnNextToPerSampleAccuracy() throws IOException {
    BenchmarkConfig config = new BenchmarkConfig(2, 2, 1, List.of("autoactivator-paper"), 7,
        Map.of("autoactivator-paper", Map.of("router.features", "200", "max.nodes", "25", "trials", "5")), 80,
        null);
    BenchmarkResult result = BenchmarkRunner.run(mnistSlice(), config, BenchmarkListener.NONE);
    assertThat(result.methods()).extracting(BenchmarkResult.MethodResult::name).containsExactly(
        "autoactivator-paper", "autoactivator-paper" + BenchmarkRunner.TASK_BATCHES);
    BenchmarkResult.MethodResult perSample = result.methods().get(0);
    BenchmarkResult.MethodResult batches = result.methods().get(1);
    assertThat(batches.runs().get(0).taskIdAccuracy()).isNaN();
    // the batch knows its task: it can only help the paper's rule
    assertThat(batches.acc().mean()).isGreaterThanOrEqualTo(perSample.acc().mean());
    assertThat(BenchmarkReport.table(result)).contains("task batches: leaks the task id");
  }

  @Test
  void unknownMethodsAndDatasetsListTheValidOnes() {
    assertThatThrownBy(() -> BenchmarkRunner.run(mnistSlice(), new BenchmarkConfig(2, 2, 1, List.of("nope"), 1,
        Map.of(), 10, null), BenchmarkListener.NONE)).hasMessageContaining("unknown learner 'nope'")
        .hasMessageContaining("ncm");
    assertThatThrownBy(() -> BenchmarkData.load("cifar10", dir, CsvReader.Options.defaults(), 0.2, 1))
        .hasMessageContaining("unknown dataset 'cifar10'").hasMessageContaining("fashion-mnist");
    assertThatThrownBy(() -> BenchmarkData.load("mnist", dir, CsvReader.Options.defaults(), 0.2, 1))
        .hasMessageContaining(dir.resolve("mnist").toString());
  }

  @Test
  void csvTablesAreSplitStandardisedAndRun() throws IOException {
    BenchmarkData vowel = BenchmarkData.load("csv:mlbench-Vowel.csv.gz", SharedData.root().orElseThrow(),
        CsvReader.Options.defaults().withLabelColumn("Class"), 0.2, 3);
    assertThat(vowel.train().size() + vowel.test().size()).isEqualTo(990);
    BenchmarkResult result = BenchmarkRunner.run(vowel, new BenchmarkConfig(5, 2, 1, List.of("ncm"), 1, Map.of(), 0,
        null), BenchmarkListener.NONE);
    assertThat(result.methods().get(0).acc().mean()).isGreaterThan(0.2); // 10 classes: chance 0.1
  }
}
