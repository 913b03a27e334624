package io.autoactivator.model.autoactivator;

/** The per-sample statistic behind the activation threshold (Eq. 11) and the paper's router (Eq. 12). */
final class Thresholds {

  private Thresholds() {
  }

  /**
   * Top-1 softmax probability of one row, minus the second-largest one when {@code alpha} is MARGIN (so its mean
   * over a task is "mean top-1 - alpha(t)" with alpha(t) = mean second-largest probability).
   */
  static double statistic(float[] probabilities, int offset, int classes, AutoActivatorConfig.Alpha alpha) {
    double first = Double.NEGATIVE_INFINITY;
    double second = 0;
    for (int k = 0; k < classes; k++) {
      double p = probabilities[offset + k];
      if (p > first) {
        second = first == Double.NEGATIVE_INFINITY ? 0 : first;
        first = p;
      } else if (p > second) {
        second = p;
      }
    }
    return alpha == AutoActivatorConfig.Alpha.MARGIN ? first - second : first;
  }
}
