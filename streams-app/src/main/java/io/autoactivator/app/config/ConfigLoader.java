package io.autoactivator.app.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.common.config.ConfigException;

/**
 * Collects settings from three sources, later ones winning: a properties file, environment variables, command-line
 * flags.
 *
 * <p><b>Environment variables.</b> {@code AUTOACTIVATOR_<KEY>}: the key upper-cased, dots and dashes turned into
 * underscores ({@code bootstrap.servers} is {@code AUTOACTIVATOR_BOOTSTRAP_SERVERS}, {@code topic.task-events} is
 * {@code AUTOACTIVATOR_TOPIC_TASK_EVENTS}). A variable that matches no declared key is read back as a Kafka client
 * key: lower-cased, underscores turned into dots ({@code AUTOACTIVATOR_SSL_TRUSTSTORE_LOCATION} is
 * {@code ssl.truststore.location}); likewise {@code AUTOACTIVATOR_LEARNER_OPTION_X_Y} is {@code learner.option.x.y}.
 * {@link #NOT_SETTINGS} (e.g. {@code AUTOACTIVATOR_DATA}, the data folder) are not settings.
 */
public final class ConfigLoader {

  /** Prefix of every environment variable read as a setting. */
  public static final String ENV_PREFIX = "AUTOACTIVATOR_";

  /** Variables with the prefix that are not settings. */
  public static final Set<String> NOT_SETTINGS = Set.of("AUTOACTIVATOR_DATA", "AUTOACTIVATOR_OPTS");

  private ConfigLoader() {
  }

  /** The environment variable that sets {@code key}. */
  public static String envName(String key) {
    return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /** The settings found in {@code environment} (pass {@code System.getenv()} in production, a map in tests). */
  public static Map<String, String> fromEnvironment(Map<String, String> environment) {
    Map<String, String> byEnvName = new LinkedHashMap<>();
    for (String key : AppConfig.configDef().names()) {
      byEnvName.put(envName(key), key);
    }
    Map<String, String> settings = new LinkedHashMap<>();
    environment.entrySet().stream()
        .filter(e -> e.getKey().startsWith(ENV_PREFIX) && !NOT_SETTINGS.contains(e.getKey()))
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> {
          String key = byEnvName.get(e.getKey());
          if (key == null) {
            key = e.getKey().substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.');
          }
          settings.put(key, e.getValue());
        });
    return settings;
  }

  /** The settings of a Java properties file. */
  public static Map<String, String> fromFile(Path file) {
    Properties props = new Properties();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      props.load(in);
    } catch (NoSuchFileException e) {
      throw new ConfigException("configuration file " + file.toAbsolutePath() + " does not exist");
    } catch (IOException e) {
      throw new ConfigException("cannot read configuration file " + file.toAbsolutePath() + ": " + e.getMessage());
    }
    Map<String, String> settings = new LinkedHashMap<>();
    props.stringPropertyNames().stream().sorted().forEach(k -> settings.put(k, props.getProperty(k).strip()));
    return settings;
  }

  /** File, then environment, then flags; {@code file} may be null. */
  public static Map<String, String> merge(Path file, Map<String, String> environment, Map<String, String> flags) {
    Map<String, String> merged = new LinkedHashMap<>();
    if (file != null) {
      merged.putAll(fromFile(file));
    }
    merged.putAll(fromEnvironment(environment));
    merged.putAll(flags);
    return merged;
  }

  /** Merges the three sources and validates the result. */
  public static AppConfig load(Path file, Map<String, String> environment, Map<String, String> flags) {
    return new AppConfig(merge(file, environment, flags));
  }
}
