package io.autoactivator.app.cli;

import io.autoactivator.app.config.Topics;
import io.autoactivator.app.kafka.AppTopics;
import io.autoactivator.app.kafka.Topic;
import io.autoactivator.app.kafka.TopicEnd;
import io.autoactivator.schemas.Prediction;
import io.autoactivator.schemas.PredictionRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Asks the service for predictions through Kafka: sends PredictionRequests to the queries topic and collects the
 * Predictions with the same request ids from the predictions topic (read from its end at the time of asking).
 */
final class PredictionClient implements AutoCloseable {

  private final KafkaProducer<String, byte[]> producer;
  private final KafkaConsumer<String, byte[]> consumer;
  private final Topic<String, PredictionRequest> requests;
  private final Topic<String, Prediction> predictions;

  PredictionClient(Properties kafka, Topics topics) {
    this.producer = KafkaClients.producer(kafka);
    this.consumer = KafkaClients.consumer(kafka);
    AppTopics typed = KafkaClients.topics(kafka, topics);
    this.requests = typed.queries();
    this.predictions = typed.predictions();
    List<TopicPartition> partitions = TopicEnd.existingPartitions(consumer, predictions.name(),
        Duration.ofSeconds(30));
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    partitions.forEach(consumer::position);
  }

  /**
   * Sends one request per row (ids {@code <idPrefix>-<i>}) and returns the answers by request id, in request order;
   * requests without an answer within {@code timeout} are missing from the map.
   */
  Map<String, Prediction> ask(String modelId, float[][] rows, String idPrefix, Duration timeout, Progress progress) {
    List<String> ids = new ArrayList<>(rows.length);
    for (int i = 0; i < rows.length; i++) {
      String id = idPrefix + "-" + i;
      ids.add(id);
      List<Float> features = new ArrayList<>(rows[i].length);
      for (float f : rows[i]) {
        features.add(f);
      }
      PredictionRequest request = new PredictionRequest(id, modelId, features, null, Instant.now());
      producer.send(new ProducerRecord<>(requests.name(), modelId, requests.serialize(request)));
    }
    producer.flush();
    Map<String, Prediction> answers = new LinkedHashMap<>();
    java.util.Set<String> wanted = new java.util.HashSet<>(ids);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!wanted.isEmpty() && System.nanoTime() < deadline) {
      for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
        if (record.value() == null) {
          continue;
        }
        Prediction p = predictions.deserialize(record.value());
        if (wanted.remove(p.getRequestId())) {
          answers.put(p.getRequestId(), p);
          progress.step(1);
        }
      }
    }
    Map<String, Prediction> ordered = new LinkedHashMap<>();
    ids.forEach(id -> {
      if (answers.containsKey(id)) {
        ordered.put(id, answers.get(id));
      }
    });
    return ordered;
  }

  @Override
  public void close() {
    producer.close();
    consumer.close();
  }
}
