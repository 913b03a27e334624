package io.autoactivator.it.support;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import io.autoactivator.app.config.Topics;
import io.autoactivator.it.broker.KafkaBroker;

/**
 * One deployment of the app on a broker, isolated from the other scenarios sharing that broker: its own topic
 * prefix and application id. {@link #settings()} are the app's own configuration keys (app-ops' AppConfig) used
 * both for the real executable ({@code --set key=value}) and for the in-process app.
 */
public final class Deployment {

  private final KafkaBroker broker;
  private final String prefix;
  private final Map<String, String> settings = new LinkedHashMap<>();
  private final Map<String, Object> serdeConfig = new LinkedHashMap<>();

  private Deployment(KafkaBroker broker, String name) {
    this.broker = broker;
    String unique = name + "-" + UUID.randomUUID().toString().substring(0, 8);
    this.prefix = "it." + unique + ".";
    settings.put("bootstrap.servers", broker.bootstrapServers());
    settings.put("application.id", "it-" + unique);
    settings.put("topic.prefix", prefix);
    settings.put("topics.replication.factor", "1");
    settings.put("replication.factor", "1");
    settings.put("serving.linger.ms", "5");
  }

  /** A deployment named after the scenario, with a random suffix. */
  public static Deployment on(KafkaBroker broker, String name) {
    return new Deployment(broker, name);
  }

  /** Sets one app setting (e.g. learner, learner.option.features, topics.partitions). */
  public Deployment with(String key, String value) {
    settings.put(key, value);
    return this;
  }

  /** Uses the Confluent wire format through this schema registry (app and test clients alike). */
  public Deployment withSchemaRegistry(String url) {
    settings.put("schema.registry.url", url);
    serdeConfig.put("schema.registry.url", url);
    return this;
  }

  public KafkaBroker broker() {
    return broker;
  }

  public Topics topics() {
    return Topics.withPrefix(prefix);
  }

  /** The app settings (a copy). */
  public Map<String, String> settings() {
    return new LinkedHashMap<>(settings);
  }

  /** Serde configuration of the test's clients: matches the app's framing. */
  public Map<String, Object> serdeConfig() {
    return new LinkedHashMap<>(serdeConfig);
  }

  public String applicationId() {
    return settings.get("application.id");
  }
}
