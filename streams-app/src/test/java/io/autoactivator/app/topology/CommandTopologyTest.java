package io.autoactivator.app.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
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
  void aCommandForAModelWithoutSnapshotsIsDroppedAndSaysSo() {
    f.command("new", ModelAction.PIN, 3L);
    f.command("new", ModelAction.ROLLBACK, null);
    List<DeadLetter> letters = f.deadLetters();
    assertThat(letters).extracting(DeadLetter::getReason).containsExactly("UNKNOWN_MODEL", "UNKNOWN_MODEL");
    assertThat(letters).allSatisfy(d -> assertThat(d.getMessage()).contains("the followers drop it"));
  }

  @Test
  void aVersionThisInstanceHasNotReadYetIsJudgedOnlyOnceItsFollowerHasReadPastTheCommand() {
    f.catalog.install("m", 1, CountingModel.twoClasses(0));
    f.catalog.followedUntil(1_000); // this instance's follower has read the snapshots written before t=1000

    f.command("m", ModelAction.PIN, 2L, 2_000);
    f.driver.advanceWallClockTime(Duration.ofSeconds(1));
    assertThat(f.deadLetters()).as("version 2 may have been published before the command").isEmpty();

    // it was (t=1500): the followers apply the PIN, and nobody is told otherwise
    f.catalog.published("m", 2, 1_500);
    f.catalog.install("m", 2, CountingModel.twoClasses(0));
    f.catalog.followedUntil(3_000);
    f.driver.advanceWallClockTime(Duration.ofSeconds(1));
    assertThat(f.deadLetters()).isEmpty();

    // a version no snapshot written before the command has, once the follower has read past it: dropped
    f.command("m", ModelAction.PIN, 3L, 2_500);
    assertThat(f.deadLetters()).singleElement().satisfies(d -> {
      assertThat(d.getReason()).isEqualTo("UNKNOWN_VERSION");
      assertThat(d.getMessage()).contains("the followers drop it");
    });
    // a known version published after the command: the followers drop it too
    f.command("m", ModelAction.PROMOTE, 2L, 1_200);
    assertThat(f.deadLetters()).singleElement().satisfies(d -> assertThat(d.getMessage())
        .contains("published after the command"));
    // a future version waits here until the follower has read past the command, then is reported dropped
    f.command("m", ModelAction.PIN, 9L, 5_000);
    f.driver.advanceWallClockTime(Duration.ofSeconds(1));
    assertThat(f.deadLetters()).isEmpty();
    f.catalog.followedUntil(6_000);
    f.driver.advanceWallClockTime(Duration.ofSeconds(1));
    assertThat(f.deadLetters()).extracting(DeadLetter::getReason).containsExactly("UNKNOWN_VERSION");
  }

  @Test
  void theTopologyDoesNotReadTheQueriesTopicTheServingLoopDoes() {
    String description = TopologyFactory.build(f.settings, new TopologyFactory.Collaborators(f.codecs, f.catalog,
        f.training, f.meters)).describe().toString();
    assertThat(description).contains(TopologyFixture.TOPICS.samples(), TopologyFixture.TOPICS.commands())
        .doesNotContain(TopologyFixture.TOPICS.queries());
  }
}
