package io.autoactivator.app.serve;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.autoactivator.model.api.ClassIncrementalModel;
import io.autoactivator.model.api.Predictions;
import io.autoactivator.schemas.LabelScore;
import io.autoactivator.schemas.Prediction;
import io.autoactivator.schemas.PredictionStatus;
import io.autoactivator.schemas.serde.RequestRow;

/** Builds {@code Prediction} records: one answer per request, carrying the version that computed it. */
final class PredictionFactory {

  private final int topK;

  PredictionFactory(int topK) {
    this.topK = topK;
  }

  /** An OK answer from row {@code row} of a batch predicted by {@code model}. */
  Prediction ok(RequestRow request, ClassIncrementalModel model, long version, Predictions out, int row,
      long receivedAt, long answeredAt, long queueMicros, long inferenceMicros) {
    int fired = out.firedTask()[row];
    return Prediction.newBuilder()
        .setRequestId(request.requestId())
        .setModelId(request.modelId())
        .setPredictedLabel(out.labels()[row])
        .setTopK(topK(model.classes(), out.classScores()[row]))
        .setFiredTaskId(fired >= 0 && fired < model.tasks().size() ? model.tasks().get(fired).taskId() : null)
        .setModelVersion(version)
        .setStatus(PredictionStatus.OK)
        .setReceivedAt(Instant.ofEpochMilli(receivedAt))
        .setAnsweredAt(Instant.ofEpochMilli(answeredAt))
        .setQueueMicros(queueMicros)
        .setInferenceMicros(inferenceMicros)
        .build();
  }

  /** An answer without inference: NO_MODEL, INVALID or UNKNOWN_VERSION. */
  Prediction failed(RequestRow request, PredictionStatus status, Long version, String message,
      long receivedAt, long answeredAt) {
    return Prediction.newBuilder()
        .setRequestId(request.requestId())
        .setModelId(request.modelId())
        .setModelVersion(version)
        .setStatus(status)
        .setErrorMessage(message)
        .setReceivedAt(Instant.ofEpochMilli(receivedAt))
        .setAnsweredAt(Instant.ofEpochMilli(answeredAt))
        .setQueueMicros(Math.max(0, answeredAt - receivedAt) * 1000)
        .setInferenceMicros(0)
        .build();
  }

  private List<LabelScore> topK(int[] classes, float[] scores) {
    int k = Math.min(topK, scores.length);
    boolean[] taken = new boolean[scores.length];
    List<LabelScore> best = new ArrayList<>(k);
    for (int n = 0; n < k; n++) {
      int arg = -1;
      for (int i = 0; i < scores.length; i++) {
        if (!taken[i] && (arg < 0 || scores[i] > scores[arg])) {
          arg = i;
        }
      }
      taken[arg] = true;
      best.add(new LabelScore(classes[arg], scores[arg]));
    }
    return best;
  }
}
