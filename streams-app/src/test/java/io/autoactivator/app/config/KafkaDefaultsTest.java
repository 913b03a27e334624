package io.autoactivator.app.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;

import org.junit.jupiter.api.Test;

/** The app's Kafka client defaults fill gaps only: whatever the user set, in any form, wins. */
class KafkaDefaultsTest {

  @Test
  void absentSettingsGetTheAppsDefaultsAsPrefixedKeys() {
    Properties p = new Properties();
    KafkaDefaults.applyTo(p);
    assertThat(p).containsEntry("producer.batch.size", "1048576")
        .containsEntry("producer.compression.type", "lz4")
        .containsEntry("producer.linger.ms", "5")
        .containsEntry("consumer.max.partition.fetch.bytes", "16777216")
        .containsEntry("max.task.idle.ms", "-1");
  }

  @Test
  void aUsersStreamsSettingWins() {
    Properties p = new Properties();
    p.setProperty("max.task.idle.ms", "0");
    KafkaDefaults.applyTo(p);
    assertThat(p).containsEntry("max.task.idle.ms", "0");
  }

  @Test
  void theConfigurationReferenceListsEveryDefault() {
    String reference = ConfigReference.markdown();
    KafkaDefaults.STREAMS.forEach((k, v) -> assertThat(reference).contains("`" + k + "=" + v + "`"));
    KafkaDefaults.PRODUCER.forEach((k, v) -> assertThat(reference).contains("`producer." + k + "=" + v + "`"));
    KafkaDefaults.CONSUMER.forEach((k, v) -> assertThat(reference).contains("`consumer." + k + "=" + v + "`"));
  }

  @Test
  void aPlainUserSettingIsNotShadowedByAPrefixedDefault() {
    Properties p = new Properties();
    p.setProperty("batch.size", "65536");
    p.setProperty("max.partition.fetch.bytes", "1048576");
    KafkaDefaults.applyTo(p);
    assertThat(p).doesNotContainKey("producer.batch.size").doesNotContainKey("consumer.max.partition.fetch.bytes")
        .containsEntry("batch.size", "65536").containsEntry("producer.linger.ms", "5");
  }

  @Test
  void aPrefixedUserSettingIsKept() {
    Properties p = new Properties();
    p.setProperty("producer.compression.type", "zstd");
    p.setProperty("main.consumer.max.partition.fetch.bytes", "2097152");
    KafkaDefaults.applyTo(p);
    assertThat(p).containsEntry("producer.compression.type", "zstd")
        .containsEntry("main.consumer.max.partition.fetch.bytes", "2097152")
        .doesNotContainKey("consumer.max.partition.fetch.bytes");
  }
}
