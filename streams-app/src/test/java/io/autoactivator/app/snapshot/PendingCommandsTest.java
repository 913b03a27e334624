package io.autoactivator.app.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.autoactivator.model.api.ClassIncrementalModel;
import io.autoactivator.model.api.Learners;
import io.autoactivator.model.api.TaskData;
import io.autoactivator.model.api.TrainingListener;
import io.autoactivator.schemas.ModelAction;
import io.autoactivator.schemas.ModelCommand;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The serving decision is a fold over the version and command logs: a command naming a version not published before
 * it is dropped (it neither waits nor blocks a later one, and never fires when that version arrives), and two
 * instances that read the same records in different orders decide the same.
 */
class PendingCommandsTest {

  private final ClassIncrementalModel model = Learners.create("ncm", Map.of(), 1L).learn(null,
      new TaskData("t", new int[] {0, 1}, new float[][] {{0f}, {1f}}, new int[] {0, 1}), TrainingListener.NONE);

  /** One instance: its catalog and its fold. */
  private final class Instance {
    final ModelCatalog catalog = new ModelCatalog(new SimpleMeterRegistry());
    final PendingCommands commands = new PendingCommands(catalog);

    void version(String modelId, long version, long timestamp) {
      catalog.install(modelId, version, model);
      commands.versionLoaded(modelId, version, timestamp);
    }

    void command(String id, String modelId, ModelAction action, Long version, long timestamp) {
      commands.offer(ModelCommand.newBuilder().setCommandId(id).setModelId(modelId).setAction(action)
          .setTargetVersion(version).setIssuedAt(Instant.EPOCH).build(), timestamp);
    }

    long serving(String modelId) {
      return catalog.servingVersion(modelId).orElse(0);
    }
  }

  @Test
  void aCommandForAVersionNotPublishedBeforeItIsDroppedAndNeverFiresLater() {
    Instance i = new Instance();
    i.version("m", 1, 10);
    i.command("c1", "m", ModelAction.PIN, 2L, 20);
    assertThat(i.serving("m")).isEqualTo(1);

    i.version("m", 2, 30);
    i.version("m", 3, 40);

    assertThat(i.serving("m")).as("the PIN was dropped: 3 serves").isEqualTo(3);
    assertThat(i.catalog.view("m").orElseThrow().pinned()).isFalse();
  }

  @Test
  void aCommandForAVersionPublishedBeforeItAppliesHoweverLateThisInstanceReadsThatVersion() {
    Instance live = new Instance();
    live.version("m", 1, 10);
    live.version("m", 2, 20);
    live.command("pin", "m", ModelAction.PIN, 2L, 30);
    live.version("m", 3, 40);

    Instance lagging = new Instance(); // read the command topic first (as every instance does at start)
    lagging.command("pin", "m", ModelAction.PIN, 2L, 30);
    lagging.version("m", 1, 10);
    lagging.version("m", 2, 20);
    lagging.version("m", 3, 40);

    assertThat(live.serving("m")).isEqualTo(2);
    assertThat(lagging.serving("m")).isEqualTo(2);
    assertThat(lagging.catalog.view("m").orElseThrow().pinned()).isTrue();
  }

  @Test
  void aPinOfAFutureVersionNeverBlocksTheRollbackAfterIt() {
    Instance i = new Instance();
    i.version("m", 1, 10);
    i.version("m", 2, 20);
    i.command("pin", "m", ModelAction.PIN, 99L, 30);
    i.command("rollback", "m", ModelAction.ROLLBACK, null, 40);
    assertThat(i.serving("m")).as("the emergency rollback applies at once").isEqualTo(1);

    i.version("m", 99, 50);
    assertThat(i.serving("m")).as("the dropped pin does not fire when 99 arrives").isEqualTo(99);
    assertThat(i.catalog.view("m").orElseThrow().pinned()).isFalse();
  }

  @Test
  void aCommandForAVersionThatCanNeverExistDoesNotBlockTheCommandsAfterIt() {
    Instance i = new Instance();
    i.version("m", 1, 10);
    i.version("m", 3, 20);
    i.command("c1", "m", ModelAction.PIN, 2L, 30);
    i.command("c2", "m", ModelAction.ROLLBACK, null, 40);

    assertThat(i.serving("m")).as("rolled back from 3").isEqualTo(1);
  }

  @Test
  void aDroppedCommandOfOneModelChangesNothingOfAnother() {
    Instance i = new Instance();
    i.version("a", 1, 10);
    i.version("b", 1, 10);
    i.version("b", 2, 20);
    i.command("c1", "a", ModelAction.PROMOTE, 5L, 30);
    i.command("c2", "b", ModelAction.ROLLBACK, null, 30);

    assertThat(i.serving("a")).isEqualTo(1);
    assertThat(i.serving("b")).isEqualTo(1);
  }

