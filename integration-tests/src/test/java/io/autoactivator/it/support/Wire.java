package io.autoactivator.it.support;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import io.autoactivator.app.kafka.TopicEnd;
import io.autoactivator.it.support.MnistSlices.Slice;
import io.autoactivator.schemas.BoundaryKind;
import io.autoactivator.schemas.DeadLetter;
import io.autoactivator.schemas.LabelledSample;
import io.autoactivator.schemas.ModelSnapshot;
import io.autoactivator.schemas.Prediction;
import io.autoactivator.schemas.PredictionRequest;
import io.autoactivator.schemas.TaskBoundary;
import io.autoactivator.schemas.serde.AvroSerdes;

/**
 * The test's side of the public topics: a plain idempotent producer writing records with the app's Avro serdes,
 * and read_committed readers that see only what the app committed, reading a topic from its beginning (to its end
 * with {@link TopicEnd}, the service's own "read a topic to its end").
 */
public final class Wire implements AutoCloseable {

  private final Deployment deployment;
  private final KafkaProducer<String, byte[]> producer;

  public Wire(Deployment deployment) {
    this.deployment = deployment;
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, deployment.broker().bootstrapServers());
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    this.producer = new KafkaProducer<>(config);
  }

  // ---- writing ----

  /** Serializes {@code value} with the app's serde for its type (single-object or Confluent framing). */
  @SuppressWarnings("unchecked")
  public <T extends SpecificRecord> byte[] encode(String topic, T value) {
    Class<T> type = (Class<T>) value.getClass();
    return AvroSerdes.serde(type, deployment.serdeConfig(), false).serializer().serialize(topic, value);
  }

  /** Sends a record and waits for the broker's acknowledgement; returns where it landed. */
  public <T extends SpecificRecord> RecordMetadata send(String topic, String key, T value) {
    return sendRaw(topic, null, key, value == null ? null : encode(topic, value));
  }

  /** Sends raw bytes (or a tombstone) to a partition (null: the key decides); waits for the acknowledgement. */
  public RecordMetadata sendRaw(String topic, Integer partition, String key, byte[] value) {
    try {
      return producer.send(new ProducerRecord<>(topic, partition, key, value)).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("could not send to " + topic, e.getCause());
    }
  }

  /** A boundary of {@code taskId}; END announces {@code expected} samples. */
  public static TaskBoundary boundary(String modelId, String taskId, BoundaryKind kind, int[] classes, Long expected) {
    return TaskBoundary.newBuilder().setModelId(modelId).setTaskId(taskId).setKind(kind)
        .setClasses(boxed(classes)).setExpectedSampleCount(kind == BoundaryKind.END ? expected : null).build();
  }

  /** Sample {@code i} of a slice, with id {@code s00042}. */
  public static LabelledSample sample(String modelId, String taskId, Slice slice, int i) {
    return sample(modelId, taskId, sampleId(i), slice.labels()[i], slice.features()[i]);
  }

  public static LabelledSample sample(String modelId, String taskId, String sampleId, int label, float[] features) {
    return LabelledSample.newBuilder().setModelId(modelId).setTaskId(taskId).setSampleId(sampleId).setLabel(label)
        .setFeatures(boxed(features)).build();
  }

  public static String sampleId(int i) {
    return String.format("s%05d", i);
  }

  /** START, every sample, END: the ordered way to publish one task. */
  public void publishTask(String modelId, String taskId, int[] classes, Slice slice) {
    String events = deployment.topics().taskEvents();
    String samples = deployment.topics().samples();
    send(events, modelId, boundary(modelId, taskId, BoundaryKind.START, classes, null));
    for (int i = 0; i < slice.size(); i++) {
      producer.send(new ProducerRecord<>(samples, modelId, encode(samples, sample(modelId, taskId, slice, i))));
    }
    producer.flush();
    send(events, modelId, boundary(modelId, taskId, BoundaryKind.END, classes, (long) slice.size()));
  }

  /** A prediction request. */
  public static PredictionRequest request(String requestId, String modelId, float[] features, Long pinnedVersion) {
    return PredictionRequest.newBuilder().setRequestId(requestId).setModelId(modelId).setFeatures(boxed(features))
        .setPinnedVersion(pinnedVersion).setSentAt(Instant.now()).build();
  }

  /** Sends one query per held-out row, ids {@code <prefix>-<i>}; returns the ids in order. */
  public List<String> query(String modelId, String idPrefix, Slice heldOut) {
    String topic = deployment.topics().queries();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < heldOut.size(); i++) {
      String id = idPrefix + "-" + i;
      ids.add(id);
      producer.send(new ProducerRecord<>(topic, id, encode(topic, request(id, modelId, heldOut.features()[i], null))));
    }
    producer.flush();
    return ids;
  }

  public void flush() {
    producer.flush();
  }

  // ---- reading ----

  /** Predictions (read_committed) until {@code done} holds for the whole list, or fails after {@code timeout}. */
  public List<Prediction> predictions(Predicate<List<Prediction>> done, Duration timeout) {
    return read(deployment.topics().predictions(), Prediction.class, done, timeout);
  }

  public List<DeadLetter> deadLetters(Predicate<List<DeadLetter>> done, Duration timeout) {
    return read(deployment.topics().deadLetters(), DeadLetter.class, done, timeout);
  }

  public List<ModelSnapshot> snapshots(Predicate<List<ModelSnapshot>> done, Duration timeout) {
    return read(deployment.topics().snapshots(), ModelSnapshot.class, done, timeout);
  }

  /** Everything committed on {@code topic} until {@code done} holds; throws with what was read after timeout. */
  public <T extends SpecificRecord> List<T> read(String topic, Class<T> type, Predicate<List<T>> done,
      Duration timeout) {
    return read(topic, type, done, timeout, false);
  }

  /**
   * Reads {@code topic} up to its current committed end (read_committed: the last stable offset), then keeps
   * reading for {@code quiet} more, so that a late duplicate would be seen too.
   */
  public <T extends SpecificRecord> List<T> readAll(String topic, Class<T> type, Duration quiet) {
    long[] until = {Long.MAX_VALUE};
    return read(topic, type, l -> {
      if (until[0] == Long.MAX_VALUE) {
        return false;
      }
      return System.nanoTime() > until[0];
    }, quiet.plusMinutes(2), true, () -> until[0] = System.nanoTime() + quiet.toNanos());
  }

  private <T extends SpecificRecord> List<T> read(String topic, Class<T> type, Predicate<List<T>> done,
      Duration timeout, boolean toEnd) {
    return read(topic, type, done, timeout, toEnd, () -> { });
  }

  private <T extends SpecificRecord> List<T> read(String topic, Class<T> type, Predicate<List<T>> done,
      Duration timeout, boolean toEnd, Runnable atEnd) {
    List<T> out = new ArrayList<>();
    var deserializer = AvroSerdes.serde(type, deployment.serdeConfig(), false).deserializer();
    try (KafkaConsumer<String, byte[]> consumer = consumer()) {
      Duration metadata = Duration.ofSeconds(30);
      TopicEnd end = TopicEnd.fromBeginning(consumer, TopicEnd.existingPartitions(consumer, topic, metadata),
          metadata);
      boolean reachedEnd = !toEnd;
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!reachedEnd || !done.test(out)) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("after " + timeout + " on " + topic + ", " + out.size()
              + " records did not satisfy the condition; last: " + (out.isEmpty() ? "none" : out.get(out.size() - 1)));
        }
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.value() != null) {
            out.add(deserializer.deserialize(topic, r.value()));
          }
        }
        if (!reachedEnd && end.reached(consumer)) {
          reachedEnd = true;
          atEnd.run();
        }
      }
    }
    return out;
  }

  private KafkaConsumer<String, byte[]> consumer() {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, deployment.broker().bootstrapServers());
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 * 1024 * 1024);
    config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    return new KafkaConsumer<>(config);
  }

  static List<Integer> boxed(int[] values) {
    List<Integer> out = new ArrayList<>(values.length);
    for (int v : values) {
      out.add(v);
    }
    return out;
  }

  static List<Float> boxed(float[] values) {
    List<Float> out = new ArrayList<>(values.length);
    for (float v : values) {
      out.add(v);
    }
    return out;
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }
}
