package io.autoactivator.app.serve;

import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import io.autoactivator.app.ingest.DeadLetters;
import io.autoactivator.app.ingest.Envelope;
import io.autoactivator.app.ingest.EnvelopeSerde;
import io.autoactivator.app.ingest.Outbound;
import io.autoactivator.app.ingest.Reason;
import io.autoactivator.app.ingest.RecordCodecs;
import io.autoactivator.app.ingest.Validation;
import io.autoactivator.app.snapshot.ModelRegistry;
import io.autoactivator.app.snapshot.ModelView;
import io.autoactivator.app.topology.StoreNames;
import io.autoactivator.model.api.ClassIncrementalModel;
import io.autoactivator.model.api.Predictions;
import io.autoactivator.schemas.Prediction;
import io.autoactivator.schemas.PredictionRequest;
import io.autoactivator.schemas.PredictionStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Answers prediction requests in micro-batches: a native call per row would cost more than the product itself, so
 * requests wait in a changelogged store (nothing is lost on a crash under exactly-once) until
 * {@code servingBatchSize} are pending or {@code servingLinger} has passed (wall clock), then every group of
 * requests for the same model version is answered by ONE {@code predict} call.
 *
 * <p>Requests that cannot be answered by inference are answered at once: {@code NO_MODEL} when the model has no
 * snapshot yet (callers retry later; nothing is queued for a model that may never exist), {@code UNKNOWN_VERSION}
 * when the pinned version is not loaded here, {@code INVALID} (and a dead letter) for a wrong dimension or a
 * non-finite feature. The version that computed an answer is in the answer; with a shadow version set, the same
 * batch is also predicted by the shadow and written to the shadow topic.
 */
public final class ServingProcessor implements Processor<String, Envelope, String, Outbound> {

  private final RecordCodecs codecs;
  private final DeadLetters deadLetters;
  private final ModelRegistry registry;
  private final int batchSize;
  private final Duration linger;
  private final String predictionsTopic;
  private final String shadowTopic;
  private final PredictionFactory answers;
  private final MeterRegistry meters;
  private final Timer latency;
  private ProcessorContext<String, Outbound> context;
  private KeyValueStore<String, byte[]> pending;
  private int pendingCount;

  public ServingProcessor(RecordCodecs codecs, DeadLetters deadLetters, ModelRegistry registry, int batchSize,
      Duration linger, int topK, String predictionsTopic, String shadowTopic, MeterRegistry meters) {
    this.codecs = codecs;
    this.deadLetters = deadLetters;
    this.registry = registry;
    this.batchSize = batchSize;
    this.linger = linger;
    this.predictionsTopic = predictionsTopic;
    this.shadowTopic = shadowTopic;
    this.answers = new PredictionFactory(topK);
    this.meters = meters;
    this.latency = Timer.builder("autoactivator.prediction.latency").description("request received to answered")
        .publishPercentileHistogram().register(meters);
  }

  @Override
  public void init(ProcessorContext<String, Outbound> context) {
    this.context = context;
    this.pending = context.getStateStore(StoreNames.SERVING_BATCH);
    try (KeyValueIterator<String, byte[]> it = pending.all()) {
      while (it.hasNext()) {
        it.next();
        pendingCount++;
      }
    }
    context.schedule(linger.isZero() ? Duration.ofMillis(1) : linger, PunctuationType.WALL_CLOCK_TIME,
        this::flush);
  }

  @Override
  public void process(Record<String, Envelope> record) {
    Envelope envelope = record.value();
    long now = context.currentSystemTimeMs();
    PredictionRequest request = decode(envelope);
    ModelView view = registry.view(request.getModelId()).orElse(null);
    Long pinned = request.getPinnedVersion();
    if (pinned == null && (view == null || view.servingModel() == null)) {
      emit(request, answers.failed(request, PredictionStatus.NO_MODEL, null, "model " + request.getModelId()
          + " has no trained version yet", envelope.seenAt(), now), now);
      return;
    }
    if (pinned != null && (view == null || view.model(pinned) == null)) {
      emit(request, answers.failed(request, PredictionStatus.UNKNOWN_VERSION, pinned, "version " + pinned
          + " of model " + request.getModelId() + " is not loaded on this instance", envelope.seenAt(), now), now);
      return;
    }
    ClassIncrementalModel model = pinned != null ? view.model(pinned) : view.servingModel();
    if (invalid(envelope, request, model, now)) {
      return;
    }
    pending.put(String.format("%05d/%020d", Math.max(0, envelope.partition()), envelope.offset()),
        EnvelopeSerde.encode(envelope));
    if (++pendingCount >= batchSize) {
      flush(now);
    }
  }

