package io.autoactivator.model.api;

import java.io.DataInput;
import java.io.IOException;

/** Reads back the weights that a model of one learner wrote with {@link ClassIncrementalModel#writeWeights}. */
public interface ModelCodec {

  /** The learner whose models this codec reads. */
  String learner();

  /**
   * Reads a model; throws {@link IOException} with a clear message when the bytes are not a valid model.
   *
   * @param header the learner's name, seed and options from the snapshot's provenance header: the weights this
   *               build writes do not repeat them, so a codec that needs them takes them from here (weights of
   *               earlier builds carry their own copy, which their codec reads as before)
   */
  ClassIncrementalModel readWeights(DataInput in, LearnerSettings header) throws IOException;
}
