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

/** Rollout commands wait for their version, in log order per model, but never forever. */
class PendingCommandsTest {

  private final ModelCatalog catalog = new ModelCatalog(new SimpleMeterRegistry());
  private final PendingCommands commands = new PendingCommands(catalog);
  private final ClassIncrementalModel model = Learners.create("ncm", Map.of(), 1L).learn(null,
      new TaskData("t", new int[] {0, 1}, new float[][] {{0f}, {1f}}, new int[] {0, 1}), TrainingListener.NONE);

  private static ModelCommand command(String id, String modelId, ModelAction action, Long version) {
    return ModelCommand.newBuilder().setCommandId(id).setModelId(modelId).setAction(action)
        .setTargetVersion(version).setIssuedAt(Instant.EPOCH).build();
  }

  @Test
  void aCommandForAVersionNotLoadedYetAppliesWhenItArrives() {
    catalog.install("m", 1, model);
    commands.offer(command("c1", "m", ModelAction.PIN, 2L));
    assertThat(catalog.servingVersion("m")).hasValue(1);

    catalog.install("m", 2, model);
    catalog.install("m", 3, model);
    commands.versionLoaded("m");

    assertThat(catalog.servingVersion("m")).as("pinned to 2 although 3 arrived").hasValue(2);
    assertThat(commands.waiting("m")).isEmpty();
  }

  @Test
  void aCommandForAVersionThatCanNeverExistDoesNotBlockTheCommandsAfterIt() {
    catalog.install("m", 1, model);
    catalog.install("m", 3, model);
    commands.offer(command("c1", "m", ModelAction.PIN, 2L));
    commands.offer(command("c2", "m", ModelAction.ROLLBACK, null));

    assertThat(commands.waiting("m")).isEmpty();
    assertThat(catalog.servingVersion("m")).as("rolled back from 3").hasValue(1);
  }

  @Test
  void aCommandWaitingForAFutureVersionHoldsBackOnlyItsOwnModel() {
    catalog.install("a", 1, model);
    catalog.install("b", 1, model);
    catalog.install("b", 2, model);
    commands.offer(command("c1", "a", ModelAction.PROMOTE, 5L));
    commands.offer(command("c2", "b", ModelAction.ROLLBACK, null));

    assertThat(commands.waiting("a")).extracting(ModelCommand::getCommandId).containsExactly("c1");
    assertThat(catalog.servingVersion("b")).hasValue(1);
  }

  @Test
  void aReplayedCommandIsAppliedOnce() {
    catalog.install("m", 1, model);
    catalog.install("m", 2, model);
    catalog.install("m", 3, model);
    ModelCommand rollback = command("c1", "m", ModelAction.ROLLBACK, null);
    commands.offer(rollback);
    commands.offer(rollback);
    assertThat(catalog.servingVersion("m")).hasValue(2);
  }
}
