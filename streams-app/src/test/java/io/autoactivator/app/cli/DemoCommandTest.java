package io.autoactivator.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import io.autoactivator.model.api.Learners;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The real demo command, in-process, on a tiny slice: embedded broker, streaming learner, queries, table, plot. */
class DemoCommandTest {

  @TempDir
  Path dir;

  @Test
  void learnsTwoTasksAndReportsTheAccuracy() throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cmd = AutoActivatorCli.commandLine(new AutoActivatorCli(System.getenv()));
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    Path plot = dir.resolve("demo.png");

    // the default learner once model-core is in the build, a baseline before
    String learner = Learners.names().contains("autoactivator") ? "autoactivator" : "ncm";
    int exit = cmd.execute("demo", "--learner", learner, "--train-limit", "30", "--test-limit", "50", "--tasks", "2",
        "--plot", plot.toString(), "--set", "http.port=0", "--set", "application.id=demo-test");

    assertThat(exit).as("stderr: %s", err).isZero();
    assertThat(out.toString())
        .contains("Accuracy (%) on the test images of each task, after learning each task:")
        .containsPattern("task-0 +v\\d+ +\\d+\\.\\d\\d")
        .containsPattern("task-1 +v\\d+ +\\d+\\.\\d\\d +\\d+\\.\\d\\d +\\d+\\.\\d\\d")
        .contains("Accuracy plot: " + plot.toAbsolutePath());
    assertThat(Files.size(plot)).isGreaterThan(1000);
  }
}
