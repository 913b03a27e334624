package io.autoactivator.app.serve;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

import io.autoactivator.app.kafka.TopicEnd;

/**
 * Which requests of some query partitions were already answered: the predictions written since a moment are read
 * back (a group-less consumer, every predictions partition from the first record at or after that moment minus a
 * clock margin, up to the end at the time of the call: {@link TopicEnd}, the one "read a topic to its end"), and the {@link SourceHeader} of each names the request it
 * answers.
 *
 * <p>The moment comes from the commit ({@link OffsetLedger}): every answer to a request at or after the committed
 * offset was written after the oldest such request was read, by the same clock, so nothing it needs is before it.
 * The margin covers a clock step between the crash and the restart.
 */
final class AnsweredReadback {

  /** Read back from this much before the commit's {@code readAt}. */
  static final long CLOCK_MARGIN_MS = 10_000;

  private final Consumer<byte[], byte[]> reader;
  private final String predictions;
  private final String queries;

  AnsweredReadback(Consumer<byte[], byte[]> reader, String predictionsTopic, String queriesTopic) {
    this.reader = reader;
    this.predictions = predictionsTopic;
    this.queries = queriesTopic;
  }

  /**
   * The offsets at or after {@code from} (per query partition) that an answer written since {@code sinceMs} names.
   */
  Map<TopicPartition, Set<Long>> answered(Map<TopicPartition, Long> from, long sinceMs, Duration timeout) {
    Map<TopicPartition, Set<Long>> out = new HashMap<>();
    from.keySet().forEach(tp -> out.put(tp, new HashSet<>()));
    List<TopicPartition> partitions = TopicEnd.existingPartitions(reader, predictions, timeout);
    TopicEnd end = TopicEnd.since(reader, partitions, Math.max(0, sinceMs - CLOCK_MARGIN_MS), timeout);
    end.readTo(reader, predictions, timeout, r -> {
      long[] source = SourceHeader.read(r.headers());
      if (source == null) {
        return;
      }
      TopicPartition tp = new TopicPartition(queries, (int) source[0]);
      Long first = from.get(tp);
      if (first != null && source[1] >= first) {
        out.get(tp).add(source[1]);
      }
    });
    reader.unsubscribe();
    return out;
  }
}
