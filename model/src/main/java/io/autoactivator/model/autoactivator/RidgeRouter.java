package io.autoactivator.model.autoactivator;

/**
 * The ridge router's state: a fixed random feature layer ({@link FeatureMap}) and the analytic ridge classifier over
 * every class seen, plus the Gram statistics it needs to add the next task's classes (rehearsal-free: no sample is
 * kept, only Phi^T Phi and Phi^T Y). Arrays are never modified after construction.
 *
 * @param map        the frozen feature layer
 * @param gram       Phi^T Phi accumulated over all tasks, packed or factored ({@link RouterGram})
 * @param crossTerms Phi^T Y, row-major features x classes (classes in model order)
 * @param readout    (Phi^T Phi + gamma I)^-1 Phi^T Y, row-major features x classes, float for inference
 * @param relativeRidge gamma divided by the mean diagonal of Phi^T Phi (what router.ridge=auto chose last; the next
 *                   task searches its neighbours), NaN when unknown (snapshots of the first weights format)
 */
record RidgeRouter(FeatureMap map, RouterGram gram, double[] crossTerms, float[] readout,
    double relativeRidge) {

  /** The router after a solve: the readout (double, as solved) kept in float for inference. */
  static RidgeRouter solved(FeatureMap map, RouterGram gram, double[] crossTerms, double[] readout,
      double relativeRidge) {
    float[] readoutF = new float[readout.length];
    for (int i = 0; i < readout.length; i++) {
      readoutF[i] = (float) readout[i];
    }
    return new RidgeRouter(map, gram, crossTerms, readoutF, relativeRidge);
  }

  /**
   * Every task's cross terms after this one: each feature's row holds the earlier classes' columns
   * ({@code oldCross}, f x oldClasses) then this task's ({@code taskCross}, f x c), row-major.
   */
  static double[] joinCross(double[] oldCross, int oldClasses, double[] taskCross, int f, int c) {
    int classesNow = oldClasses + c;
    double[] cross = new double[f * classesNow];
    for (int i = 0; i < f; i++) {
      if (oldClasses > 0) {
        System.arraycopy(oldCross, i * oldClasses, cross, i * classesNow, oldClasses);
      }
      System.arraycopy(taskCross, i * c, cross, i * classesNow + oldClasses, c);
    }
    return cross;
  }

  int features() {
    return map.features();
  }

  int classes() {
    return readout.length / map.features();
  }

  /** What serves predictions: the feature layer and the readout. */
  long parameterCount() {
    return map.parameterCount() + readout.length;
  }

  /** What is kept only to learn later tasks: the Gram (either form) and the cross terms. */
  long learningStateSize() {
    return gram.storedValues() + crossTerms.length;
  }
}
