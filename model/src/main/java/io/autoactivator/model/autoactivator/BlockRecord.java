package io.autoactivator.model.autoactivator;

/**
 * What the supervisory mechanism saw when it recruited one block (kept for tests and diagnostics, not in snapshots).
 *
 * @param task            index of the task whose unit grew
 * @param nodesAfter      nodes in the unit after the block joined
 * @param r               the balance coefficient at which the block was admissible
 * @param muL             mu_L = (1 - r) / (L + 1) with L = nodesAfter
 * @param lambda          the block's weight scale
 * @param projections     per output q, {@code <e_q, G G^+ e_q>} on the evaluation samples
 * @param residualEnergy  per output q, {@code ||e_q||^2} on the evaluation samples
 * @param xi              per output q, projections - (1 - r - mu_L) residualEnergy (all >= 0 when admissible)
 */
public record BlockRecord(int task, int nodesAfter, double r, double muL, double lambda, double[] projections,
    double[] residualEnergy, double[] xi) {

  /** Sum over outputs of xi: the recruitment criterion. */
  public double xiSum() {
    double sum = 0;
    for (double v : xi) {
      sum += v;
    }
    return sum;
  }
}
