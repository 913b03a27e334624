package io.autoactivator.it.support;

import io.autoactivator.model.api.Learners;

/** Which learner the scenarios train. */
public final class Learning {

  private Learning() {
  }

  /**
   * AutoActivator, the service's default, when the build has it (branch model-core), shrunk to fit the module's
   * time budget (its defaults take ~18 s per 80-sample task on 2 cores and make 34 MB snapshots, mostly the 2500-feature router); otherwise the
   * analytic ridge baseline with 800 random features, so the plumbing is still covered.
   */
  public static Deployment withDefaultLearner(Deployment deployment) {
    if (Learners.names().contains("autoactivator")) {
      return deployment.with("learner", "autoactivator").with("learner.option.trials", "5")
          .with("learner.option.max.nodes", "100").with("learner.option.inequality.samples", "500")
          .with("learner.option.router.features", "500");
    }
    return deployment.with("learner", "analytic").with("learner.option.features", "800");
  }
}