  @Test
  void aReplayedCommandIsAppliedOnce() {
    Instance i = new Instance();
    i.version("m", 1, 10);
    i.version("m", 2, 20);
    i.version("m", 3, 30);
    i.command("c1", "m", ModelAction.ROLLBACK, null, 40);
    i.command("c1", "m", ModelAction.ROLLBACK, null, 40);
    assertThat(i.serving("m")).isEqualTo(2);
  }

  @Test
  void instancesReadingTheLogsInDifferentOrdersDecideTheSame() {
    // the log: v1@10, v2@20, ROLLBACK (no version)@30, v3@40 - an unpinned rollback, then a newer version
    Instance live = new Instance();
    live.version("m", 1, 10);
    live.version("m", 2, 20);
    live.command("rb", "m", ModelAction.ROLLBACK, null, 30);
    live.version("m", 3, 40);

    Instance lagging = new Instance(); // read the snapshot topic to its end before the command topic
    lagging.version("m", 1, 10);
    lagging.version("m", 2, 20);
    lagging.version("m", 3, 40);
    lagging.command("rb", "m", ModelAction.ROLLBACK, null, 30);

    assertThat(live.serving("m")).isEqualTo(3);
    assertThat(lagging.serving("m")).as("the rollback resolves against the versions published before it")
        .isEqualTo(live.serving("m"));

    Instance pinning = new Instance(); // PIN without a version, read before the versions
    pinning.command("pin", "m", ModelAction.PIN, null, 25);
    pinning.version("m", 3, 40);
    pinning.version("m", 1, 10);
    pinning.version("m", 2, 20);
    Instance pinningLive = new Instance();
    pinningLive.version("m", 1, 10);
    pinningLive.version("m", 2, 20);
    pinningLive.command("pin", "m", ModelAction.PIN, null, 25);
    pinningLive.version("m", 3, 40);
    assertThat(pinningLive.serving("m")).isEqualTo(2);
    assertThat(pinning.serving("m")).isEqualTo(2);
  }

  @Test
  void aLongHistoryIsFoldedIntoABoundedTimelineAndDecidesTheSame() {
    Instance i = new Instance();
    long t = 0;
    i.version("m", 1, t += 10);
    i.version("m", 2, t += 10);
    i.command("pin-2", "m", ModelAction.PIN, 2L, t += 10);
    for (int round = 0; round < 1000; round++) {
      i.command("shadow-" + round, "m", ModelAction.SHADOW, 1L, t += 10);
      i.command("unshadow-" + round, "m", ModelAction.UNSHADOW, null, t += 10);
    }
    assertThat(i.commands.events("m")).as("older events folded into a base decision")
        .isLessThanOrEqualTo(PendingCommands.MAX_EVENTS);
    assertThat(i.commands.rememberedCommandIds())
        .isLessThanOrEqualTo(PendingCommands.MAX_EVENTS + PendingCommands.MAX_FOLDED_IDS);

    i.version("m", 3, t += 10);
    assertThat(i.serving("m")).as("pinned to 2 by a command folded long ago").isEqualTo(2);

    i.command("unshadow-0", "m", ModelAction.UNPIN, null, t += 10);
    assertThat(i.serving("m")).as("a replay of a folded command id is ignored").isEqualTo(2);
    i.command("unpin", "m", ModelAction.UNPIN, null, t += 10);
    assertThat(i.serving("m")).isEqualTo(3);
  }

  @Test
  void aCommandNamingAnEvictedVersionChangesNothing() {
    ModelCatalog catalog = new ModelCatalog(new SimpleMeterRegistry(), 2);
    PendingCommands commands = new PendingCommands(catalog);
    for (long v = 1; v <= 4; v++) {
      catalog.install("m", v, model);
      commands.versionLoaded("m", v, v * 10);
    }
    assertThat(catalog.knownVersions("m")).containsExactly(3L, 4L);
    commands.offer(ModelCommand.newBuilder().setCommandId("pin-1").setModelId("m").setAction(ModelAction.PIN)
        .setTargetVersion(1L).setIssuedAt(Instant.EPOCH).build(), 50);
    assertThat(catalog.servingVersion("m")).hasValue(4);
    assertThat(catalog.view("m").orElseThrow().pinned()).as("the version serving now is not pinned instead")
        .isFalse();
    catalog.install("m", 5, model);
    commands.versionLoaded("m", 5, 60);
    assertThat(catalog.servingVersion("m")).hasValue(5);
  }
}
