package io.autoactivator.app.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;

import org.junit.jupiter.api.Test;

import io.autoactivator.app.config.AppSettings;
import io.autoactivator.app.kafka.KafkaClientConfigs;

/** The serving loop's clients: their own group, no auto-commit, no linger unless asked, serving.* keys winning. */
class ServingClientsTest {

  private final AppSettings settings = AppSettings.defaults("node-1");

  private static Properties properties() {
    Properties p = new Properties();
    p.setProperty("bootstrap.servers", "b:9092");
    p.setProperty("application.id", "app");
    p.setProperty("security.protocol", "SSL");
    p.setProperty("consumer.session.timeout.ms", "6000");
    p.setProperty("consumer.group.instance.id", "static-1");
    p.setProperty("transactional.id", "never-for-serving");
    return p;
  }

  @Test
  void theConsumerHasItsOwnGroupCommitsByHandAndKeepsTheOperatorsSettings() {
    var config = ServingClients.consumer(settings, KafkaClientConfigs.forService(properties()), "app");
    assertThat(config).containsEntry("group.id", "app-serving").containsEntry("enable.auto.commit", false)
        .containsEntry("auto.offset.reset", "earliest").containsEntry("session.timeout.ms", "6000")
        .containsEntry("security.protocol", "SSL").doesNotContainKey("group.instance.id");
  }

  @Test
  void theProducerIsIdempotentWithoutLingerCompressionOrTransactionUnlessServingKeysSaySo() {
    var config = ServingClients.producer(settings, KafkaClientConfigs.forService(properties()));
    assertThat(config).containsEntry("enable.idempotence", true).containsEntry("acks", "all")
        .containsEntry("linger.ms", 0).containsEntry("compression.type", "none")
        .doesNotContainKey("transactional.id");
    // the app's lz4 default for its other producers does not reach the answers
    assertThat(KafkaClientConfigs.forService(properties()).producer()).containsEntry("compression.type", "lz4");
    Properties p = properties();
    p.setProperty("serving.producer.linger.ms", "2");
    p.setProperty("serving.producer.compression.type", "zstd");
    assertThat(ServingClients.producer(settings, KafkaClientConfigs.forService(p))).containsEntry("linger.ms", "2")
        .containsEntry("compression.type", "zstd");
  }

  @Test
  void theReadBackReadsEverythingWrittenWithoutAGroup() {
    var config = ServingClients.reader(settings, KafkaClientConfigs.forService(properties()));
    assertThat(config).containsEntry("isolation.level", "read_uncommitted").doesNotContainKey("group.id")
        .containsEntry("enable.auto.commit", false);
  }
}
