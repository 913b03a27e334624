package io.autoactivator.app.kafka;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.autoactivator.app.records.Envelope;
import io.autoactivator.app.records.EnvelopeSerde;
import io.autoactivator.app.records.Reason;
import io.autoactivator.schemas.DeadLetter;
import io.autoactivator.schemas.serde.SchemaRegistryException;

/**
 * Kafka Streams' last line against poison pills: a record a processor throws on, or a record the producer cannot
 * write (too large for the broker, unserialisable), becomes a dead letter (a truncated copy of the original and the
 * reason) written in the same transaction, and processing resumes with the next record. Without them the client
 * shuts down and the next owner of the partition replays the same offset and dies the same way.
 *
 * <p>Not dead-lettered: a schema registry that cannot be reached (the record is probably fine; the stream thread is
 * replaced and retries), and production errors that are not about the record itself (fencing, timeouts,
 * authorisation: Kafka Streams' own handling applies).
 *
 * <p>Configured through the Streams properties ({@link #install}): the dead-letter topic, the instance id and the
 * value budget travel as {@code autoactivator.*} keys that Kafka Streams passes to {@code configure}.
 *
 * <p>A record the broker refuses is reported on the Streams producer's own I/O thread, and a dead letter handed back
 * to Kafka Streams from there is sent by that same thread: if the producer has no metadata for the dead-letter topic
 * yet, that send waits for metadata only the blocked thread could fetch, for {@code max.block.ms}, and then fails the
 * stream thread. So the service gives the production handler a producer of its own ({@link #install} with a
 * {@code sideSink}), outside Kafka Streams' transaction, that writes those dead letters instead.
 */
public final class DeadLetterHandlers {

