package io.autoactivator.model.transform;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

import io.autoactivator.model.api.ClassIncrementalModel;
import io.autoactivator.model.api.IncrementalLearner;
import io.autoactivator.model.api.InvalidTaskDataException;
import io.autoactivator.model.api.TaskData;
import io.autoactivator.model.api.TaskSource;
import io.autoactivator.model.api.TrainingListener;

/**
 * Puts a learner behind the model's own input transform: the first task fits an {@link InputTransform} on its
 * training rows, later tasks reuse the frozen one, and the inner learner only ever sees transformed rows. Every
 * learner of the catalogue is wrapped the same way, so the bench and the service normalise identically.
 */
public final class TransformingLearner implements IncrementalLearner {

  private final IncrementalLearner inner;
  private final InputTransform.Mode mode;

  public TransformingLearner(IncrementalLearner inner, InputTransform.Mode mode) {
    this.inner = Objects.requireNonNull(inner, "inner");
    this.mode = Objects.requireNonNull(mode, "mode");
  }

  /** The learner behind the transform. */
  public IncrementalLearner inner() {
    return inner;
  }

  public InputTransform.Mode mode() {
    return mode;
  }

  @Override
  public String name() {
    return inner.name();
  }

  @Override
  public ClassIncrementalModel learn(ClassIncrementalModel previous, TaskData task, TrainingListener listener) {
    Objects.requireNonNull(task, "task");
    InputTransform transform;
    ClassIncrementalModel innerPrevious;
    if (previous == null) {
      transform = InputTransform.fit(task.features(), mode);
      innerPrevious = null;
    } else if (previous instanceof TransformedModel t) {
      transform = t.transform();
      innerPrevious = t.inner();
    } else {
      throw new InvalidTaskDataException("the previous model of learner '" + previous.learner() + "' carries no input"
          + " transform; it was written by an older build: start a new sequence");
    }
    if (task.dimension() != transform.dimension()) {
      throw new InvalidTaskDataException("task " + task.taskId() + " has " + task.dimension()
          + " features per sample, the model expects " + transform.dimension());
    }
    TaskData transformed = new TaskData(task.taskId(), task.classes(), transform.apply(task.features()),
        task.labels());
    return new TransformedModel(transform, inner.learn(innerPrevious, transformed, listener));
  }

  /**
   * Learns the task {@code source} reads: materialised, exactly as {@link #learn(ClassIncrementalModel, TaskData,
   * TrainingListener)}, unless the inner learner streams it; then the first task's transform is fitted on a pass
   * over the source ({@link InputTransform#fit(TaskSource, InputTransform.Mode)}) and the inner learner reads every
   * chunk transformed as it is read ({@link TransformedSource}), never the whole task.
   */
  @Override
  public ClassIncrementalModel learn(ClassIncrementalModel previous, TaskSource source, TrainingListener listener) {
    Objects.requireNonNull(source, "source");
    if (!streams(previous, source)) {
      return learn(previous, source.materialise(), listener);
    }
    InputTransform transform = previous == null ? InputTransform.fit(source, mode)
        : ((TransformedModel) previous).transform();
    if (source.dimension() != transform.dimension()) {
      throw new InvalidTaskDataException("task " + source.taskId() + " has " + source.dimension()
          + " features per sample, the model expects " + transform.dimension());
    }
    return new TransformedModel(transform, inner.learn(innerPrevious(previous), new TransformedSource(source,
        transform), listener));
  }

  @Override
  public boolean streams(ClassIncrementalModel previous, TaskSource source) {
    return (previous == null || previous instanceof TransformedModel) && inner.streams(innerPrevious(previous),
        source);
  }

  private static ClassIncrementalModel innerPrevious(ClassIncrementalModel previous) {
    return previous instanceof TransformedModel t ? t.inner() : null;
  }

  @Override
  public String configHash() {
    // The default mode keeps the inner learner's hash, so provenance built from the inner configuration agrees.
    return mode == InputTransform.Mode.AUTO ? inner.configHash() : sha256(inner.configHash() + "\n"
        + TransformingProvider.OPTION + "=" + mode.option());
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
