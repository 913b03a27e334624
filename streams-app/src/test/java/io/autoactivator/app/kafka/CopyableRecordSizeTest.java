package io.autoactivator.app.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;

import org.junit.jupiter.api.Test;

import io.autoactivator.app.config.Limits;

/** The input records the topology accepts are ones Kafka Streams' producer can copy: the limit follows it. */
class CopyableRecordSizeTest {

  private static KafkaClientConfigs clients(String... keyValues) {
    Properties p = new Properties();
    p.put("bootstrap.servers", "b:9092");
    for (int i = 0; i < keyValues.length; i += 2) {
      p.put(keyValues[i], keyValues[i + 1]);
    }
    return KafkaClientConfigs.forService(p);
  }

  @Test
  void theDefaultLimitFitsTheDefaultProducerAndIsKept() {
    Limits defaults = Limits.defaults();
    assertThat(CopyableRecordSize.fit(defaults, clients())).isEqualTo(defaults);
  }

  @Test
  void aLimitAboveWhatTheProducerTakesIsLoweredToItLessTheHeadroom() {
    Limits high = Limits.defaults().withMaxRecordBytes(4 << 20);
    assertThat(CopyableRecordSize.fit(high, clients()).maxRecordBytes())
        .isEqualTo((1 << 20) - CopyableRecordSize.HEADROOM_BYTES);
    assertThat(CopyableRecordSize.fit(high, clients("max.request.size", "2097152")).maxRecordBytes())
        .isEqualTo((2 << 20) - CopyableRecordSize.HEADROOM_BYTES);
    assertThat(CopyableRecordSize.fit(high, clients("max.request.size", "2097152",
        "producer.max.request.size", "8388608")).maxRecordBytes()).as("the producer. key wins")
        .isEqualTo(4 << 20);
  }

  @Test
  void internalTopicsTakingLessThanTheLimitLowerItToWhatTheyTake() {
    Limits defaults = Limits.defaults();
    assertThat(CopyableRecordSize.fit(defaults, clients("topic.max.message.bytes", "65536")).maxRecordBytes())
        .isEqualTo(65536 - CopyableRecordSize.TOPIC_HEADROOM_BYTES);
    assertThat(CopyableRecordSize.fit(defaults, clients("topic.max.message.bytes", String.valueOf(4 << 20))))
        .as("internal topics taking more than the producer sends change nothing").isEqualTo(defaults);
  }
}
