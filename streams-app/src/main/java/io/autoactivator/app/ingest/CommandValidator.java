package io.autoactivator.app.ingest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.OptionalLong;

import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.autoactivator.app.kafka.DeadLetters;
import io.autoactivator.app.kafka.RecordCodecs;
import io.autoactivator.app.records.Envelope;
import io.autoactivator.app.records.Outbound;
import io.autoactivator.app.records.Reason;
import io.autoactivator.app.snapshot.ModelRegistry;
import io.autoactivator.schemas.ModelAction;
import io.autoactivator.schemas.ModelCommand;
import io.autoactivator.schemas.serde.RecordDecodingException;

/**
 * Dead-letters rollout commands that the followers drop: undecodable ones, and those for a model or a version no
 * snapshot published before the command has (by record timestamp; the followers fold both logs in that order,
 * {@code snapshot.PendingCommands}). Every instance's follower applies the others; this check runs once per command
 * (in the consumer group), so a bad command yields one dead letter, not one per instance.
 *
 * <p>It says a command is dropped only when it is: a version this instance has not loaded yet may still have been
 * published before the command, so until this instance's follower has read the snapshot topic past the command's
 * timestamp ({@link ModelRegistry#followedUntil}) the command waits here, rechecked every
 * {@link #RECHECK_INTERVAL} (wall clock), and is dead-lettered only if the version is still unknown then. A command
 * still undecided after {@link #MAX_WAIT_MS} (a follower that cannot catch up: the instance is not ready either) is
 * logged, not dead-lettered; so is one still waiting when its partition moves to another instance, and the oldest
 * when more than {@link #MAX_WAITING} wait.
 */
public final class CommandValidator implements Processor<byte[], byte[], String, Outbound> {

  private static final Logger LOG = LoggerFactory.getLogger(CommandValidator.class);
  static final Duration RECHECK_INTERVAL = Duration.ofMillis(500);
  static final long MAX_WAIT_MS = 120_000;
  /** Commands held at most (a flood of commands stamped in the future cannot grow the list without bound). */
  static final int MAX_WAITING = 10_000;

  /** A command this instance cannot judge yet, with its record's timestamp and when it was read. */
  private record Waiting(Envelope envelope, ModelCommand command, long timestamp, long since) {
  }

  private final RecordCodecs codecs;
  private final DeadLetters deadLetters;
  private final ModelRegistry registry;
  private final List<Waiting> waiting = new ArrayList<>();
  private ProcessorContext<String, Outbound> context;

  public CommandValidator(RecordCodecs codecs, DeadLetters deadLetters, ModelRegistry registry) {
    this.codecs = codecs;
    this.deadLetters = deadLetters;
    this.registry = registry;
  }

  @Override
  public void init(ProcessorContext<String, Outbound> context) {
    this.context = context;
    context.schedule(RECHECK_INTERVAL, PunctuationType.WALL_CLOCK_TIME, this::recheck);
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    long now = context.currentSystemTimeMs();
    RecordMetadata meta = context.recordMetadata().orElse(null);
    Envelope envelope = new Envelope(Envelope.Kind.BOUNDARY, meta == null ? "unknown" : meta.topic(),
        meta == null ? -1 : meta.partition(), meta == null ? -1 : meta.offset(), now, record.key(), record.value());
    if (record.value() == null) {
      reject(envelope, deadLetters.reject(envelope, Reason.TOMBSTONE, "a null command", now), now);
      return;
    }
    ModelCommand command;
    try {
      command = codecs.commands().deserializer().deserialize(envelope.topic(), record.value());
    } catch (RecordDecodingException e) {
      reject(envelope, deadLetters.reject(envelope, Reason.UNDECODABLE.name(), e.getClass().getName(),
          e.reason() + ": " + e.getMessage(), now), now);
      return;
    }
    if (!judge(envelope, command, record.timestamp(), now)) {
      if (waiting.size() >= MAX_WAITING) {
        Waiting oldest = waiting.remove(0);
        LOG.warn("command {} not checked: {} commands wait for the snapshot follower already",
            oldest.command().getCommandId(), MAX_WAITING);
      }
      waiting.add(new Waiting(envelope, command, record.timestamp(), now));
    }
  }

  private void recheck(long now) {
    Iterator<Waiting> it = waiting.iterator();
    while (it.hasNext()) {
      Waiting w = it.next();
      if (judge(w.envelope(), w.command(), w.timestamp(), now)) {
        it.remove();
      } else if (now - w.since() > MAX_WAIT_MS) {
        LOG.warn("command {} ({} of {}) not checked: this instance's snapshot follower has not read the snapshots "
            + "written before it within {} ms; the followers still apply or drop it by the logs",
            w.command().getCommandId(), w.command().getAction(), w.command().getModelId(), MAX_WAIT_MS);
        it.remove();
      }
    }
  }

  /**
   * Dead-letters {@code command} if the followers drop it; true when that is decided (either way), false while this
   * instance has not read every snapshot written before {@code timestamp}.
   */
  private boolean judge(Envelope envelope, ModelCommand command, long timestamp, long now) {
    String modelId = command.getModelId();
    Long target = command.getTargetVersion();
    boolean namesVersion = target != null && command.getAction() != ModelAction.UNSHADOW
        && command.getAction() != ModelAction.UNPIN;
    if (namesVersion && registry.loaded(modelId, target)) {
      OptionalLong publishedAt = registry.publishedAt(modelId, target);
      if (publishedAt.isPresent() && publishedAt.getAsLong() > timestamp) {
        reject(envelope, deadLetters.reject(envelope, Reason.UNKNOWN_VERSION, describe(command)
            + " names version " + target + ", published after the command: the followers drop it", now), now);
      } else if (!registry.knownVersions(modelId).contains(target)) {
        reject(envelope, deadLetters.reject(envelope, Reason.UNKNOWN_VERSION, describe(command)
            + " names version " + target + ", evicted from memory (serving.retained.versions): the followers "
            + "ignore it", now), now);
      }
      return true;
    }
    if (!namesVersion && registry.modelIds().contains(modelId)) {
      return true; // resolved by the followers against the versions published before it
    }
    if (registry.followedUntil() <= timestamp) {
      return false; // a snapshot written before the command may not have been read here yet
    }
    if (!registry.modelIds().contains(modelId)) {
      reject(envelope, deadLetters.reject(envelope, Reason.UNKNOWN_MODEL, describe(command)
          + ": model " + modelId + " had no snapshot when the command was written; the followers drop it", now), now);
    } else {
      reject(envelope, deadLetters.reject(envelope, Reason.UNKNOWN_VERSION, describe(command)
          + " names version " + target + " of model " + modelId + ", which no snapshot published before the "
          + "command has (known: " + registry.knownVersions(modelId) + "): the followers drop it", now), now);
    }
    return true;
  }

  private static String describe(ModelCommand command) {
    return "command " + command.getCommandId() + " (" + command.getAction() + ")";
  }

  private void reject(Envelope envelope, Outbound letter, long now) {
    context.forward(new Record<>(envelope.topic(), letter, now));
  }
}
