package io.autoactivator.model.api;

import java.io.DataOutput;
import java.io.IOException;
import java.util.List;
import java.util.Map;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A trained, immutable class-incremental model. Learning a new task never changes an instance: it returns a new
 * one ({@link IncrementalLearner#learn}), so a serving thread can keep answering with the old version while the
 * new one trains, and a version can be swapped in with one reference assignment.
 *
 * <p>Implementations are thread-safe for {@link #predict} and hold no sample of any training task.
 */
public interface ClassIncrementalModel {

  /** The learner that produced this model, as named in {@link Learners}; also keys the snapshot codec. */
  String learner();

  /** Features per input row. */
  int inputDimension();

  /** Tasks learned so far, oldest first. */
  List<LearnedTask> tasks();

  /** All classes learned so far, in the order of {@link Predictions#classScores()} columns. */
  int[] classes();

  /** Number of stored parameters (weights, biases, heads, router statistics) - what the model costs in memory. */
  long parameterCount();

  /** Total hidden units over all tasks (0 for learners without units). */
  default int units() {
    return tasks().stream().mapToInt(LearnedTask::units).sum();
  }

  /**
   * Predicts a batch without a task id. Each row is routed on its own: no statistic of the batch is used, so the
   * answer for a row does not depend on the other rows.
   *
   * @throws InvalidTaskDataException when a row has the wrong length or a non-finite value
   */
  Predictions predict(float[][] features);

  /** As {@link #predict(float[][])}, for callers that already hold an N x inputDimension matrix. */
  Predictions predict(INDArray features);

  /**
   * As {@link #predict(INDArray)}, for rows the caller has already checked: N x {@link #inputDimension()}, float,
   * row-major, every value finite. A serving path checks each row once, where it can answer a bad row on its own,
   * so an implementation may skip its own pass over the values here (one pass instead of two, no defensive copy).
   * The default checks anyway.
   */
  default Predictions predictChecked(INDArray features) {
    return predict(features);
  }

  /**
   * Predicts with the task given (task-incremental reference, for metrics and tests): row i is answered by the unit
   * of {@code taskIndex[i]}, among that task's classes only.
   */
  Predictions predictWithTask(float[][] features, int[] taskIndex);

  /**
   * Predicts rows that are known to come from ONE task, as the paper's protocol evaluates (a statistic over a test
   * batch); this leaks the task identity, so its accuracy is reported apart from class-incremental accuracy. Models
   * without such a rule predict each row on its own.
   */
  default Predictions predictTaskBatch(float[][] rows) {
    return predict(rows);
  }

  /**
   * The settings of the learner that built this model, for its provenance (the idea of Tribuo's
   * {@code Provenancable}: the model says where it came from): {@code seed}, {@code configHash} when the model knows
   * it, and every canonical option as {@code option.<key>}; empty when the model does not know them (every learner
   * of this build reports them; a snapshot of one that does not is described with the learner's options given
   * explicitly). A snapshot's provenance header
   * records these (they win over what a caller gives), and the weights do not repeat them: the model's
   * {@link ModelCodec} reads the weights back with the header's ({@link LearnerSettings}).
   */
  default Map<String, String> learnerSettings() {
    return Map.of();
  }

  /**
   * Writes the weights, in a form the learner's {@link ModelCodec} reads back bit for bit given the settings of
   * {@link #learnerSettings()}; they start with their own layout version.
   */
  void writeWeights(DataOutput out) throws IOException;
}
