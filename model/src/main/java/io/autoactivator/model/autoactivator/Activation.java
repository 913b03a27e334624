package io.autoactivator.model.autoactivator;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Hidden-node activation. Sigmoid is the SCN default (bounded, as the approximation theorem needs). */
public enum Activation {
  SIGMOID, TANH, RELU;

  /** Applies the activation in place and returns {@code x}. */
  INDArray applyInPlace(INDArray x) {
    return switch (this) {
      case SIGMOID -> Transforms.sigmoid(x, false);
      case TANH -> Transforms.tanh(x, false);
      case RELU -> Transforms.relu(x, false);
    };
  }
}