  static final String TOPIC = "autoactivator.dead.letters.topic";
  static final String INSTANCE = "autoactivator.dead.letters.instance";
  static final String MAX_VALUE_BYTES = "autoactivator.dead.letters.max.value.bytes";
  private static final int MAX_MESSAGE_CHARS = 2_000;
  static final String SIDE_SINK = "autoactivator.dead.letters.side.sink";
  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterHandlers.class);
  /** The side sinks of the running apps, by the token their Streams properties carry (properties hold strings). */
  private static final Map<String, Consumer<ProducerRecord<byte[], byte[]>>> SIDE_SINKS = new ConcurrentHashMap<>();

  private DeadLetterHandlers() {
  }

  /** Sets both handlers (unless the operator chose others), and what they need, in Kafka Streams' properties. */
  public static Properties install(Properties streams, String deadLetterTopic, String instanceId,
      int maxValueBytes) {
    streams.putIfAbsent(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, Processing.class.getName());
    streams.putIfAbsent(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, Production.class.getName());
    streams.put(TOPIC, deadLetterTopic);
    streams.put(INSTANCE, instanceId);
    streams.put(MAX_VALUE_BYTES, String.valueOf(maxValueBytes));
    return streams;
  }

  /**
   * As {@link #install(Properties, String, String, int)}, and the production handler writes its dead letters through
   * {@code sideSink} (a producer the caller owns, not Kafka Streams'): call {@link #uninstall} when the app closes.
   */
  public static Properties install(Properties streams, String deadLetterTopic, String instanceId,
      int maxValueBytes, Consumer<ProducerRecord<byte[], byte[]>> sideSink) {
    install(streams, deadLetterTopic, instanceId, maxValueBytes);
    String token = UUID.randomUUID().toString();
    SIDE_SINKS.put(token, sideSink);
    streams.put(SIDE_SINK, token);
    return streams;
  }

  /** Forgets the side sink {@link #install} registered for {@code streams}, if any. */
  public static void uninstall(Properties streams) {
    Object token = streams.get(SIDE_SINK);
    if (token != null) {
      SIDE_SINKS.remove(token.toString());
    }
  }

  /** What both handlers share: how to write one dead letter. */
  private static final class Writer {
    private String topic;
    private String instance;
    private int maxValueBytes;
    private Topic<String, DeadLetter> deadLetters;

    void configure(Map<String, ?> configs) {
      topic = String.valueOf(configs.get(TOPIC));
      instance = String.valueOf(configs.get(INSTANCE));
      Object max = configs.get(MAX_VALUE_BYTES);
      maxValueBytes = max == null ? 64 * 1024 : Integer.parseInt(String.valueOf(max));
      RecordCodecs codecs = RecordCodecs.from(configs);
      deadLetters = new Topic<>(topic, org.apache.kafka.common.serialization.Serdes.String(), codecs.deadLetters());
    }

    ProducerRecord<byte[], byte[]> letter(ErrorHandlerContext context, byte[] key, byte[] value, Reason reason,
        Exception e) {
      return letter(context.topic(), context.partition(), context.offset(), context.processorNodeId(), key, value,
          reason, e, "");
    }

    ProducerRecord<byte[], byte[]> letter(String sourceTopic, int sourcePartition, long sourceOffset, String node,
        byte[] key, byte[] value, Reason reason, Exception e, String note) {
      String message = String.valueOf(e.getMessage()) + note;
      if (message.length() > MAX_MESSAGE_CHARS) {
        message = message.substring(0, MAX_MESSAGE_CHARS) + "...";
      }
      if (value != null && value.length > maxValueBytes) {
        message += " [original value cut to its first " + maxValueBytes + " of " + value.length + " bytes]";
        value = Arrays.copyOf(value, maxValueBytes);
      }
      if (key != null && key.length > maxValueBytes) {
        key = Arrays.copyOf(key, maxValueBytes);
      }
      DeadLetter letter = DeadLetter.newBuilder()
          .setOriginalKey(key == null ? null : ByteBuffer.wrap(key))
          .setOriginalValue(value == null ? null : ByteBuffer.wrap(value))
          .setSourceTopic(sourceTopic == null ? "unknown" : sourceTopic)
          .setSourcePartition(sourcePartition)
          .setSourceOffset(sourceOffset)
          .setErrorClass(e.getClass().getName())
          .setReason(reason.name())
          .setMessage(message)
          .setFailedAt(Instant.now())
          .setAppInstanceId(instance)
          .build();
      LOG.error("{} at {}-{}@{} in {}: dead-lettered, processing goes on", reason, sourceTopic, sourcePartition,
          sourceOffset, node, e);
      String outKey = sourceTopic == null ? "unknown" : sourceTopic;
      return new ProducerRecord<>(topic, outKey.getBytes(StandardCharsets.UTF_8), deadLetters.serialize(letter));
    }
  }

  /** True if {@code e}, or a cause, is a registry that could not answer (not the record's fault). */
  public static boolean registryUnavailable(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SchemaRegistryException r && r.isTransient()) {
        return true;
      }
    }
    return false;
  }

  /** A processor threw: dead-letter the source record and resume. */
  public static final class Processing implements ProcessingExceptionHandler {
    private final Writer writer = new Writer();

    @Override
    public void configure(Map<String, ?> configs) {
      writer.configure(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
      if (registryUnavailable(exception)) {
        return Response.fail();
      }
      return Response.resume(List.of(writer.letter(context, context.sourceRawKey(), context.sourceRawValue(),
          Reason.PROCESSING_ERROR, exception)));
    }
  }

  /** The producer could not write a record: dead-letter a truncated copy unless Kafka will retry it. */
  public static final class Production implements ProductionExceptionHandler {
    private final Writer writer = new Writer();
    private Consumer<ProducerRecord<byte[], byte[]>> sideSink;

    @Override
    public void configure(Map<String, ?> configs) {
      writer.configure(configs);
      Object token = configs.get(SIDE_SINK);
      sideSink = token == null ? null : SIDE_SINKS.get(token.toString());
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record,
        Exception exception) {
      if (!(exception instanceof RecordTooLargeException || exception instanceof RecordBatchTooLargeException
          || exception instanceof InvalidRecordException)) {
        return Response.fail(); // about the producer or the cluster, not this record: Kafka's own handling
      }
      if (record != null && writer.topic.equals(record.topic())) {
        LOG.error("a dead letter could not be written: dropped", exception);
        return Response.resume();
      }
      ProducerRecord<byte[], byte[]> letter = letter(context, record, exception);
      if (sideSink != null) {
        sideSink.accept(letter); // not through Kafka Streams' producer, whose I/O thread may be the one calling
        return Response.resume();
      }
      return Response.resume(List.of(letter));
    }

    /**
     * The dead letter of a refused {@code record}. A copy into the repartition topic names its original (topic,
     * partition, offset, key and value) in its envelope; any other record is named by the context, which for a
     * refusal reported later by the broker may be the record being processed by then, so the letter also says which
     * topic refused the write.
     */
    private ProducerRecord<byte[], byte[]> letter(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record,
        Exception exception) {
      if (record == null) {
        return writer.letter(context, null, null, Reason.PRODUCTION_ERROR, exception);
      }
      String note = " (writing to " + record.topic() + ")";
      if (record.topic().endsWith("-repartition") && record.value() != null) {
        try {
          Envelope original = EnvelopeSerde.decode(record.value());
          return writer.letter(original.topic(), original.partition(), original.offset(), context.processorNodeId(),
              original.key(), original.value(), Reason.PRODUCTION_ERROR, exception, note);
        } catch (RuntimeException notAnEnvelope) {
          LOG.debug("the refused record on {} is not an envelope", record.topic(), notAnEnvelope);
        }
      }
      return writer.letter(context.topic(), context.partition(), context.offset(), context.processorNodeId(),
          record.key(), record.value(), Reason.PRODUCTION_ERROR, exception, note);
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Response handleSerializationError(ErrorHandlerContext context, ProducerRecord record,
        Exception exception, SerializationExceptionOrigin origin) {
      if (registryUnavailable(exception)) {
        return Response.fail();
      }
      return Response.resume(List.of(writer.letter(context, context.sourceRawKey(), context.sourceRawValue(),
          Reason.PRODUCTION_ERROR, exception)));
    }
  }
}
