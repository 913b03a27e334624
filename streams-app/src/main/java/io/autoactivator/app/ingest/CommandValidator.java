package io.autoactivator.app.ingest;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

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
 * Dead-letters rollout commands that cannot apply now: undecodable, for an unknown model, or naming a version no
 * snapshot has. Every instance's follower applies the good ones; this check runs once per command (in the
 * consumer group), so a bad command yields one dead letter, not one per instance. A command naming a version that
 * may still arrive is not dropped by the followers (it waits for that version), and its dead letter says so. The check uses this instance's
 * registry, so a command sent in the same instant as the snapshot it names may be reported although the followers
 * apply it once the snapshot arrives.
 */
public final class CommandValidator implements Processor<byte[], byte[], String, Outbound> {

  private final RecordCodecs codecs;
  private final DeadLetters deadLetters;
  private final ModelRegistry registry;
  private ProcessorContext<String, Outbound> context;

  public CommandValidator(RecordCodecs codecs, DeadLetters deadLetters, ModelRegistry registry) {
    this.codecs = codecs;
    this.deadLetters = deadLetters;
    this.registry = registry;
  }

  @Override
  public void init(ProcessorContext<String, Outbound> context) {
    this.context = context;
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
    String modelId = command.getModelId();
    Long target = command.getTargetVersion();
    if (!registry.modelIds().contains(modelId)) {
      boolean waits = target != null && target > 0 && command.getAction() != ModelAction.UNSHADOW
          && command.getAction() != ModelAction.UNPIN;
      reject(envelope, deadLetters.reject(envelope, Reason.UNKNOWN_MODEL, "command " + command.getCommandId()
          + " (" + command.getAction() + ") for model " + modelId + ", which has no snapshot"
          + (waits ? "; the followers apply it if version " + target + " arrives before the model's next serving "
              + "command" : "; it names no version, and the followers ignore it"), now), now);
      return;
    }
    if (target != null && command.getAction() != ModelAction.UNSHADOW
        && !registry.knownVersions(modelId).contains(target)) {
      reject(envelope, deadLetters.reject(envelope, Reason.UNKNOWN_VERSION, "command " + command.getCommandId()
          + " (" + command.getAction() + ") names version " + target + " of model " + modelId + "; known: "
          + registry.knownVersions(modelId) + (target > registry.knownVersions(modelId).stream()
              .mapToLong(Long::longValue).max().orElse(0)
              ? "; the followers apply it if that version arrives before the model's next serving command"
              : registry.loaded(modelId, target)
                  ? "; it was evicted from memory (serving.retained.versions): the followers ignore it"
                  : "; the followers drop it"), now), now);
    }
  }

  private void reject(Envelope envelope, Outbound letter, long now) {
    context.forward(new Record<>(envelope.topic(), letter, now));
  }
}
