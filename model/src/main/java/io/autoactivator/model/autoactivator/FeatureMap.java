package io.autoactivator.model.autoactivator;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The router's fixed random feature layer: what every sample is mapped to before the ridge readout, and what units
 * read with {@code transfer=router}. Drawn (and, for some kinds, calibrated) on the first task, then frozen: later
 * tasks only add statistics over the same features, so old classes are never re-fitted. One class per rule
 * ({@link DenseFeatureMap}: every input feature at once; {@link ConvolutionFeatureMap}: local patches of a declared
 * image shape). Immutable.
 */
sealed interface FeatureMap permits DenseFeatureMap, ConvolutionFeatureMap {

  /** Features read per sample. */
  int inputDimension();

  /** Features produced per sample. */
  int features();

  /** The features of the rows of {@code x} (n x inputDimension float), a new n x features float matrix. */
  INDArray apply(INDArray x);

  /** Values stored to serve predictions (weights, biases, calibration). */
  long parameterCount();

  /** Writes the map with a leading kind tag that {@link #read} dispatches on. */
  void write(DataOutput out) throws IOException;

  /** Reads what {@link #write} wrote, checking it against the model's input dimension. */
  static FeatureMap read(DataInput in, int inputDimension) throws IOException {
    int kind = in.readByte();
    FeatureMap map = switch (kind) {
      case DenseFeatureMap.KIND, DenseFeatureMap.KIND_WITH_ACTIVATION -> DenseFeatureMap.readBody(in, kind);
      case ConvolutionFeatureMap.KIND, ConvolutionFeatureMap.KIND_WITH_ACTIVATION ->
          ConvolutionFeatureMap.readBody(in, kind);
      default -> throw new IOException("unknown router feature map kind " + kind);
    };
    if (map.inputDimension() != inputDimension) {
      throw new IOException("the router's feature map reads " + map.inputDimension() + " features, the model has "
          + inputDimension);
    }
    return map;
  }
}
