package io.autoactivator.app.cli;

import io.autoactivator.app.config.AppConfig;
import io.autoactivator.app.config.ConfigLoader;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The configuration options every Kafka-facing command shares: file, {@code --set}, {@code --bootstrap-servers}. */
public final class ConfigOptions {

  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(names = "--config", paramLabel = "FILE",
      description = "Properties file of settings (see the config command). Environment variables AUTOACTIVATOR_<KEY> "
          + "override it, flags override both.")
  Path file;

  @Option(names = "--set", paramLabel = "KEY=VALUE", mapFallbackValue = "",
      description = "A setting (repeatable): one of ours (e.g. http.port=9090) or any Kafka client setting, "
          + "passed through unchanged (e.g. security.protocol=SSL).")
  Map<String, String> settings = new LinkedHashMap<>();

  @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]", description = "Kafka brokers (bootstrap.servers).")
  String bootstrapServers;

  /** The merged, validated configuration; {@code defaults} lie under the file, {@code forced} above the flags. */
  public AppConfig load(Map<String, String> defaults, Map<String, String> forced) {
    Map<String, String> flags = new LinkedHashMap<>(settings);
    if (bootstrapServers != null) {
      flags.put(AppConfig.BOOTSTRAP_SERVERS, bootstrapServers);
    }
    flags.putAll(forced);
    Map<String, String> merged = new LinkedHashMap<>(defaults);
    merged.putAll(ConfigLoader.merge(file, environment(), flags));
    return new AppConfig(merged);
  }

  public AppConfig load() {
    return load(Map.of(), Map.of());
  }

  Map<String, String> environment() {
    Object root = spec.root().userObject();
    return root instanceof AutoActivatorCli cli ? cli.environment() : System.getenv();
  }
}
