package io.autoactivator.model.learners;

import io.autoactivator.model.api.LearnerProvider;
import io.autoactivator.model.api.Learners;
import io.autoactivator.model.autoactivator.AutoActivatorProvider;
import io.autoactivator.model.baselines.Baselines;
import io.autoactivator.model.transform.TransformingProvider;
import java.util.ArrayList;
import java.util.List;

/**
 * The learners of this build: AutoActivator (the default, first) and the baselines. Found by {@link Learners}
 * through {@code META-INF/services}, so the catalogue in {@code api} names no implementation and the learner
 * packages may depend on {@code api} without a cycle.
 */
public final class BuiltInLearners implements Learners.Catalogue {

  @Override
  public List<LearnerProvider> providers() {
    List<LearnerProvider> providers = new ArrayList<>();
    providers.add(AutoActivatorProvider.standard());
    providers.add(AutoActivatorProvider.paper());
    providers.addAll(Baselines.providers());
    // Every learner sits behind the model's own input transform, the same way, in the bench and in the service.
    return providers.stream().map(TransformingProvider::wrap).toList();
  }
}
