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
