package io.autoactivator.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.autoactivator.model.bench.BenchmarkConfig;
import picocli.CommandLine;

class BenchCommandTest {

  @TempDir
  Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = new CommandLine(new BenchCommand());
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @Test
  void unknownMethodDatasetOrOptionExitsWithTwoAndListsTheValidOnes() {
    assertThat(run("--dataset", "mnist", "--tasks", "5", "--methods", "ncm,bogus")).isEqualTo(2);
    assertThat(err.toString()).contains("unknown method 'bogus'", "analytic", "finetune");
    assertThat(run("--dataset", "cifar10", "--tasks", "5", "--data", dir.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("unknown dataset 'cifar10'", "fashion-mnist", "csv:PATH");
    assertThat(run("--dataset", "mnist", "--tasks", "5", "--option", "analytic.featurez=3")).isEqualTo(2);
    assertThat(err.toString()).contains("unknown option 'featurez'");
  }

  @Test
  void missingFilesSayWhereTheyWereLookedFor() {
    assertThat(run("--dataset", "mnist", "--tasks", "5", "--data", dir.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("missing file", dir.resolve("mnist").toString());
    assertThat(run("--tasks", "5")).isEqualTo(2);
    assertThat(err.toString()).contains("--dataset");
  }

  @Test
  void optionsAreGroupedByLearner() {
    BenchCommand command = new BenchCommand();
    new CommandLine(command).parseArgs("--dataset", "mnist", "--tasks", "5", "--orders", "3", "--methods",
        "analytic,ncm", "--option", "analytic.features=100", "--option", "ncm.features=20", "--train-limit", "10");
    BenchmarkConfig config = command.config();
    assertThat(config.methods()).containsExactly("analytic", "ncm");
    assertThat(config.optionsOf("analytic")).containsEntry("features", "100");
    assertThat(config.optionsOf("ncm")).containsEntry("features", "20");
    assertThat(config.orders()).isEqualTo(3);
    assertThat(config.trainLimitPerClass()).isEqualTo(10);
  }

  @Test
  void listsMethods() {
    assertThat(run("--list-methods")).isZero();
    assertThat(out.toString()).contains("analytic.features", "finetune.max-classes", "ncm:");
  }
}