  /** Answers every pending request: one predict call per model version. */
  private void flush(long now) {
    if (pendingCount == 0) {
      return;
    }
    Map<String, List<PredictionRequest>> groups = new LinkedHashMap<>();
    Map<PredictionRequest, Long> receivedAt = new IdentityHashMap<>();
    List<String> keys = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it = pending.all()) {
      while (it.hasNext()) {
        KeyValue<String, byte[]> kv = it.next();
        keys.add(kv.key);
        Envelope envelope = EnvelopeSerde.decode(kv.value);
        PredictionRequest request = decode(envelope);
        receivedAt.put(request, envelope.seenAt());
        Long pinned = request.getPinnedVersion();
        groups.computeIfAbsent(request.getModelId() + "/" + (pinned == null ? "" : pinned), k -> new ArrayList<>())
            .add(request);
      }
    }
    for (List<PredictionRequest> group : groups.values()) {
      answer(group, receivedAt, now);
    }
    keys.forEach(pending::delete);
    pendingCount = 0;
  }

  private void answer(List<PredictionRequest> group, Map<PredictionRequest, Long> receivedAt, long now) {
    PredictionRequest first = group.get(0);
    ModelView view = registry.view(first.getModelId()).orElse(null);
    long version = first.getPinnedVersion() != null ? first.getPinnedVersion() : view == null ? 0 : view.serving();
    ClassIncrementalModel model = view == null ? null : view.model(version);
    if (model == null) {
      for (PredictionRequest r : group) {
        emit(r, answers.failed(r, PredictionStatus.UNKNOWN_VERSION, version, "version " + version
            + " is no longer loaded", receivedAt.get(r), now), now);
      }
      return;
    }
    infer(group, receivedAt, model, version, predictionsTopic, now);
    if (first.getPinnedVersion() == null && view.shadow() > 0 && view.model(view.shadow()) != null) {
      infer(group, receivedAt, view.model(view.shadow()), view.shadow(), shadowTopic, now);
    }
  }

  private void infer(List<PredictionRequest> group, Map<PredictionRequest, Long> receivedAt,
      ClassIncrementalModel model, long version, String topic, long now) {
    float[][] rows = new float[group.size()][];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = Validation.toArray(group.get(i).getFeatures());
    }
    long start = System.nanoTime();
    Predictions out = model.predict(rows);
    long inferenceMicros = (System.nanoTime() - start) / 1000;
    long answeredAt = Math.max(now, context.currentSystemTimeMs());
    for (int i = 0; i < rows.length; i++) {
      PredictionRequest r = group.get(i);
      long received = receivedAt.get(r);
      long queueMicros = Math.max(0, now - received) * 1000;
      Prediction p = answers.ok(r, model, version, out, i, received, answeredAt, queueMicros, inferenceMicros);
      if (topic.equals(predictionsTopic)) {
        emit(r, p, answeredAt);
      } else {
        context.forward(new Record<>(r.getRequestId(), new Outbound(topic,
            codecs.predictions().serializer().serialize(topic, p)), answeredAt));
      }
    }
  }

  private boolean invalid(Envelope envelope, PredictionRequest request, ClassIncrementalModel model, long now) {
    String problem = Validation.checkFeatures(request.getFeatures());
    if (problem == null && request.getFeatures().size() != model.inputDimension()) {
      problem = "request has " + request.getFeatures().size() + " features, the model " + model.inputDimension();
    }
    if (problem == null) {
      return false;
    }
    context.forward(new Record<>(envelope.topic(), deadLetters.reject(envelope, Reason.INVALID_QUERY,
        "request " + request.getRequestId() + ": " + problem, now), now));
    emit(request, answers.failed(request, PredictionStatus.INVALID, null, problem, envelope.seenAt(), now), now);
    return true;
  }

  private void emit(PredictionRequest request, Prediction prediction, long now) {
    Counter.builder("autoactivator.predictions").description("answers by status")
        .tag("status", prediction.getStatus().name()).register(meters).increment();
    latency.record(Math.max(0, prediction.getAnsweredAt().toEpochMilli() - prediction.getReceivedAt().toEpochMilli()),
        TimeUnit.MILLISECONDS);
    context.forward(new Record<>(request.getRequestId(), new Outbound(predictionsTopic,
        codecs.predictions().serializer().serialize(predictionsTopic, prediction)), now));
  }

  private PredictionRequest decode(Envelope envelope) {
    return codecs.queries().deserializer().deserialize(envelope.topic(), envelope.value());
  }
}
