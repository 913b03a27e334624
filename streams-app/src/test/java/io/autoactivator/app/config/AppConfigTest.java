package io.autoactivator.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AppConfigTest {

  @TempDir
  Path dir;

  @Test
  void laterSourcesWin_fileThenEnvironmentThenFlags() throws Exception {
    Path file = dir.resolve("app.properties");
    Files.writeString(file, """
        bootstrap.servers=file:9092
        http.port=1111
        seed=1
        serving.batch.size=10
        """);
    Map<String, String> env = Map.of(
        "AUTOACTIVATOR_HTTP_PORT", "2222",
        "AUTOACTIVATOR_SEED", "2",
        "AUTOACTIVATOR_TOPIC_TASK_EVENTS", "my-boundaries",
        "PATH", "/usr/bin");
    Map<String, String> flags = Map.of("seed", "3");

    AppConfig config = ConfigLoader.load(file, env, flags);
    AppSettings settings = config.appSettings();

    assertThat(config.bootstrapServers()).containsExactly("file:9092");
    assertThat(config.httpPort()).isEqualTo(2222);
    assertThat(settings.seed()).isEqualTo(3);
    assertThat(settings.servingBatchSize()).isEqualTo(10);
    assertThat(settings.topics().taskEvents()).isEqualTo("my-boundaries");
    assertThat(settings.topics().samples()).isEqualTo("autoactivator.samples");
  }

  @Test
  void defaults() {
    AppConfig config = new AppConfig(Map.of("bootstrap.servers", "k:9092"));
    AppSettings settings = config.appSettings();
    Properties kafka = config.kafkaProperties();

    assertThat(kafka).containsEntry("application.id", "autoactivator-streams")
        .containsEntry("processing.guarantee", "exactly_once_v2")
        .containsEntry("bootstrap.servers", "k:9092")
        .doesNotContainKeys("http.port", "seed", "learner", "state.dir", "schema.registry.url");
    assertThat(config.httpPort()).isEqualTo(8080);
    assertThat(settings.learner()).isEqualTo("autoactivator");
    assertThat(settings.instanceId()).endsWith("-" + ProcessHandle.current().pid());
    assertThat(settings.servingLinger()).isEqualTo(Duration.ofMillis(5));
    assertThat(settings.serving()).isEqualTo(new AppSettings.Serving(1024, 1, Duration.ofMillis(100)));
    assertThat(settings.topics().snapshots()).isEqualTo("autoactivator.model-snapshots");
  }

  @Test
  void environmentNames() {
    assertThat(ConfigLoader.envName("bootstrap.servers")).isEqualTo("AUTOACTIVATOR_BOOTSTRAP_SERVERS");
    assertThat(ConfigLoader.envName("http.port")).isEqualTo("AUTOACTIVATOR_HTTP_PORT");
    assertThat(ConfigLoader.envName("topic.dead-letters")).isEqualTo("AUTOACTIVATOR_TOPIC_DEAD_LETTERS");
    assertThat(ConfigLoader.fromEnvironment(Map.of(
        "AUTOACTIVATOR_DATA", "/data",
        "AUTOACTIVATOR_SECURITY_PROTOCOL", "SSL",
        "AUTOACTIVATOR_LEARNER_OPTION_UNITS", "4",
        "HOME", "/root")))
        .containsOnly(Map.entry("security.protocol", "SSL"), Map.entry("learner.option.units", "4"));
  }

  @Test
  void clientSettingsPassThroughUnchanged() {
    String jaas = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"p=q\";";
    AppConfig config = ConfigLoader.load(null,
        Map.of("AUTOACTIVATOR_SSL_TRUSTSTORE_LOCATION", "/etc/kafka/truststore.jks"),
        Map.of("bootstrap.servers", "k:9093",
            "security.protocol", "SASL_SSL",
            "sasl.jaas.config", jaas,
            "producer.linger.ms", "20",
            "num.stream.threads", "2",
            "topic.segment.bytes", "1048576",
            "schema.registry.url", "http://registry:8081",
            "learner.option.units", "7"));
    Properties kafka = config.kafkaProperties();

    assertThat(kafka)
        .containsEntry("ssl.truststore.location", "/etc/kafka/truststore.jks")
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("sasl.jaas.config", jaas)
        .containsEntry("producer.linger.ms", "20")
        .containsEntry("num.stream.threads", "2")
        .containsEntry("topic.segment.bytes", "1048576")
        .containsEntry("schema.registry.url", "http://registry:8081")
        .doesNotContainKey("learner.option.units");
    assertThat(config.appSettings().learnerOptions()).containsExactly(Map.entry("units", "7"));
  }

  @Test
  void validationErrorsNameTheKeyAndTheValidRange() {
    assertThatThrownBy(() -> new AppConfig(Map.of("bootstrap.servers", "k:1", "http.port", "70000")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("http.port").hasMessageContaining("70000").hasMessageContaining("65535");
    assertThatThrownBy(() -> new AppConfig(Map.of("bootstrap.servers", "k:1", "serving.batch.size", "0")))
        .hasMessageContaining("serving.batch.size").hasMessageContaining("at least 1");
    assertThatThrownBy(() -> new AppConfig(Map.of("bootstrap.servers", "k:1", "processing.guarantee", "exactly_once")))
        .hasMessageContaining("processing.guarantee").hasMessageContaining("exactly_once_v2, at_least_once");
    assertThatThrownBy(() -> new AppConfig(Map.of("bootstrap.servers", "k:1", "seed", "many")))
        .hasMessageContaining("seed").hasMessageContaining("many");
    assertThatThrownBy(() -> new AppConfig(Map.of()))
        .hasMessageContaining("bootstrap.servers");
  }

  @Test
  void missingFileIsAClearError() {
    assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("nope.properties"), Map.of(), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("nope.properties").hasMessageContaining("does not exist");
  }

  @Test
  void referenceListsEveryKeyWithItsEnvironmentVariable() {
    String md = ConfigReference.markdown();
    for (String key : AppConfig.configDef().names()) {
      assertThat(md).contains("| `" + key + "` | `" + ConfigLoader.envName(key) + "` |");
    }
    assertThat(md).contains("Pass-through").contains("`8080`");
  }
}
