package io.autoactivator.model.api;

import java.io.DataInput;
import java.io.IOException;

/** Reads back the weights that a model of one learner wrote with {@link ClassIncrementalModel#writeWeights}. */
public interface ModelCodec {

  /** The learner whose models this codec reads. */
  String learner();

  /** Reads a model; throws {@link IOException} with a clear message when the bytes are not a valid model. */
  ClassIncrementalModel readWeights(DataInput in) throws IOException;
}
