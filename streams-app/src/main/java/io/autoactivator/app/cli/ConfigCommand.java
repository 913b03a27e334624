package io.autoactivator.app.cli;

import io.autoactivator.app.config.ConfigReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Prints the configuration reference generated from the ConfigDef. */
@Command(name = "config", mixinStandardHelpOptions = true,
    description = "Print every setting (type, default, valid values, environment variable, meaning).")
final class ConfigCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Option(names = "--markdown", description = "Markdown table (the README's configuration section).")
  boolean markdown;

  @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write to FILE instead of the terminal.")
  Path output;

  @Override
  public Integer call() throws Exception {
    String text = markdown ? ConfigReference.markdown() : ConfigReference.text();
    if (output != null) {
      Files.writeString(output, text);
      spec.commandLine().getOut().println("Wrote " + output.toAbsolutePath());
    } else {
      spec.commandLine().getOut().print(text);
    }
    spec.commandLine().getOut().flush();
    return 0;
  }
}
