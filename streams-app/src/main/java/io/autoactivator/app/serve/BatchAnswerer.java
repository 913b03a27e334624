package io.autoactivator.app.serve;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.autoactivator.app.kafka.DeadLetters;
import io.autoactivator.app.kafka.Topic;
import io.autoactivator.app.records.Outbound;
import io.autoactivator.app.records.Reason;
import io.autoactivator.app.records.Validation;
import io.autoactivator.app.snapshot.ModelRegistry;
import io.autoactivator.app.snapshot.ModelView;
import io.autoactivator.model.api.ClassIncrementalModel;
import io.autoactivator.model.api.Predictions;
import io.autoactivator.schemas.Prediction;
import io.autoactivator.schemas.PredictionStatus;
import io.autoactivator.schemas.serde.RequestRow;

/**
 * Answers one batch of requests: every request gets exactly one Prediction, computed by exactly one version, and
 * every group of requests for the same model version is answered by ONE predict call on one matrix (a native call
 * per row would cost more than the product itself). Each model's view is taken once per batch, so a hot swap
 * between two requests of a batch cannot split a group.
 *
 * <p>Requests that cannot be answered by inference are answered without it: {@code NO_MODEL} when the model has no
 * version yet, {@code UNKNOWN_VERSION} when the pinned version is not loaded here, {@code INVALID} (and a dead
 * letter) for a wrong dimension or a non-finite feature, checked once here (the row's only validation pass before
 * the model). With a shadow version set, an unpinned group is also predicted by the shadow and written to the
 * shadow topic. A failing predict call answers its group {@code INVALID} with a dead letter, never a crash.
 *
 * <p>Pure with respect to Kafka: it returns the records to write, each carrying the {@link SourceHeader} of its
 * request; the loop sends them.
 */
final class BatchAnswerer {

  private static final Logger LOG = LoggerFactory.getLogger(BatchAnswerer.class);

  /** What one request produced: its answer, maybe a shadow answer and a dead letter. */
  record Reply(PendingQuery query, List<ProducerRecord<String, byte[]>> records) {
  }

  private final ModelRegistry registry;
  private final DeadLetters deadLetters;
  private final Topic<String, Prediction> predictions;
  private final Topic<String, Prediction> shadowPredictions;
  private final PredictionFactory answers;
  private final ServingMetrics metrics;

  BatchAnswerer(ModelRegistry registry, DeadLetters deadLetters, Topic<String, Prediction> predictions,
      Topic<String, Prediction> shadowPredictions, int topK, ServingMetrics metrics) {
    this.registry = registry;
    this.deadLetters = deadLetters;
    this.predictions = predictions;
    this.shadowPredictions = shadowPredictions;
    this.answers = new PredictionFactory(topK);
    this.metrics = metrics;
  }

  /** The replies to {@code batch}, in its order. */
  List<Reply> answer(List<PendingQuery> batch) {
    long startNanos = System.nanoTime();
    long now = System.currentTimeMillis();
    // identity: a request's own hashCode would hash its whole feature list (JFR: 40 % of this thread's samples)
    Map<PendingQuery, Reply> replies = new IdentityHashMap<>();
    batch.forEach(q -> replies.put(q, new Reply(q, new ArrayList<>(2))));
    Map<String, Optional<ModelView>> views = new HashMap<>();
    Map<String, Group> groups = new LinkedHashMap<>();
    for (PendingQuery q : batch) {
      metrics.queued(startNanos - q.receivedNanos());
      RequestRow request = q.request();
      ModelView view = views.computeIfAbsent(request.modelId(), registry::view).orElse(null);
      Long pinned = request.pinnedVersion();
      Reply reply = replies.get(q);
      if (pinned == null && (view == null || view.servingModel() == null)) {
        answer(reply, answers.failed(request, PredictionStatus.NO_MODEL, null, "model " + request.modelId()
            + " has no trained version yet", q.receivedAt(), now));
        continue;
      }
      if (pinned != null && (view == null || view.model(pinned) == null)) {
        answer(reply, answers.failed(request, PredictionStatus.UNKNOWN_VERSION, pinned, "version " + pinned
            + " of model " + request.modelId() + " is not loaded on this instance", q.receivedAt(), now));
        continue;
      }
      long version = pinned != null ? pinned : view.serving();
      ClassIncrementalModel model = view.model(version);
      String problem = Validation.checkFeatures(q.row());
      if (problem == null && q.row().length != model.inputDimension()) {
        problem = "request has " + q.row().length + " features, the model " + model.inputDimension();
      }
      if (problem != null) {
        invalid(reply, problem, now);
        continue;
      }
      long shadow = pinned == null && view.shadow() > 0 && view.model(view.shadow()) != null ? view.shadow() : 0;
      groups.computeIfAbsent(request.modelId() + "/" + version,
          k -> new Group(model, version, shadow == 0 ? null : view.model(shadow), shadow)).members.add(q);
    }
    for (Group g : groups.values()) {
      infer(g, replies, now);
    }
    List<Reply> ordered = new ArrayList<>(batch.size());
    batch.forEach(q -> ordered.add(replies.get(q)));
    return ordered;
  }

