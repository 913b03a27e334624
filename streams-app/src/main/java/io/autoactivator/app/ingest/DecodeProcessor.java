package io.autoactivator.app.ingest;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;

import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

import io.autoactivator.app.config.Limits;
import io.autoactivator.app.kafka.DeadLetters;
import io.autoactivator.app.kafka.RecordCodecs;
import io.autoactivator.app.records.Envelope;
import io.autoactivator.app.records.Reason;
import io.autoactivator.app.records.Validation;
import io.autoactivator.app.snapshot.SnapshotAssembler;
import io.autoactivator.schemas.BoundaryKind;
import io.autoactivator.schemas.ModelSnapshot;
import io.autoactivator.schemas.TaskBoundary;
import io.autoactivator.schemas.serde.RecordDecodingException;
import io.autoactivator.schemas.serde.SampleSummary;
import io.autoactivator.schemas.serde.SampleSummaryReader;

/**
 * First step of every input: decodes the raw bytes (the sources read bytes so that a bad record is ours to
 * dead-letter, not a crash of the stream thread), runs the checks that need nothing but the record, and re-keys
 * good records by model id so that everything about one model meets in one partition downstream. Samples and
 * boundaries whose key already is their model id (the producers' contract) are marked as such and processed where
 * they are; only the others (and snapshot markers) cross a repartition topic.
 *
 * <p>Snapshot chunks are reduced to their final chunk with the payload dropped: the topology only needs to know that
 * a snapshot is complete (the final chunk is written last, to the same partition, after every other chunk); the
 * follower, not the topology, reassembles the model.
 */
public final class DecodeProcessor implements Processor<byte[], byte[], String, Decoded> {

  private final Envelope.Kind kind;
  private final RecordCodecs codecs;
  private final DeadLetters deadLetters;
  private final Limits limits;
  private final int modelPartitions;
  private ProcessorContext<String, Decoded> context;

  public DecodeProcessor(Envelope.Kind kind, RecordCodecs codecs, DeadLetters deadLetters) {
    this(kind, codecs, deadLetters, Limits.defaults(), 0);
  }

  /**
   * @param limits          record and vector sizes accepted, snapshot bounds
   * @param modelPartitions partitions of the by-model repartition topic (0: unknown, every record is repartitioned)
   */
  public DecodeProcessor(Envelope.Kind kind, RecordCodecs codecs, DeadLetters deadLetters, Limits limits,
      int modelPartitions) {
    if (kind == Envelope.Kind.QUERY) {
      throw new IllegalArgumentException("queries are decoded by the serving loop (QueryDecoder), not the topology");
    }
    this.modelPartitions = modelPartitions;
    this.limits = limits;
    this.kind = kind;
    this.codecs = codecs;
    this.deadLetters = deadLetters;
  }

  @Override
  public void init(ProcessorContext<String, Decoded> context) {
    this.context = context;
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    long now = context.currentSystemTimeMs();
    RecordMetadata meta = context.recordMetadata().orElse(null);
    Envelope envelope = new Envelope(kind, meta == null ? "unknown" : meta.topic(),
        meta == null ? -1 : meta.partition(), meta == null ? -1 : meta.offset(), now, record.key(), record.value());
    if (record.value() == null) {
      reject(record, envelope, Reason.TOMBSTONE, "a null value (tombstone) on an input topic", now);
      return;
    }
    int bytes = record.value().length + (record.key() == null ? 0 : record.key().length);
    if (kind != Envelope.Kind.SNAPSHOT && bytes > limits.maxRecordBytes()) {
      // its copy into the repartition topic carries its key and value: one the producer refuses would fail the
      // stream thread's transaction, which no handler can resume (CopyableRecordSize)
      reject(record, envelope, Reason.TOO_LARGE, bytes + " bytes (key and value), more than input.max.record.bytes="
          + limits.maxRecordBytes(), now);
      return;
    }
    try {
      switch (kind) {
        case SAMPLE -> sample(record, envelope, codecs.samples().read(envelope.topic(), record.value(),
            SampleSummaryReader.INSTANCE), now);
        case BOUNDARY -> boundary(record, envelope, codecs.boundaries().deserializer()
            .deserialize(envelope.topic(), record.value()), now);
        case SNAPSHOT -> snapshot(record, envelope, codecs.snapshots().deserializer()
            .deserialize(envelope.topic(), record.value()));
        default -> throw new IllegalStateException("unexpected kind " + kind);
      }
    } catch (RecordDecodingException e) {
      context.forward(record.withKey(envelope.topic()).withValue(Decoded.reject(deadLetters.reject(envelope,
          Reason.UNDECODABLE.name(), e.getClass().getName(), e.reason() + ": " + e.getMessage(), now))));
    }
  }

