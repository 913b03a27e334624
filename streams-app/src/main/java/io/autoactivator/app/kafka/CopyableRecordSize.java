package io.autoactivator.app.kafka;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.autoactivator.app.config.Limits;

/**
 * The largest input record the topology may accept: one whose copy Kafka Streams' producer can still write. A sample
 * or boundary that is not on its model's partition is copied whole (key and value, in an envelope) into the by-model
 * repartition topic, inside the stream thread's transaction; a copy the producer refuses
 * ({@code RecordTooLargeException}) puts that transaction in an error state that no production exception handler can
 * resume from (Kafka Streams drops the record, the commit then fails), so the stream thread dies and the next owner of
 * the partition replays the same offset and dies too. The only safe place to refuse such a record is at decode,
 * before any copy: so {@code input.max.record.bytes} is lowered, with a warning, to what the producer's
 * {@code max.request.size} (plain or {@code producer.}) takes with {@link #HEADROOM_BYTES} to spare.
 *
 * <p>Raising {@code producer.max.request.size} raises the bound; the internal topics Kafka Streams creates then take
 * records that large too ({@link KafkaClientConfigs#forService} sets {@code topic.max.message.bytes} unless given),
 * while internal topics that exist already keep their {@code max.message.bytes} until an operator alters them. A
 * {@code topic.max.message.bytes} given below the producer's size bounds the copies too: the broker would refuse them
 * on the repartition topic (with the same effect), so the limit is lowered to it less {@link #TOPIC_HEADROOM_BYTES}.
 */
public final class CopyableRecordSize {

  private static final Logger LOG = LoggerFactory.getLogger(CopyableRecordSize.class);
  /** Room for the envelope's fields, the copy's key (the model id) and the record batch around it. */
  public static final int HEADROOM_BYTES = 64 * 1024;
  /**
   * Room for what a copy adds to the record it carries on a topic's {@code max.message.bytes}: the envelope (source
   * topic name, partition, offset, lengths), the copy's key (a model id of at most 1024 characters) and the record
   * batch header; about 4 KiB at most.
   */
  public static final int TOPIC_HEADROOM_BYTES = 8 * 1024;

  private CopyableRecordSize() {
  }

  /** {@code limits}, with {@code input.max.record.bytes} at most what {@code clients}' producer can copy. */
  public static Limits fit(Limits limits, KafkaClientConfigs clients) {
    int copyable = maxRequestSize(clients) - HEADROOM_BYTES;
    Object topicBytes = clients.streams().get(StreamsConfig.topicPrefix(TopicConfig.MAX_MESSAGE_BYTES_CONFIG));
    int internalTopicCopyable = topicBytes == null ? Integer.MAX_VALUE
        : Integer.parseInt(topicBytes.toString().trim()) - TOPIC_HEADROOM_BYTES;
    if (limits.maxRecordBytes() <= Math.min(copyable, internalTopicCopyable)) {
      return limits;
    }
    if (internalTopicCopyable < copyable) {
      int bound = Math.max(1024, internalTopicCopyable);
      LOG.warn("input.max.record.bytes={} is more than the internal topics take (topic.max.message.bytes={} less {} "
          + "bytes of headroom): records over {} bytes are dead-lettered as TOO_LARGE at decode",
          limits.maxRecordBytes(), topicBytes, TOPIC_HEADROOM_BYTES, bound);
      return limits.withMaxRecordBytes(bound);
    }
    int bound = Math.max(1024, copyable);
    LOG.warn("input.max.record.bytes={} is more than the app's producer can copy into its repartition topic "
        + "(max.request.size={} less {} bytes of headroom): records over {} bytes are dead-lettered as TOO_LARGE "
        + "at decode; raise producer.max.request.size to accept them (internal topics created from then on take the "
        + "same size: topic.max.message.bytes; alter those that exist)",
        limits.maxRecordBytes(), maxRequestSize(clients), HEADROOM_BYTES, bound);
    return limits.withMaxRecordBytes(bound);
  }

  private static int maxRequestSize(KafkaClientConfigs clients) {
    Object value = clients.producer().get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
    return value == null ? 1024 * 1024 : Integer.parseInt(value.toString().trim());
  }
}