  private static final class Group {
    final ClassIncrementalModel model;
    final long version;
    final ClassIncrementalModel shadow;
    final long shadowVersion;
    final List<PendingQuery> members = new ArrayList<>();

    Group(ClassIncrementalModel model, long version, ClassIncrementalModel shadow, long shadowVersion) {
      this.model = model;
      this.version = version;
      this.shadow = shadow;
      this.shadowVersion = shadowVersion;
    }
  }

  private void infer(Group g, Map<PendingQuery, Reply> replies, long now) {
    int n = g.members.size();
    int d = g.model.inputDimension();
    float[] flat = new float[n * d];
    for (int i = 0; i < n; i++) {
      System.arraycopy(g.members.get(i).row(), 0, flat, i * d, d);
    }
    INDArray x = Nd4j.create(flat, new long[] {n, d}, 'c');
    try {
      write(g, g.model, g.version, x, predictions, replies, now);
      if (g.shadow != null) {
        write(g, g.shadow, g.shadowVersion, x, shadowPredictions, replies, now);
      }
    } catch (RuntimeException e) {
      LOG.error("predict of {} rows failed on version {}", n, g.version, e);
      for (PendingQuery q : g.members) {
        Reply reply = replies.get(q);
        if (reply.records().isEmpty()) {
          invalid(reply, "inference failed: " + e, now);
        }
      }
    } finally {
      x.close();
    }
  }

  private void write(Group g, ClassIncrementalModel model, long version, INDArray x,
      Topic<String, Prediction> topic, Map<PendingQuery, Reply> replies, long now) {
    long start = System.nanoTime();
    Predictions out = model.predictChecked(x); // the rows were checked once, above
    long nanos = System.nanoTime() - start;
    metrics.inference(nanos);
    long answeredAt = Math.max(now, System.currentTimeMillis());
    for (int i = 0; i < g.members.size(); i++) {
      PendingQuery q = g.members.get(i);
      long queueMicros = Math.max(0, start - q.receivedNanos()) / 1000;
      Prediction p = answers.ok(q.request(), model, version, out, i, q.receivedAt(), answeredAt, queueMicros,
          nanos / 1000);
      if (topic == predictions) {
        answer(replies.get(q), p);
      } else {
        replies.get(q).records().add(record(q, topic.name(), q.request().requestId(), topic.serialize(p),
            answeredAt));
      }
    }
  }

  private void invalid(Reply reply, String problem, long now) {
    PendingQuery q = reply.query();
    Outbound letter = deadLetters.reject(q.envelope(), Reason.INVALID_QUERY, "request "
        + q.request().requestId() + ": " + problem, now);
    reply.records().add(record(q, letter.topic(), q.envelope().topic(), letter.value(), now));
    answer(reply, answers.failed(q.request(), PredictionStatus.INVALID, null, problem, q.receivedAt(), now));
  }

  private void answer(Reply reply, Prediction p) {
    PendingQuery q = reply.query();
    long answeredAt = p.getAnsweredAt().toEpochMilli();
    metrics.answered(p.getStatus(), answeredAt - q.receivedAt());
    reply.records().add(0, record(q, predictions.name(), q.request().requestId(), predictions.serialize(p),
        answeredAt));
  }

  static ProducerRecord<String, byte[]> record(PendingQuery q, String topic, String key, byte[] value,
      long timestamp) {
    RecordHeaders headers = new RecordHeaders();
    headers.add(SourceHeader.NAME, SourceHeader.value(q.source().partition(), q.offset()));
    return new ProducerRecord<>(topic, null, timestamp, key, value, headers);
  }
}
