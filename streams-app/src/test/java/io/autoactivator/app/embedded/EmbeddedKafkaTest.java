package io.autoactivator.app.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class EmbeddedKafkaTest {

  @Test
  void startsARealBrokerInAChildJvmAndLeavesNothingBehind() throws Exception {
    ProcessHandle child;
    Path log;
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      child = kafka.process();
      log = kafka.logFile();
      assertThat(child.isAlive()).isTrue();
      assertThat(child.parent().map(ProcessHandle::pid)).contains(ProcessHandle.current().pid());
      String bootstrap = kafka.bootstrapServers();
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
        admin.createTopics(List.of(new NewTopic("t", 1, (short) 1))).all().get();
      }
      try (var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", bootstrap,
          "enable.idempotence", "true", "acks", "all"), new StringSerializer(), new StringSerializer())) {
        producer.send(new ProducerRecord<>("t", "k", "hello")).get();
      }
      try (var consumer = new KafkaConsumer<>(Map.<String, Object>of("bootstrap.servers", bootstrap),
          new StringDeserializer(), new StringDeserializer())) {
        TopicPartition tp = new TopicPartition("t", 0);
        consumer.assign(Set.of(tp));
        consumer.seekToBeginning(Set.of(tp));
        ConsumerRecord<String, String> record = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (record == null && System.nanoTime() < deadline) {
          var records = consumer.poll(Duration.ofMillis(500));
          if (!records.isEmpty()) {
            record = records.iterator().next();
          }
        }
        assertThat(record).isNotNull();
        assertThat(record.key()).isEqualTo("k");
        assertThat(record.value()).isEqualTo("hello");
      }
    }
    assertThat(child.isAlive()).isFalse();
    assertThat(Files.exists(log)).isFalse();
  }
}
