package io.autoactivator.app.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.autoactivator.model.api.ClassIncrementalModel;
import io.autoactivator.model.api.Learners;
import io.autoactivator.model.api.TaskData;
import io.autoactivator.model.api.TrainingListener;
import io.autoactivator.schemas.ModelAction;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** Rollout commands on the registry: follow newest, promote, roll back, pin, unpin, shadow. */
class ModelCatalogTest {

  private static ClassIncrementalModel model() {
    return Learners.create("ncm", Map.of(), 1L).learn(null, new TaskData("t", new int[] {0, 1},
        new float[][] {{0f}, {1f}}, new int[] {0, 1}), TrainingListener.NONE);
  }

  @Test
  void rolloutCommands() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    ModelCatalog catalog = new ModelCatalog(meters);
    ClassIncrementalModel m = model();
    assertThat(catalog.apply("x", ModelAction.PROMOTE, 1L)).as("unknown model").isFalse();
    catalog.install("x", 1, m);
    catalog.install("x", 2, m);
    assertThat(catalog.servingVersion("x")).hasValue(2);
    assertThat(meters.get("autoactivator.model.version").tag("model", "x").gauge().value()).isEqualTo(2);

    assertThat(catalog.apply("x", ModelAction.ROLLBACK, null)).isTrue();
    assertThat(catalog.servingVersion("x")).hasValue(1);
    assertThat(catalog.apply("x", ModelAction.PROMOTE, null)).isTrue();
    assertThat(catalog.servingVersion("x")).hasValue(2);

    assertThat(catalog.apply("x", ModelAction.PIN, 1L)).isTrue();
    catalog.install("x", 3, m);
    assertThat(catalog.servingVersion("x")).as("pinned: new versions load but do not serve").hasValue(1);
    assertThat(catalog.knownVersions("x")).containsExactly(1L, 2L, 3L);
    assertThat(catalog.apply("x", ModelAction.UNPIN, null)).isTrue();
    assertThat(catalog.servingVersion("x")).hasValue(3);

    assertThat(catalog.apply("x", ModelAction.SHADOW, 9L)).as("unknown version").isFalse();
    assertThat(catalog.apply("x", ModelAction.SHADOW, 2L)).isTrue();
    assertThat(catalog.shadowVersion("x")).hasValue(2);
    assertThat(catalog.apply("x", ModelAction.UNSHADOW, null)).isTrue();
    assertThat(catalog.shadowVersion("x")).isEmpty();
  }
}
