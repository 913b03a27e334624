package io.autoactivator.app.serve;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
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

import io.autoactivator.app.ingest.Decoded;
import io.autoactivator.app.kafka.DeadLetters;
import io.autoactivator.app.kafka.RecordCodecs;
import io.autoactivator.app.kafka.StoreNames;
import io.autoactivator.app.kafka.Topic;
import io.autoactivator.app.records.Envelope;
import io.autoactivator.app.records.EnvelopeSerde;
import io.autoactivator.app.records.Outbound;
import io.autoactivator.app.records.Reason;
import io.autoactivator.app.records.Validation;
import io.autoactivator.app.snapshot.ModelRegistry;
import io.autoactivator.app.snapshot.ModelView;
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
 * requests wait until {@code servingBatchSize} are pending or {@code servingLinger} has passed (wall clock), then
 * every group of requests for the same model version is answered by ONE {@code predict} call.
 *
 * <p>A waiting request is kept twice: its original bytes in a changelogged store, so that nothing is lost on a crash
 * under exactly-once (the store is restored and the batch answered after a restart), and decoded in memory, so that
 * answering it costs no second Avro decode. The in-memory copy is rebuilt from the store when the processor starts.
 *
 * <p>Requests that cannot be answered by inference are answered at once: {@code NO_MODEL} when the model has no
 * snapshot yet (callers retry later; nothing is queued for a model that may never exist), {@code UNKNOWN_VERSION}
 * when the pinned version is not loaded here, {@code INVALID} (and a dead letter) for a wrong dimension or a
 * non-finite feature. The version that computed an answer is in the answer; with a shadow version set, the same
 * batch is also predicted by the shadow and written to the shadow topic.
 */
public final class ServingProcessor implements Processor<String, Decoded, String, Outbound> {

  /** A request waiting for its batch, with its features already copied out of Avro's boxed list. */
  private record Waiting(PredictionRequest request, float[] row, long receivedAt) {
  }

  private final RecordCodecs codecs;
  private final DeadLetters deadLetters;
  private final ModelRegistry registry;
  private final int batchSize;
  private final Duration linger;
  private final Topic<String, Prediction> predictions;
  private final Topic<String, Prediction> shadowPredictions;
  private final PredictionFactory answers;
  private final Map<PredictionStatus, Counter> answered = new EnumMap<>(PredictionStatus.class);
  private final Timer latency;
  /** The pending requests by store key, in arrival order; mirrors {@link #store}. */
  private final Map<String, Waiting> waiting = new LinkedHashMap<>();
  private ProcessorContext<String, Outbound> context;
  private KeyValueStore<String, byte[]> store;
  /** Wall-clock time the oldest pending request was queued; meaningful only while requests are waiting. */
  private long oldestPendingAt;

  public ServingProcessor(RecordCodecs codecs, DeadLetters deadLetters, ModelRegistry registry, int batchSize,
      Duration linger, int topK, Topic<String, Prediction> predictions, Topic<String, Prediction> shadowPredictions,
      MeterRegistry meters) {
    this.codecs = codecs;
    this.deadLetters = deadLetters;
    this.registry = registry;
    this.batchSize = batchSize;
    this.linger = linger;
    this.predictions = predictions;
    this.shadowPredictions = shadowPredictions;
    this.answers = new PredictionFactory(topK);
    for (PredictionStatus status : PredictionStatus.values()) {
      answered.put(status, Counter.builder("autoactivator.predictions").description("answers by status")
          .tag("status", status.name()).register(meters));
    }
    this.latency = Timer.builder("autoactivator.prediction.latency").description("request received to answered")
        .publishPercentileHistogram().register(meters);
  }

  @Override
  public void init(ProcessorContext<String, Outbound> context) {
    this.context = context;
    this.store = context.getStateStore(StoreNames.SERVING_BATCH);
    try (KeyValueIterator<String, byte[]> it = store.all()) { // requests a crashed instance had not answered
      while (it.hasNext()) {
        KeyValue<String, byte[]> kv = it.next();
        Envelope envelope = EnvelopeSerde.decode(kv.value);
        PredictionRequest request = decode(envelope);
        waiting.put(kv.key, new Waiting(request, Validation.toArray(request.getFeatures()), envelope.seenAt()));
      }
    }
    oldestPendingAt = context.currentSystemTimeMs();
    // Check twice per linger, but flush only what has waited a whole linger: a punctuator that flushed whatever was
    // pending would answer one request per predict call whenever a call takes longer than the linger (a one-row
    // ND4J call takes 7-14 ms), and the batch would never fill.
    long checkMs = Math.max(1, linger.toMillis() / 2);
    context.schedule(Duration.ofMillis(checkMs), PunctuationType.WALL_CLOCK_TIME, this::flushIfLingered);
  }

