package io.autoactivator.app.config;

import java.util.List;
import java.util.Locale;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.ConfigKey;

/** The configuration reference, generated from {@link AppConfig#configDef()} (the README's table, the config command). */
public final class ConfigReference {

  private ConfigReference() {
  }

  /** A Markdown section: a table of every key, then the environment and pass-through rules. */
  public static String markdown() {
    ConfigDef def = AppConfig.configDef();
    StringBuilder md = new StringBuilder();
    md.append("| Key | Environment variable | Type | Default | Valid values | Importance | Description |\n");
    md.append("|---|---|---|---|---|---|---|\n");
    for (ConfigKey key : sorted(def)) {
      md.append("| `").append(key.name).append("` | `").append(ConfigLoader.envName(key.name)).append("` | ")
          .append(key.type.name().toLowerCase(Locale.ROOT)).append(" | ").append(defaultOf(key)).append(" | ")
          .append(key.validator == null ? "" : escape(key.validator.toString())).append(" | ")
          .append(key.importance.name().toLowerCase(Locale.ROOT)).append(" | ")
          .append(escape(key.documentation)).append(" |\n");
    }
    md.append("| `learner.option.<key>` | `AUTOACTIVATOR_LEARNER_OPTION_<KEY>` | string | | | medium | ")
        .append("Passed to the learner as option `<key>`. |\n\n");
    md.append(rules());
    return md.toString();
  }

  /** Plain text for a terminal. */
  public static String text() {
    StringBuilder out = new StringBuilder();
    for (ConfigKey key : sorted(AppConfig.configDef())) {
      out.append(key.name).append("  (").append(key.type.name().toLowerCase(Locale.ROOT))
          .append(", default ").append(defaultOf(key).replace("`", ""))
          .append(key.validator == null ? "" : ", valid: " + key.validator)
          .append(", env ").append(ConfigLoader.envName(key.name)).append(")\n    ")
          .append(key.documentation).append("\n");
    }
    out.append("learner.option.<key>  (string, env AUTOACTIVATOR_LEARNER_OPTION_<KEY>)\n")
        .append("    Passed to the learner as option <key>.\n\n");
    out.append(rules().replace("`", ""));
    return out.toString();
  }

  private static String rules() {
    return """
        Sources, later ones winning: the properties file (`--config FILE`), environment variables \
        (`AUTOACTIVATOR_<KEY>`: the key upper-cased, `.` and `-` turned into `_`), command-line flags \
        (`--set key=value`, `--bootstrap-servers`).

        Pass-through: every key that is not in this table (and not `learner.option.*`) is a Kafka client setting \
        and reaches the Kafka Streams, producer, consumer and admin clients unchanged, e.g. `security.protocol`, \
        `ssl.truststore.location`, `sasl.jaas.config`, `producer.linger.ms`, `num.stream.threads`. From the \
        environment, such a variable is lower-cased with `_` turned into `.` \
        (`AUTOACTIVATOR_SASL_MECHANISM` is `sasl.mechanism`). `bootstrap.servers`, `application.id`, `state.dir`, \
        `processing.guarantee` and `schema.registry.url` are validated here and forwarded too.

        Kafka client defaults the app sets, each only when the key is not set in any form (plain or prefixed): \
        `producer.batch.size=1048576`, `producer.compression.type=lz4`, `producer.linger.ms=5` (Kafka Streams \
        would use 100), `consumer.max.partition.fetch.bytes=16777216`. Feature vectors are kilobytes each: with \
        Kafka's own defaults ingest was 4x slower (BENCHMARKS.md). Kafka Streams: `max.task.idle.ms=-1` (Kafka's \
        default 0 checks the idle task-events and snapshot partitions before every sample, 13 % of the ingest \
        thread; the learner does not depend on the order between topics). The learner's topology is exactly-once \
        (`commit.interval.ms`, 100 ms by default); predictions are not written by it but by the serving loop's \
        idempotent producer, so read_committed readers see an answer as soon as the broker has it. The serving \
        loop's clients take the plain and `producer.`/`consumer.` keys like every client, and keys prefixed \
        `serving.producer.` / `serving.consumer.` win for them alone (its producer uses `linger.ms=0` unless \
        `serving.producer.linger.ms` is set); its consumer group is `<application.id>-serving`.
        """;
  }

  private static List<ConfigKey> sorted(ConfigDef def) {
    return def.configKeys().values().stream().sorted((a, b) -> a.name.compareTo(b.name)).toList();
  }

  private static String defaultOf(ConfigKey key) {
    if (!key.hasDefault()) {
      return "(required)";
    }
    if (key.defaultValue == null) {
      return "";
    }
    String value = ConfigDef.convertToString(key.defaultValue, key.type);
    return value.isEmpty() ? "\"\"" : "`" + value + "`";
  }

  private static String escape(String text) {
    return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;").replace("\n", " ");
  }
}
