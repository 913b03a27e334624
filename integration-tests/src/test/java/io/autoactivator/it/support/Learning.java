package io.autoactivator.it.support;

import io.autoactivator.model.api.Learners;

/** Which learner the scenarios train. */
public final class Learning {

  private Learning() {
  }

  /**
   * AutoActivator, the service's default, when the build has it (branch model-core); otherwise the analytic ridge
   * baseline with 800 random features (its default 2500 makes 58 MB snapshots), so the plumbing is still covered.
   */
  public static Deployment withDefaultLearner(Deployment deployment) {
    if (Learners.names().contains("autoactivator")) {
      return deployment.with("learner", "autoactivator");
    }
    return deployment.with("learner", "analytic").with("learner.option.features", "800");
  }
}