  private void sample(Record<byte[], byte[]> record, Envelope envelope, SampleSummary s, long now) {
    String problem = firstProblem(Validation.checkId("modelId", s.modelId()),
        Validation.checkId("taskId", s.taskId()), Validation.checkId("sampleId", s.sampleId()));
    if (problem != null) {
      reject(record, envelope, Reason.INVALID_ID, problem, now);
      return;
    }
    if (s.featureCount() > limits.maxFeatures()) {
      deadLetters.countQuota("input.max.features");
      reject(record, envelope, Reason.TOO_LARGE, "sample " + s.sampleId() + " has " + s.featureCount()
          + " features, more than input.max.features=" + limits.maxFeatures(), now);
      return;
    }
    String features = Validation.checkFeatures(s);
    if (features != null) {
      reject(record, envelope, Reason.NON_FINITE, "sample " + s.sampleId() + ": " + features, now);
      return;
    }
    accept(record, s.modelId(), envelope, s, true);
  }

  private void boundary(Record<byte[], byte[]> record, Envelope envelope, TaskBoundary b, long now) {
    String problem = firstProblem(Validation.checkId("modelId", b.getModelId()),
        Validation.checkId("taskId", b.getTaskId()));
    if (problem != null) {
      reject(record, envelope, Reason.INVALID_ID, problem, now);
      return;
    }
    if (b.getKind() == BoundaryKind.ABORT) {
      accept(record, b.getModelId().toString(), envelope, b, true);
      return;
    }
    List<Integer> classes = b.getClasses();
    if (classes.isEmpty() || new HashSet<>(classes).size() != classes.size()) {
      reject(record, envelope, Reason.INCONSISTENT_BOUNDARY, "task " + b.getTaskId() + " " + b.getKind()
          + " announces empty or duplicate classes " + classes, now);
      return;
    }
    if (b.getKind() == BoundaryKind.END && (b.getExpectedSampleCount() == null || b.getExpectedSampleCount() < 1)) {
      reject(record, envelope, Reason.INCONSISTENT_BOUNDARY, "task " + b.getTaskId()
          + " END must announce a positive expectedSampleCount, was " + b.getExpectedSampleCount(), now);
      return;
    }
    accept(record, b.getModelId().toString(), envelope, b, true);
  }

  private void snapshot(Record<byte[], byte[]> record, Envelope envelope, ModelSnapshot s) {
    String problem = SnapshotAssembler.problem(s, limits.maxSnapshotBytes());
    if (problem != null) {
      reject(record, envelope, Reason.INVALID_SNAPSHOT, "snapshot " + s.getModelId() + "/" + s.getVersion()
          + " chunk " + s.getChunkIndex() + ": " + problem, context.currentSystemTimeMs());
      return;
    }
    if (s.getChunkIndex() != s.getChunkCount() - 1) {
      return; // an earlier chunk: the follower reads it; only the final one marks the snapshot complete
    }
    ModelSnapshot marker = ModelSnapshot.newBuilder(s).setPayload(ByteBuffer.allocate(0)).build();
    byte[] stripped = codecs.snapshots().serializer().serialize(envelope.topic(), marker);
    int copy = stripped.length + (record.key() == null ? 0 : record.key().length);
    // the marker crosses the repartition topic keyed by its model id: a copy the producer refuses would fail the
    // stream thread's transaction (CopyableRecordSize); a trainer's header is a few KiB
    String tooLarge = s.getModelId().length() > Validation.MAX_ID_CHARS
        ? "a model id of " + s.getModelId().length() + " characters, more than " + Validation.MAX_ID_CHARS
        : copy > limits.maxRecordBytes() ? "a header of " + copy + " bytes without its payload (key included), "
            + "more than input.max.record.bytes=" + limits.maxRecordBytes() : null;
    if (tooLarge != null) {
      reject(record, envelope, Reason.INVALID_SNAPSHOT, "snapshot " + s.getModelId().subSequence(0,
          Math.min(64, s.getModelId().length())) + "/" + s.getVersion() + ": " + tooLarge,
          context.currentSystemTimeMs());
      return;
    }
    accept(record, s.getModelId().toString(), new Envelope(envelope.kind(), envelope.topic(), envelope.partition(),
        envelope.offset(), envelope.seenAt(), envelope.key(), stripped), marker, false);
  }

  /**
   * Forwards a good record keyed by its model id. {@code partitioned}: a sample or boundary, which the producers'
   * contract keys by model id; it is on its model's partition already when it sits where the repartition would put
   * it: the partition its model id hashes to (the default partitioner's murmur2) among the repartition topic's.
   */
  private void accept(Record<byte[], byte[]> record, String modelId, Envelope envelope, Object parsed,
      boolean partitioned) {
    boolean home = false;
    if (partitioned && modelPartitions > 0 && envelope.partition() >= 0 && record.key() != null) {
      byte[] id = modelId.getBytes(StandardCharsets.UTF_8);
      home = Arrays.equals(record.key(), id)
          && Utils.toPositive(Utils.murmur2(id)) % modelPartitions == envelope.partition();
    }
    context.forward(record.withKey(modelId).withValue(Decoded.accept(envelope, parsed, home)));
  }

  private void reject(Record<byte[], byte[]> record, Envelope envelope, Reason reason, String message, long now) {
    context.forward(record.withKey(envelope.topic()).withValue(Decoded.reject(
        deadLetters.reject(envelope, reason, message, now))));
  }

  private static String firstProblem(String... problems) {
    for (String p : problems) {
      if (p != null) {
        return p;
      }
    }
    return null;
  }
}
