package io.autoactivator.app.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * "Read a topic to its end", once: a group-less consumer is assigned every partition of some topics from the
 * beginning (or from a moment, {@link #since}), and the end offsets seen at that moment are the target;
 * {@link #reached} says when every position got there. The snapshot follower keeps consuming after that (and is ready
 * once there); {@link #readTo} stops there ({@link #readAll}, the serving loop's read-back of its answers).
 */
public final class TopicEnd {

  private final Map<TopicPartition, Long> target;

  private TopicEnd(Map<TopicPartition, Long> target) {
    this.target = Map.copyOf(target);
  }

  /** The partitions of {@code topic}; empty when it does not exist (yet). */
  public static List<TopicPartition> partitions(Consumer<?, ?> consumer, String topic, Duration timeout) {
    List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
    if (infos == null) {
      return List.of();
    }
    return infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
  }

  /** The partitions of {@code topic}; throws when it does not exist. */
  public static List<TopicPartition> existingPartitions(Consumer<?, ?> consumer, String topic, Duration timeout) {
    List<TopicPartition> partitions = partitions(consumer, topic, timeout);
    if (partitions.isEmpty()) {
      throw new IllegalStateException("topic " + topic + " does not exist");
    }
    return partitions;
  }

  /** Assigns {@code partitions} to {@code consumer} from the beginning; the target is their current end. */
  public static TopicEnd fromBeginning(Consumer<?, ?> consumer, List<TopicPartition> partitions, Duration timeout) {
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    return new TopicEnd(new HashMap<>(consumer.endOffsets(partitions, timeout)));
  }

  /**
   * Assigns {@code partitions} to {@code consumer}, each from its first record at or after {@code sinceMs} (record
   * time; at its end when it has none); the target is their current end.
   */
  public static TopicEnd since(Consumer<?, ?> consumer, List<TopicPartition> partitions, long sinceMs,
      Duration timeout) {
    consumer.assign(partitions);
    Map<TopicPartition, Long> since = new HashMap<>();
    partitions.forEach(p -> since.put(p, sinceMs));
    Map<TopicPartition, OffsetAndTimestamp> starts = consumer.offsetsForTimes(since, timeout);
    Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, timeout);
    for (TopicPartition p : partitions) {
      OffsetAndTimestamp start = starts.get(p);
      consumer.seek(p, start == null ? ends.get(p) : start.offset());
    }
    return new TopicEnd(new HashMap<>(ends));
  }

  /** The current end of {@code partitions}, already assigned to {@code consumer}, as a target. */
  public static TopicEnd current(Consumer<?, ?> consumer, List<TopicPartition> partitions, Duration timeout) {
    return new TopicEnd(new HashMap<>(consumer.endOffsets(partitions, timeout)));
  }

  /** True once the consumer's position in every partition reached the target. */
  public boolean reached(Consumer<?, ?> consumer) {
    for (Map.Entry<TopicPartition, Long> end : target.entrySet()) {
      if (consumer.position(end.getKey()) < end.getValue()) {
        return false;
      }
    }
    return true;
  }

  /**
   * Polls {@code consumer} until its position in every partition reached the target, handing each record read to
   * {@code each}; throws when that takes longer than {@code timeout}.
   */
  public <K, V> void readTo(Consumer<K, V> consumer, String topic, Duration timeout,
      java.util.function.Consumer<ConsumerRecord<K, V>> each) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!reached(consumer)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("could not read " + topic + " to its end within " + timeout.toSeconds()
            + " s");
      }
      consumer.poll(Duration.ofMillis(100)).forEach(each);
    }
  }

  /** Every record of {@code topic} from the beginning up to its end at the time of the call. */
  public static <K, V> List<ConsumerRecord<K, V>> readAll(Consumer<K, V> consumer, String topic, Duration timeout) {
    List<TopicPartition> partitions = existingPartitions(consumer, topic, timeout);
    List<ConsumerRecord<K, V>> records = new ArrayList<>();
    fromBeginning(consumer, partitions, timeout).readTo(consumer, topic, timeout, records::add);
    return records;
  }
}
