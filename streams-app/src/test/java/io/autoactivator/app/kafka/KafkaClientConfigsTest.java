package io.autoactivator.app.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;
import org.junit.jupiter.api.Test;

/** Every client takes its plain keys and its prefixed keys, the prefixed ones winning. */
class KafkaClientConfigsTest {

  private static Properties properties() {
    Properties p = new Properties();
    p.setProperty("bootstrap.servers", "b:9092");
    p.setProperty("application.id", "app");
    p.setProperty("security.protocol", "SSL");
    p.setProperty("linger.ms", "7");
    p.setProperty("producer.linger.ms", "11");
    p.setProperty("consumer.fetch.min.bytes", "3");
    p.setProperty("admin.request.timeout.ms", "1234");
    p.setProperty("num.stream.threads", "2");
    return p;
  }

  @Test
  void prefixedKeysReachTheirClientAndWin() {
    KafkaClientConfigs clients = KafkaClientConfigs.of(properties());
    assertThat(clients.producer()).containsEntry("linger.ms", "11").containsEntry("security.protocol", "SSL")
        .containsEntry("bootstrap.servers", "b:9092").doesNotContainKey("num.stream.threads")
        .doesNotContainKey("fetch.min.bytes");
    assertThat(clients.consumer()).containsEntry("fetch.min.bytes", "3").containsEntry("security.protocol", "SSL")
        .doesNotContainKey("linger.ms");
    assertThat(clients.admin()).containsEntry("request.timeout.ms", "1234")
        .containsEntry("bootstrap.servers", "b:9092").doesNotContainKey("fetch.min.bytes");
    assertThat(clients.streams()).containsEntry("num.stream.threads", "2").containsEntry("producer.linger.ms", "11");
  }

  @Test
  void aGrouplessReaderHasNoGroupNoStaticMemberIdAndCommitsNothing() {
    Properties p = properties();
    p.setProperty("group.id", "g");
    p.setProperty("consumer.group.instance.id", "static-1");
    p.setProperty("enable.auto.commit", "true");
    p.setProperty("consumer.isolation.level", "read_uncommitted");
    var config = KafkaClientConfigs.groupless(KafkaClientConfigs.of(p).consumer(), "i-follower", "read_committed");
    assertThat(config).doesNotContainKeys("group.id", "group.instance.id").containsEntry("enable.auto.commit", false)
        .containsEntry("isolation.level", "read_committed").containsEntry("client.id", "i-follower")
        .containsEntry("fetch.min.bytes", "3").containsEntry("security.protocol", "SSL")
        .containsEntry("key.deserializer", org.apache.kafka.common.serialization.ByteArrayDeserializer.class);
  }

  @Test
  void theServiceGetsExactlyOnceAndTheKafkaDefaultsOnEveryClient() {
    KafkaClientConfigs clients = KafkaClientConfigs.forService(properties());
    assertThat(clients.streams()).containsEntry("processing.guarantee", "exactly_once_v2");
    assertThat(clients.producer()).containsEntry("linger.ms", "11").containsEntry("compression.type", "lz4")
        .containsEntry("batch.size", "1048576");
    assertThat(clients.consumer()).containsEntry("max.partition.fetch.bytes", "16777216");
  }

  @Test
  void underAtLeastOnceTheProducersSendOneRequestAtATimeUnlessTold() {
    Properties alos = properties();
    alos.put("processing.guarantee", "at_least_once");
    assertThat(KafkaClientConfigs.forService(alos).producer())
        .containsEntry("max.in.flight.requests.per.connection", "1");
    alos.put("max.in.flight.requests.per.connection", "3");
    assertThat(KafkaClientConfigs.forService(alos).producer())
        .containsEntry("max.in.flight.requests.per.connection", "3");
    assertThat(KafkaClientConfigs.forService(properties()).producer())
        .doesNotContainKey("max.in.flight.requests.per.connection");
  }

  @Test
  void aRaisedProducerRequestSizeRaisesTheInternalTopicsMessageLimitUnlessItIsSet() {
    assertThat(KafkaClientConfigs.forService(properties()).streams()).doesNotContainKey("topic.max.message.bytes");

    Properties raised = properties();
    raised.setProperty("producer.max.request.size", "4194304");
    assertThat(KafkaClientConfigs.forService(raised).streams()).containsEntry("topic.max.message.bytes", "4194304");
    Properties plain = properties();
    plain.setProperty("max.request.size", "2097152");
    assertThat(KafkaClientConfigs.forService(plain).streams()).containsEntry("topic.max.message.bytes", "2097152");

    raised.setProperty("topic.max.message.bytes", "8388608");
    assertThat(KafkaClientConfigs.forService(raised).streams()).containsEntry("topic.max.message.bytes", "8388608");
    Properties lowered = properties();
    lowered.setProperty("producer.max.request.size", "524288");
    assertThat(KafkaClientConfigs.forService(lowered).streams()).doesNotContainKey("topic.max.message.bytes");
    Properties tools = properties();
    tools.setProperty("producer.max.request.size", "4194304");
    assertThat(KafkaClientConfigs.of(tools).streams()).as("the tools' clients take the properties as given")
        .doesNotContainKey("topic.max.message.bytes");
  }

  @Test
  void staticMembershipIsSeenPlainOrPrefixed() {
    Properties p = properties();
    assertThat(KafkaClientConfigs.of(p).staticMembership()).isFalse();
    p.setProperty("consumer.group.instance.id", "i-1");
    assertThat(KafkaClientConfigs.of(p).staticMembership()).isTrue();
  }
}
