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

  @Test
  void onlyTheNewestRetainedVersionsAndTheServingOnesStayInMemory() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    ModelCatalog catalog = new ModelCatalog(meters, 2);
    ClassIncrementalModel m = model();
    catalog.install("x", 1, m, header("x", 1));
    catalog.install("x", 2, m, header("x", 2));
    assertThat(catalog.apply("x", ModelAction.PIN, 1L)).isTrue();
    for (long v = 3; v <= 6; v++) {
      catalog.published("x", v, v * 10);
      catalog.install("x", v, m, header("x", v));
    }
    assertThat(catalog.knownVersions("x")).as("newest two, and the pinned one").containsExactly(1L, 5L, 6L);
    assertThat(catalog.publishedAt("x", 3)).as("its snapshot's timestamp goes with it").isEmpty();
    assertThat(catalog.publishedAt("x", 5)).hasValue(50);
    assertThat(catalog.servingVersion("x")).hasValue(1);
    assertThat(catalog.model("x", 3)).isEmpty();
    assertThat(catalog.header("x", 3)).as("metadata goes with its model").isEmpty();
    assertThat(catalog.header("x", 5)).isPresent();
    assertThat(catalog.loaded("x", 3)).as("evicted, but known to have been loaded").isTrue();
    assertThat(catalog.loaded("x", 7)).isFalse();
    assertThat(meters.get("autoactivator.model.versions.evicted").counter().count()).isEqualTo(3);

    assertThat(catalog.apply("x", ModelAction.UNPIN, null)).isTrue();
    assertThat(catalog.knownVersions("x")).as("version 1 no longer serves").containsExactly(5L, 6L);
    assertThat(catalog.apply("x", ModelAction.PROMOTE, 2L)).as("an evicted version cannot serve").isFalse();
    assertThat(catalog.servingVersion("x")).hasValue(6);
    assertThat(catalog.loaded("x", 1)).isTrue();
  }

  @Test
  void evictedVersionsAreRememberedAsRanges() {
    VersionRanges ranges = new VersionRanges();
    for (long v = 1; v <= 1000; v++) {
      if (v != 500) {
        ranges.add(v);
      }
    }
    assertThat(ranges.ranges()).isEqualTo(2);
    assertThat(ranges.contains(499)).isTrue();
    assertThat(ranges.contains(500)).isFalse();
    assertThat(ranges.contains(1001)).isFalse();
    ranges.add(500);
    assertThat(ranges.ranges()).isEqualTo(1);
    assertThat(ranges.contains(500)).isTrue();
    assertThat(ranges.contains(0)).isFalse();
  }

  private static io.autoactivator.schemas.ModelSnapshot header(String model, long version) {
    return io.autoactivator.schemas.ModelSnapshot.newBuilder().setModelId(model).setVersion(version)
        .setParentVersion(version == 1 ? null : version - 1).setLearner("ncm").setTasks(java.util.List.of())
        .setClasses(java.util.List.of(0)).setParameterCount(0).setByteSize(0).setChecksum("sha256:" + version)
        .setProvenance(new io.autoactivator.schemas.Provenance(1L, "h", Map.of(), "dev"))
        .setCreatedAt(java.time.Instant.EPOCH).setChunkIndex(0).setChunkCount(1)
        .setPayload(java.nio.ByteBuffer.allocate(0)).build();
  }
}
