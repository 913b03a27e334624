package io.autoactivator.app.cli;

import io.autoactivator.app.config.Topics;
import io.autoactivator.app.kafka.AppTopics;
import io.autoactivator.app.kafka.Topic;
import io.autoactivator.model.api.TaskData;
import io.autoactivator.schemas.BoundaryKind;
import io.autoactivator.schemas.LabelledSample;
import io.autoactivator.schemas.TaskBoundary;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Publishes a class-incremental task as the service expects it: TaskBoundary START (the classes), every sample
 * (LabelledSample keyed by model id, id {@code <task>-<row>}), TaskBoundary END (the classes and the sample count).
 * Idempotent producer, acks=all; {@link #publish} returns once the broker has everything.
 */
final class TaskPublisher implements AutoCloseable {

  private final KafkaProducer<String, byte[]> producer;
  private final Topic<String, LabelledSample> samples;
  private final Topic<String, TaskBoundary> boundaries;

  TaskPublisher(Properties kafka, Topics topics) {
    this.producer = KafkaClients.producer(kafka);
    AppTopics typed = KafkaClients.topics(kafka, topics);
    this.samples = typed.samples();
    this.boundaries = typed.taskEvents();
  }

  void publish(String modelId, TaskData task, Progress progress) {
    List<Integer> classes = Arrays.stream(task.classes()).boxed().toList();
    Instant now = Instant.now();
    send(boundaries.name(), modelId, boundaries.serialize(
        new TaskBoundary(modelId, task.taskId(), BoundaryKind.START, classes, null, now)));
    for (int row = 0; row < task.size(); row++) {
      float[] features = task.features()[row];
      Float[] boxed = new Float[features.length];
      for (int j = 0; j < features.length; j++) {
        boxed[j] = features[j];
      }
      LabelledSample sample = new LabelledSample(modelId, task.taskId(), task.taskId() + "-" + row,
          task.labels()[row], Arrays.asList(boxed), now);
      send(samples.name(), modelId, samples.serialize(sample));
      progress.step(1);
    }
    producer.flush();
    send(boundaries.name(), modelId, boundaries.serialize(
        new TaskBoundary(modelId, task.taskId(), BoundaryKind.END, classes, (long) task.size(),
            Instant.now())));
    producer.flush();
    if (failure != null) {
      throw new IllegalStateException("publishing " + task.taskId() + " failed: " + failure.getMessage(), failure);
    }
  }

  private void send(String topic, String key, byte[] value) {
    producer.send(new ProducerRecord<>(topic, key, value), (metadata, error) -> {
      if (error != null) {
        failure = error;
      }
    });
    if (failure != null) {
      throw new IllegalStateException("publishing to " + topic + " failed: " + failure.getMessage(), failure);
    }
  }

  private volatile Exception failure;

  @Override
  public void close() {
    producer.close();
  }
}