  @Override
  public void process(Record<String, Decoded> record) {
    Envelope envelope = record.value().accepted();
    long now = context.currentSystemTimeMs();
    PredictionRequest request = record.value().parsed() instanceof PredictionRequest parsed ? parsed
        : decode(envelope);
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
    float[] row = Validation.toArray(request.getFeatures());
    if (invalid(envelope, request, row, model, now)) {
      return;
    }
    String key = storeKey(envelope.partition(), envelope.offset());
    store.put(key, EnvelopeSerde.encode(envelope));
    if (waiting.isEmpty()) {
      oldestPendingAt = now;
    }
    waiting.put(key, new Waiting(request, row, envelope.seenAt()));
    if (waiting.size() >= batchSize) {
      flush(now);
    } else {
      flushIfLingered(now);
    }
  }

  /** Flushes when the oldest pending request has waited at least the linger. */
  private void flushIfLingered(long now) {
    if (!waiting.isEmpty() && now - oldestPendingAt >= linger.toMillis()) {
      flush(now);
    }
  }

  /** Answers every pending request: one predict call per model version. */
  private void flush(long now) {
    if (waiting.isEmpty()) {
      return;
    }
    Map<String, List<Waiting>> groups = new LinkedHashMap<>();
    for (Waiting w : waiting.values()) {
      Long pinned = w.request().getPinnedVersion();
      groups.computeIfAbsent(w.request().getModelId() + "/" + (pinned == null ? "" : pinned),
          k -> new ArrayList<>()).add(w);
    }
    for (List<Waiting> group : groups.values()) {
      answer(group, now);
    }
    waiting.keySet().forEach(store::delete);
    waiting.clear();
  }

  private void answer(List<Waiting> group, long now) {
    PredictionRequest first = group.get(0).request();
    ModelView view = registry.view(first.getModelId()).orElse(null);
    long version = first.getPinnedVersion() != null ? first.getPinnedVersion() : view == null ? 0 : view.serving();
    ClassIncrementalModel model = view == null ? null : view.model(version);
    if (model == null) {
      for (Waiting w : group) {
        emit(w.request(), answers.failed(w.request(), PredictionStatus.UNKNOWN_VERSION, version, "version "
            + version + " is no longer loaded", w.receivedAt(), now), now);
      }
      return;
    }
    infer(group, model, version, predictions, now);
    if (first.getPinnedVersion() == null && view.shadow() > 0 && view.model(view.shadow()) != null) {
      infer(group, view.model(view.shadow()), view.shadow(), shadowPredictions, now);
    }
  }

  private void infer(List<Waiting> group, ClassIncrementalModel model, long version, Topic<String, Prediction> topic,
      long now) {
    float[][] rows = new float[group.size()][];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = group.get(i).row();
    }
    long start = System.nanoTime();
    Predictions out = model.predict(rows);
    long inferenceMicros = (System.nanoTime() - start) / 1000;
    long answeredAt = Math.max(now, context.currentSystemTimeMs());
    for (int i = 0; i < rows.length; i++) {
      Waiting w = group.get(i);
      long queueMicros = Math.max(0, now - w.receivedAt()) * 1000;
      Prediction p = answers.ok(w.request(), model, version, out, i, w.receivedAt(), answeredAt, queueMicros,
          inferenceMicros);
      if (topic == predictions) {
        emit(w.request(), p, answeredAt);
      } else {
        context.forward(new Record<>(w.request().getRequestId(), new Outbound(topic.name(), topic.serialize(p)),
            answeredAt));
      }
    }
  }

  private boolean invalid(Envelope envelope, PredictionRequest request, float[] row, ClassIncrementalModel model,
      long now) {
    String problem = Validation.checkFeatures(row);
    if (problem == null && row.length != model.inputDimension()) {
      problem = "request has " + row.length + " features, the model " + model.inputDimension();
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
    answered.get(prediction.getStatus()).increment();
    latency.record(Math.max(0, prediction.getAnsweredAt().toEpochMilli() - prediction.getReceivedAt().toEpochMilli()),
        TimeUnit.MILLISECONDS);
    context.forward(new Record<>(request.getRequestId(), new Outbound(predictions.name(),
        predictions.serialize(prediction)), now));
  }

  /**
   * The store key of a request: partition and offset zero-padded (5 and 20 digits) so that keys sort in arrival
   * order, exactly what {@code String.format("%05d/%020d")} gives, which cost ~8 % of the stream thread when serving.
   */
  static String storeKey(int partition, long offset) {
    String p = Integer.toString(Math.max(0, partition));
    if (offset < 0) { // unknown offset: keep the format's sign handling
      return String.format("%05d/%020d", Math.max(0, partition), offset);
    }
    String o = Long.toString(offset);
    return "0".repeat(Math.max(0, 5 - p.length())) + p + '/' + "0".repeat(Math.max(0, 20 - o.length())) + o;
  }

  private PredictionRequest decode(Envelope envelope) {
    return codecs.queries().deserializer().deserialize(envelope.topic(), envelope.value());
  }
}
