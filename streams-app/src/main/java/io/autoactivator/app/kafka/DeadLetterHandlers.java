package io.autoactivator.app.kafka;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;

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
 */
public final class DeadLetterHandlers {

  static final String TOPIC = "autoactivator.dead.letters.topic";
  static final String INSTANCE = "autoactivator.dead.letters.instance";
  static final String MAX_VALUE_BYTES = "autoactivator.dead.letters.max.value.bytes";
  private static final int MAX_MESSAGE_CHARS = 2_000;
  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterHandlers.class);

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
      String message = String.valueOf(e.getMessage());
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
          .setSourceTopic(context.topic() == null ? "unknown" : context.topic())
          .setSourcePartition(context.partition())
          .setSourceOffset(context.offset())
          .setErrorClass(e.getClass().getName())
          .setReason(reason.name())
          .setMessage(message)
          .setFailedAt(Instant.now())
          .setAppInstanceId(instance)
          .build();
      LOG.error("{} at {}-{}@{} in {}: dead-lettered, processing goes on", reason, context.topic(),
          context.partition(), context.offset(), context.processorNodeId(), e);
      String outKey = context.topic() == null ? "unknown" : context.topic();
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

    @Override
    public void configure(Map<String, ?> configs) {
      writer.configure(configs);
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
      return Response.resume(List.of(writer.letter(context, record == null ? null : record.key(),
          record == null ? null : record.value(), Reason.PRODUCTION_ERROR, exception)));
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
