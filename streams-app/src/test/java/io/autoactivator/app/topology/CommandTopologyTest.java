package io.autoactivator.app.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.autoactivator.app.serve.CountingModel;
import io.autoactivator.schemas.DeadLetter;
import io.autoactivator.schemas.ModelAction;

/** Rollout commands through the real topology; queries are not its business any more. */
class CommandTopologyTest {

  private TopologyFixture f;

  @BeforeEach
  void setUp() throws Exception {
    f = new TopologyFixture();
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  @Test
  void commandsNamingKnownVersionsPassUnknownOnesAreDeadLettered() {
    f.catalog.install("m", 1, CountingModel.twoClasses(0));
    f.command("m", ModelAction.PIN, 1L);
    f.command("m", ModelAction.UNPIN, null);
    assertThat(f.deadLetters()).isEmpty();
    f.command("m", ModelAction.PROMOTE, 7L);
    assertThat(f.deadLetters()).extracting(DeadLetter::getReason).containsExactly("UNKNOWN_VERSION");
  }

  @Test
  void aCommandForAModelWithoutSnapshotsSaysWhetherTheFollowersStillApplyIt() {
    f.command("new", ModelAction.PIN, 3L);
    f.command("new", ModelAction.ROLLBACK, null);
    List<DeadLetter> letters = f.deadLetters();
    assertThat(letters).extracting(DeadLetter::getReason).containsExactly("UNKNOWN_MODEL", "UNKNOWN_MODEL");
    assertThat(letters.get(0).getMessage()).contains("the followers apply it if version 3 arrives");
    assertThat(letters.get(1).getMessage()).contains("the followers ignore it");
  }

  @Test
  void theTopologyDoesNotReadTheQueriesTopicTheServingLoopDoes() {
    String description = TopologyFactory.build(f.settings, new TopologyFactory.Collaborators(f.codecs, f.catalog,
        f.training, f.meters)).describe().toString();
    assertThat(description).contains(TopologyFixture.TOPICS.samples(), TopologyFixture.TOPICS.commands())
        .doesNotContain(TopologyFixture.TOPICS.queries());
  }
}
