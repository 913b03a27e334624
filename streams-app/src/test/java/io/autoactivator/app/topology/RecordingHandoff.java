package io.autoactivator.app.topology;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.autoactivator.app.train.TrainingHandoff;
import io.autoactivator.app.train.TrainingRequest;

/** A training hand-off that keeps the requests for the test to inspect (and to "finish" with a snapshot). */
final class RecordingHandoff implements TrainingHandoff {

  final List<TrainingRequest> requests = new ArrayList<>();
  final Set<String> inFlight = new HashSet<>();
  /** "model/task" -> why training found it can never train (its samples are gone from the log); taken once. */
  final java.util.Map<String, String> unrecoverable = new java.util.HashMap<>();

  /** When set, the next submission throws (a bug in a processor's collaborator). */
  RuntimeException failNext;

  @Override
  public void submit(TrainingRequest request) {
    RuntimeException failure = failNext;
    if (failure != null) {
      failNext = null;
      throw failure;
    }
    requests.add(request);
  }

  @Override
  public String takeUnrecoverable(String modelId, String taskId) {
    return unrecoverable.remove(modelId + "/" + taskId);
  }

  @Override
  public boolean inFlight(String modelId, String taskId) {
    return inFlight.contains(modelId + "/" + taskId);
  }
}
