package io.autoactivator.app.kafka;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.autoactivator.app.records.Envelope;
import io.autoactivator.app.records.Outbound;
import io.autoactivator.app.records.Reason;
import io.autoactivator.schemas.DeadLetter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Turns a rejected input into a {@code DeadLetter} record, and counts and logs it. The app never drops a record
 * silently and never crashes on data: every rejection goes through here. Logging is rate-limited per reason (one
 * WARN per second, with the number suppressed since) so a flood of bad input cannot flood the log.
 */
public final class DeadLetters {

  private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);
  private static final long LOG_INTERVAL_MS = 1_000;

  private final String instanceId;
  private final Topic<String, DeadLetter> topic;
  private final MeterRegistry meters;
  private final int maxValueBytes;
  private final Map<String, AtomicLong> lastLogged = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> suppressed = new ConcurrentHashMap<>();

  public DeadLetters(String instanceId, Topic<String, DeadLetter> deadLetterTopic, MeterRegistry meters) {
    this(instanceId, deadLetterTopic, meters, 64 * 1024);
  }

  /**
   * @param maxValueBytes bytes of the original value copied into a dead letter; the rest is cut off, so that the
   *                      dead letter of a near-limit record still fits the dead-letter topic
   */
  public DeadLetters(String instanceId, Topic<String, DeadLetter> deadLetterTopic, MeterRegistry meters,
      int maxValueBytes) {
    this.maxValueBytes = maxValueBytes;
    this.instanceId = instanceId;
    this.topic = deadLetterTopic;
    this.meters = meters;
  }

  /** The dead letter for {@code origin}, rejected for {@code reason}. */
  public Outbound reject(Envelope origin, Reason reason, String message, long now) {
    return reject(origin, reason.name(), reason.name(), message, now);
  }

  /**
   * The dead letter for {@code origin}.
   *
   * @param reason     reason code written to the record and used as metric tag
   * @param errorClass what rejected it (exception class or validator)
   */
  public Outbound reject(Envelope origin, String reason, String errorClass, String message, long now) {
    byte[] value = origin.value();
    String text = message;
    if (value != null && value.length > maxValueBytes) {
      text = message + " [original value cut to its first " + maxValueBytes + " of " + value.length + " bytes]";
      value = java.util.Arrays.copyOf(value, maxValueBytes);
    }
    byte[] key = origin.key();
    if (key != null && key.length > maxValueBytes) {
      key = java.util.Arrays.copyOf(key, maxValueBytes);
    }
    DeadLetter letter = DeadLetter.newBuilder()
        .setOriginalKey(key == null ? null : java.nio.ByteBuffer.wrap(key))
        .setOriginalValue(value == null ? null : java.nio.ByteBuffer.wrap(value))
        .setSourceTopic(origin.topic())
        .setSourcePartition(origin.partition())
        .setSourceOffset(origin.offset())
        .setErrorClass(errorClass)
        .setReason(reason)
        .setMessage(text)
        .setFailedAt(Instant.ofEpochMilli(now))
        .setAppInstanceId(instanceId)
        .build();
    Counter.builder("autoactivator.dead.letters").description("records rejected to the dead-letter topic")
        .tag("reason", reason).register(meters).increment();
    log(origin, reason, message, now);
    return new Outbound(topic.name(), topic.serialize(letter));
  }

  /**
   * Counts a rejection by a quota ({@code autoactivator.quota.rejections}, tagged with the setting that bounds it:
   * {@code input.max.features}, {@code task.max.samples}, {@code model.max.buffered.bytes}); the record itself is
   * dead-lettered through {@link #reject}.
   */
  public void countQuota(String setting) {
    Counter.builder("autoactivator.quota.rejections").description("records rejected by a quota")
        .tag("quota", setting).register(meters).increment();
  }

  private void log(Envelope origin, String reason, String message, long now) {
    AtomicLong last = lastLogged.computeIfAbsent(reason, r -> new AtomicLong(Long.MIN_VALUE / 2));
    AtomicLong skipped = suppressed.computeIfAbsent(reason, r -> new AtomicLong());
    long previous = last.get();
    if (now - previous >= LOG_INTERVAL_MS && last.compareAndSet(previous, now)) {
      LOG.warn("dead-lettered {}-{}@{} as {}: {} ({} more {} suppressed in the last second)", origin.topic(),
          origin.partition(), origin.offset(), reason, message, skipped.getAndSet(0), reason);
    } else {
      skipped.incrementAndGet();
    }
  }
}
