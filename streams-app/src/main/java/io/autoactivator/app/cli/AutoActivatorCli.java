package io.autoactivator.app.cli;

import java.io.PrintWriter;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Option;

/**
 * The {@code autoactivator} executable: the streaming class-incremental learner and its tools.
 *
 * <pre>
 * java -jar streams-app/target/autoactivator.jar demo                 # everything on an embedded broker
 * java -jar autoactivator.jar serve --bootstrap-servers kafka:9092    # the service against a real cluster
 * java -jar autoactivator.jar config                                  # every setting, generated from the ConfigDef
 * </pre>
 *
 * Every subcommand returns an exit code: 0 on success, 1 when it failed (one clear line; the stack trace with
 * {@code --verbose}), 2 on a usage error.
 */
@Command(name = "autoactivator", mixinStandardHelpOptions = true, versionProvider = AutoActivatorCli.ManifestVersion.class,
    description = "Class-incremental learning on Kafka Streams: learn new classes task after task, serve predictions.",
    subcommands = {DemoCommand.class, ServeCommand.class, PublishCommand.class, QueryCommand.class,
        SnapshotsCommand.class, RolloutCommands.Promote.class, RolloutCommands.Rollback.class,
        RolloutCommands.Pin.class, RolloutCommands.Unpin.class, RolloutCommands.Shadow.class,
        RolloutCommands.Unshadow.class, BenchCommand.class, ConfigCommand.class, CommandLine.HelpCommand.class})
public final class AutoActivatorCli implements Runnable {

  @Option(names = {"-v", "--verbose"}, scope = CommandLine.ScopeType.INHERIT,
      description = "Print stack traces of errors.")
  boolean verbose;

  private final Map<String, String> environment;

  public AutoActivatorCli() {
    this(System.getenv());
  }

  /** With another environment (tests). */
  public AutoActivatorCli(Map<String, String> environment) {
    this.environment = Map.copyOf(environment);
  }

  Map<String, String> environment() {
    return environment;
  }

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand");
  }

  /** The configured command line: error handling, exit codes, case-sensitive options. */
  public static CommandLine commandLine(AutoActivatorCli cli) {
    CommandLine cmd = new CommandLine(cli);
    cmd.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      PrintWriter err = commandLine.getErr();
      err.println("error: " + describe(e));
      if (cli.verbose) {
        e.printStackTrace(err);
      } else {
        err.println("(run with --verbose for details)");
      }
      err.flush();
      return 1;
    });
    return cmd;
  }

  static String describe(Throwable e) {
    if (e instanceof ConfigException) {
      return "configuration: " + e.getMessage();
    }
    String message = e.getMessage();
    Throwable cause = e.getCause();
    if ((message == null || message.isBlank()) && cause != null) {
      return describe(cause);
    }
    return message == null ? e.getClass().getSimpleName() : message;
  }

  public static void main(String[] args) {
    int exit = commandLine(new AutoActivatorCli()).execute(args);
    System.exit(exit);
  }

  /** The version from the jar manifest ({@code Implementation-Version}). */
  static final class ManifestVersion implements IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = AutoActivatorCli.class.getPackage().getImplementationVersion();
      return new String[] {"autoactivator " + (version == null ? "(development build)" : version),
          "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"};
    }
  }
}
