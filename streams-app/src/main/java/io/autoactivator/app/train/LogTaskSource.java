package io.autoactivator.app.train;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.TopicPartition;

import io.autoactivator.app.kafka.RecordCodecs;
import io.autoactivator.app.records.Validation;
import io.autoactivator.model.api.InvalidTaskDataException;
import io.autoactivator.model.api.TaskChunk;
import io.autoactivator.model.api.TaskSource;
import io.autoactivator.schemas.LabelledSample;

/**
 * One task read back from the samples topic, the model's {@link TaskSource} backed by the log. A pass reads each
 * partition the task has samples in, in ascending partition order, from the task's first accepted offset to its
 * last, read_committed, and keeps exactly the records the task accepted (the task-samples store named them: other
 * tasks' and models' records, duplicates and rejected records in between are skipped). Each kept sample carries its
 * row, its rank in sample-id order, so materialising the task rebuilds what the in-store buffer of earlier releases
 * handed the learner, byte for byte.
 *
 * <p>Memory: 12 bytes per sample for the offsets and rows, plus one chunk. A pass that finds the partition's log
 * starting after an accepted offset, or an accepted offset without its record, throws
 * {@link SamplesExpiredException}: retention deleted part of the task, which is never trained on the rest.
 */
public final class LogTaskSource implements TaskSource {

  /** The accepted offsets of one partition, ascending, and the row of each. */
  record Partition(int partition, long[] offsets, int[] rows) {
  }

  private final String modelId;
  private final String taskId;
  private final int[] classes;
  private final int size;
  private final List<Partition> partitions;
  private final Supplier<Consumer<byte[], byte[]>> consumers;
  private final String topic;
  private final RecordCodecs codecs;
  private final Duration timeout;
  private int dimension = -1;

  LogTaskSource(String modelId, String taskId, int[] classes, int size, List<Partition> partitions,
      Supplier<Consumer<byte[], byte[]>> consumers, String topic, RecordCodecs codecs, Duration timeout) {
    this.modelId = modelId;
    this.taskId = taskId;
    this.classes = classes.clone();
    this.size = size;
    this.partitions = List.copyOf(partitions);
    this.consumers = consumers;
    this.topic = topic;
    this.codecs = codecs;
    this.timeout = timeout;
  }

  @Override
  public String taskId() {
    return taskId;
  }

  @Override
  public int[] classes() {
    return classes.clone();
  }

  @Override
  public int size() {
    return size;
  }

  /** The dimension of the task's samples (read from its first record on the first call). */
  @Override
  public int dimension() {
    if (dimension < 0) {
      if (size == 0) {
        throw new InvalidTaskDataException("task " + taskId + " has no samples");
      }
      Partition first = partitions.get(0);
      int[] found = new int[1];
      readPartition(first, 1, 1, chunk -> found[0] = chunk.features()[0].length);
    }
    return dimension;
  }

  /**
   * Per partition of the samples topic: {@code "<topic>-<partition>"} -> the offset after the task's last accepted
   * sample (the data offsets of the snapshot's provenance).
   */
  public Map<String, Long> endOffsets() {
    Map<String, Long> ends = new java.util.HashMap<>();
    for (Partition p : partitions) {
      ends.put(topic + "-" + p.partition(), p.offsets()[p.offsets().length - 1] + 1);
    }
    return ends;
  }

  @Override
  public void read(int maxRows, ChunkReader reader) {
    if (maxRows < 1) {
      throw new IllegalArgumentException("maxRows must be positive, was " + maxRows);
    }
    for (Partition p : partitions) {
      readPartition(p, maxRows, p.offsets().length, reader);
    }
  }

  /** Hands the first {@code count} accepted samples of {@code p} to {@code reader}, {@code maxRows} at a time. */
  private void readPartition(Partition p, int maxRows, int count, ChunkReader reader) {
    TopicPartition tp = new TopicPartition(topic, p.partition());
    long[] offsets = p.offsets();
    try (Consumer<byte[], byte[]> consumer = consumers.get()) {
      consumer.assign(List.of(tp));
      long start = consumer.beginningOffsets(List.of(tp), timeout).get(tp);
      if (start > offsets[0]) {
        throw expired(tp, offsets[0], "the partition's log now starts at offset " + start);
      }
      consumer.seek(tp, offsets[0]);
      Chunk chunk = new Chunk(Math.min(maxRows, count));
      int next = 0;
      long idleSince = System.nanoTime();
      while (next < count) {
        ConsumerRecords<byte[], byte[]> records;
        try {
          records = consumer.poll(Duration.ofMillis(200));
        } catch (OffsetOutOfRangeException e) {
          throw expired(tp, offsets[next], "offset " + offsets[next] + " is out of the partition's range");
        }
        if (records.isEmpty()) {
          if (consumer.position(tp) > offsets[next]) {
            throw expired(tp, offsets[next], "the partition has no record at offset " + offsets[next]);
          }
          if (System.nanoTime() - idleSince > timeout.toNanos()) {
            throw new IllegalStateException("task " + taskId + ": no record of " + tp + " from offset "
                + offsets[next] + " within " + timeout.toSeconds() + " s");
          }
          continue;
        }
        idleSince = System.nanoTime();
        for (ConsumerRecord<byte[], byte[]> r : records.records(tp)) {
          if (next >= count) {
            break;
          }
          if (r.offset() > offsets[next]) {
            throw expired(tp, offsets[next], "the partition has no record at offset " + offsets[next]
                + " (skipped to " + r.offset() + ")");
          }
          if (r.offset() < offsets[next]) {
            continue; // another task's, a duplicate, a rejected record
          }
          chunk.add(p.rows()[next], sample(r));
          next++;
          if (chunk.full() || next == count) {
            reader.accept(chunk.take());
            chunk = new Chunk(Math.min(maxRows, count - next));
          }
        }
      }
    }
  }

  private LabelledSample sample(ConsumerRecord<byte[], byte[]> r) {
    LabelledSample s = codecs.samples().deserializer().deserialize(topic, r.value());
    if (!s.getModelId().toString().equals(modelId) || !s.getTaskId().toString().equals(taskId)) {
      throw new InvalidTaskDataException("record " + topic + "-" + r.partition() + "@" + r.offset()
          + " accepted for " + modelId + "/" + taskId + " is a sample of " + s.getModelId() + "/" + s.getTaskId());
    }
    if (dimension < 0) {
      dimension = s.getFeatures().size();
    }
    return s;
  }

  private SamplesExpiredException expired(TopicPartition tp, long offset, String what) {
    return new SamplesExpiredException("samples of task " + taskId + " of model " + modelId + " were deleted from "
        + tp + " before it trained (" + what + "; the task's first accepted sample there is at offset " + offset
        + ")");
  }

  /** A chunk being filled. */
  private static final class Chunk {
    private final int[] rows;
    private final float[][] features;
    private final int[] labels;
    private int n;

    Chunk(int capacity) {
      rows = new int[capacity];
      features = new float[capacity][];
      labels = new int[capacity];
    }

    void add(int row, LabelledSample s) {
      rows[n] = row;
      features[n] = Validation.toArray(s.getFeatures());
      labels[n] = s.getLabel();
      n++;
    }

    boolean full() {
      return n == rows.length;
    }

    TaskChunk take() {
      return n == rows.length ? new TaskChunk(rows, features, labels)
          : new TaskChunk(java.util.Arrays.copyOf(rows, n), java.util.Arrays.copyOf(features, n),
              java.util.Arrays.copyOf(labels, n));
    }
  }
}
