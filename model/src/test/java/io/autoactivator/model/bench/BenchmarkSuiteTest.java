package io.autoactivator.model.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.autoactivator.model.data.SharedData;

class BenchmarkSuiteTest {

  @TempDir
  Path root;

  @Test
  void runsEveryTableOfARootAndReportsABrokenOneAsAnErrorRow() throws IOException {
    Path shared = SharedData.root().orElseThrow().resolve("tabular");
    Path tabular = Files.createDirectories(root.resolve("tabular"));
    Files.copy(shared.resolve("sklearn-iris.csv"), tabular.resolve("sklearn-iris.csv"));
    Files.copy(shared.resolve("mlbench-Glass.csv.gz"), tabular.resolve("mlbench-Glass.csv.gz"));
    Files.copy(shared.resolve("mlbench-Soybean.csv.gz"), tabular.resolve("mlbench-Soybean.csv.gz"));
    Files.writeString(tabular.resolve("broken.csv"), "a,b\n1\n");
    Files.writeString(tabular.resolve("notes.txt"), "not a table");

    assertThat(BenchmarkSuite.datasets(root)).containsExactly("csv:tabular/broken.csv",
        "csv:tabular/mlbench-Glass.csv.gz", "csv:tabular/mlbench-Soybean.csv.gz", "csv:tabular/sklearn-iris.csv");
    List<BenchmarkSuite.Entry> entries = BenchmarkSuite.run(root, List.of("ncm", "analytic"), 1, 1,
        BenchmarkListener.NONE);

    assertThat(entries).hasSize(4);
    assertThat(entries.get(0).error()).isNotNull();
    BenchmarkSuite.Entry glass = entries.get(1);
    assertThat(glass.tasks()).isEqualTo(3); // 6 classes
    assertThat(glass.classesPerTask()).isEqualTo(2);
    BenchmarkSuite.Entry soybean = entries.get(2);
    assertThat(soybean.error()).isNull();
    assertThat(soybean.result().methods()).hasSize(2);
    assertThat(soybean.tasks()).isGreaterThanOrEqualTo(7); // its label is the first column, Class
    BenchmarkSuite.Entry iris = entries.get(3);
    assertThat(iris.tasks()).isEqualTo(3); // 3 classes: three tasks of 1
    assertThat(iris.result().methods().get(0).acc().mean()).isGreaterThan(0.7);

    String table = SuiteReport.table(entries);
    assertThat(table).contains("ACC", "BWT", "params", "train s", "mlbench-Glass.csv.gz", "sklearn-iris.csv",
        "(dataset FAILED)", "4 datasets in", "bench --suite: one class order");
    Path json = root.resolve("out/suite.json");
    Path png = root.resolve("out/suite.png");
    SuiteReport.writeJson(entries, json);
    SuiteReport.writePlot(entries, png);
    assertThat(Files.size(png)).isPositive();
    JsonNode doc = new ObjectMapper().readTree(json.toFile());
    assertThat(doc.get("datasets")).hasSize(4);
    assertThat(doc.get("datasets").get(0).get("error").asText()).isNotEmpty();
    JsonNode method = doc.get("datasets").get(1).get("methods").get(1);
    assertThat(method.get("method").asText()).isEqualTo("analytic");
    assertThat(method.get("acc").asDouble()).isBetween(0.0, 1.0);
    assertThat(method.get("capped").asBoolean()).isFalse();
  }
}
