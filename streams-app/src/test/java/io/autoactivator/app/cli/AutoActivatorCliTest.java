package io.autoactivator.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class AutoActivatorCliTest {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(Map<String, String> env, String... args) {
    CommandLine cmd = AutoActivatorCli.commandLine(new AutoActivatorCli(env));
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    return cmd.execute(args);
  }

  private int run(String... args) {
    return run(Map.of(), args);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "demo|--dataset,--data,--tasks,--train-limit,--learner,--keep-running,--plot,--set,--config",
      "serve|--bootstrap-servers,--config,--set",
      "publish|--bootstrap-servers,--model-id,--dataset,--data,--tasks,--classes-per-task,--order-seed,--train-limit,--only-task,--label-column",
      "query|--bootstrap-servers,--model-id,--count,--dataset",
      "snapshots list|--bootstrap-servers,--model-id",
      "snapshots inspect|--model-id,--version",
      "promote|--model-id,--version",
      "rollback|--model-id,--version",
      "pin|--model-id,--version",
      "shadow|--model-id,--version",
      "config|--markdown,--output"})
  void everySubcommandDocumentsItsOptions(String command, String options) {
    String[] args = (command + " --help").split(" ");
    assertThat(run(args)).isZero();
    for (String option : options.split(",")) {
      assertThat(out.toString()).contains(option);
    }
  }

  @Test
  void topLevelHelpListsTheSubcommands() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString()).contains("demo", "serve", "publish", "query", "snapshots", "promote", "rollback",
        "config", "--version");
  }

  @Test
  void versionComesFromTheManifestOrSaysDevelopmentBuild() {
    assertThat(run("--version")).isZero();
    assertThat(out.toString()).startsWith("autoactivator ");
  }

  @Test
  void unknownSubcommandIsAUsageError() {
    assertThat(run("trian")).isEqualTo(2);
    assertThat(err.toString()).contains("Unmatched argument", "trian");
  }

  @Test
  void unknownOptionIsAUsageError() {
    assertThat(run("demo", "--trian-limit", "5")).isEqualTo(2);
    assertThat(err.toString()).contains("Unknown option", "--trian-limit");
  }

  @Test
  void missingSubcommandIsAUsageError() {
    assertThat(run()).isEqualTo(2);
    assertThat(err.toString()).contains("missing subcommand");
  }

  @Test
  void invalidSettingFailsWithAClearMessageAndNoStackTrace() {
    assertThat(run(Map.of("AUTOACTIVATOR_BOOTSTRAP_SERVERS", "127.0.0.1:1"), "serve", "--set", "http.port=99999"))
        .isEqualTo(1);
    assertThat(err.toString()).contains("error: configuration:", "http.port", "99999", "65535")
        .doesNotContain("\tat ");
  }

  @Test
  void missingBootstrapServersIsNamed() {
    assertThat(run("snapshots", "list")).isEqualTo(1);
    assertThat(err.toString()).contains("bootstrap.servers");
  }

  @Test
  void verbosePrintsTheStackTrace() {
    assertThat(run("serve", "--verbose", "--bootstrap-servers", "k:1", "--set", "serving.batch.size=0")).isEqualTo(1);
    assertThat(err.toString()).contains("serving.batch.size").contains("\tat ");
  }

  @Test
  void configPrintsTheReference() {
    assertThat(run("config", "--markdown")).isZero();
    assertThat(out.toString()).contains("| `bootstrap.servers` | `AUTOACTIVATOR_BOOTSTRAP_SERVERS` |")
        .contains("Pass-through");
  }
}
