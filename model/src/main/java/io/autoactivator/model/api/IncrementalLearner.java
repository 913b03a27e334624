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

  /** A stable hash of this learner's configuration, recorded in snapshot provenance. */
  String configHash();
}
