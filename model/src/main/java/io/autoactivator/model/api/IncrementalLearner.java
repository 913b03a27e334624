package io.autoactivator.model.api;

/**
 * Learns one task on top of a model, in the spirit of Tribuo's {@code IncrementalTrainer}: the previous model is
 * left untouched and a new immutable model is returned. The task's data is used during the call only.
 *
 * <p>Implementations are deterministic: the same configuration, seed, previous model and task data (in the same
 * order) give a model whose snapshot is byte-identical.
 */
public interface IncrementalLearner {

  /** The learner's name, as accepted by {@link Learners#create}. */
  String name();

  /**
   * Learns {@code task} on top of {@code previous}.
   *
   * @param previous the current model, or {@code null} before the first task; must come from this learner
   * @param task     the new task; its classes must all be new to {@code previous}
   * @param listener progress reports (never null: use {@link TrainingListener#NONE})
   * @throws InvalidTaskDataException when the task cannot be learned (dimension differs from the model's,
   *                                  a class is already known, ...)
   */
  ClassIncrementalModel learn(ClassIncrementalModel previous, TaskData task, TrainingListener listener);

  /**
   * Learns the task {@code source} reads, on top of {@code previous}. The default materialises the task
   * ({@link TaskSource#materialise()}) and calls {@link #learn(ClassIncrementalModel, TaskData, TrainingListener)},
   * so the model is byte-identical to learning the same rows as {@code TaskData}; a learner that streams (reads the
   * source in chunks, several passes) overrides it and bounds its memory by the dimension instead of the task.
   *
   * @throws InvalidTaskDataException as {@link #learn(ClassIncrementalModel, TaskData, TrainingListener)}, and when
   *                                  the source cannot hand over a valid task
   */
  default ClassIncrementalModel learn(ClassIncrementalModel previous, TaskSource source,
      TrainingListener listener) {
    return learn(previous, source.materialise(), listener);
  }

  /**
   * Whether {@link #learn(ClassIncrementalModel, TaskSource, TrainingListener)} would read {@code source} in chunks
   * after {@code previous} (rather than materialise it): a wrapper that prepares every row (the input transform)
   * asks, to stream too. The default: never.
   */
  default boolean streams(ClassIncrementalModel previous, TaskSource source) {
    return false;
  }

  /** A stable hash of this learner's configuration, recorded in snapshot provenance. */
  String configHash();
}
