package io.autoactivator.model.autoactivator;

/**
 * One task's frozen neural unit: its own hidden nodes, the closed-form head over the nodes it reads, and its
 * activation threshold (Eq. 11). Arrays are owned by the unit and never modified after construction.
 *
 * @param classes    the task's global class labels, in head column order
 * @param weights    input weights of the unit's own nodes, row-major inputDimension x nodes
 * @param biases     biases of the unit's own nodes
 * @param nodeStart  global index of the unit's first node (nodes of all units are numbered in learning order)
 * @param shared     shared router features the head reads before any node (0, or all of them with transfer=router)
 * @param readFrom   global index of the first node the head reads: 0 with transfer=units, else nodeStart
 * @param head       output weights, row-major (shared + nodeStart + nodes - readFrom) x classes: the shared
 *                   features' rows first
 * @param threshold  Eq. 11: mean over the task's training samples of the top-1 softmax probability minus alpha
 * @param mahalanobis the Mahalanobis router's statistics for this unit, or null when that router is not used
 */
record Unit(int[] classes, float[] weights, float[] biases, int nodeStart, int shared, int readFrom, float[] head,
    double threshold, MahalanobisStats mahalanobis) {

  /** Nodes recruited by this unit (0 when it reuses earlier nodes only). */
  int nodes() {
    return biases.length;
  }

  /** Nodes of the units (earlier ones' and its own) the head reads. */
  int visibleNodes() {
    return nodeStart + nodes() - readFrom;
  }

  /** Inputs the head reads: shared features, then nodes. */
  int visible() {
    return shared + visibleNodes();
  }

  long parameterCount() {
    return (long) weights.length + biases.length + head.length + 1
        + (mahalanobis == null ? 0 : mahalanobis.parameterCount());
  }

  /**
   * Class means and the shrunk shared precision over the nodes a unit reads, and the calibration of log d^2.
   *
   * @param means     row-major classes x visible
   * @param precision row-major visible x visible (inverse of the shrunk covariance)
   * @param logMean   mean of log min_c d^2 on the held-out calibration part
   * @param logStd    its standard deviation
   */
  record MahalanobisStats(float[] means, float[] precision, double logMean, double logStd) {
    long parameterCount() {
      return (long) means.length + precision.length + 2;
    }
  }
}
