package io.autoactivator.app.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** What training remembers beyond the task states, and that it forgets each entry once it is no longer news. */
class TrainingOutcomesTest {

  private final Set<String> loadedVersions = new HashSet<>();
  private final TrainingOutcomes outcomes = new TrainingOutcomes((model, version) ->
      loadedVersions.contains(model + "/" + version));

  @Test
  void aPublishedSnapshotIsOnItsWayBackUntilItsVersionIsLoadedThenForgotten() {
    outcomes.published("m", "t1", 1);
    assertThat(outcomes.onItsWayBack("m", "t1")).isTrue();
    assertThat(outcomes.onItsWayBack("m", "t2")).isFalse();

    loadedVersions.add("m/1");
    assertThat(outcomes.onItsWayBack("m", "t1")).isFalse();
    assertThat(outcomes.size()).isZero();
  }

  @Test
  void anyQuestionForgetsEveryLoadedPublicationNotOnlyTheOneAsked() {
    outcomes.published("m", "t1", 1);
    outcomes.published("other", "o1", 4);
    loadedVersions.add("m/1");
    loadedVersions.add("other/4");
    assertThat(outcomes.onItsWayBack("third", "x")).isFalse();
    assertThat(outcomes.size()).as("a committed task is never asked about again, yet it goes").isZero();
  }

  @Test
  void aFindingIsHandedOverOnceThenForgotten() {
    outcomes.unrecoverable("m", "t1", "samples of task t1 were deleted from t.samples-0");
    assertThat(outcomes.takeUnrecoverable("m", "t2")).isNull();
    assertThat(outcomes.takeUnrecoverable("m", "t1")).isEqualTo("samples of task t1 were deleted from t.samples-0");
    assertThat(outcomes.takeUnrecoverable("m", "t1")).isNull();
    assertThat(outcomes.size()).isZero();
  }

  @Test
  void submittingTheTaskAgainForgetsWhatAnEarlierAttemptFound() {
    outcomes.unrecoverable("m", "t1", "gone");
    outcomes.submitted("m", "t1");
    assertThat(outcomes.takeUnrecoverable("m", "t1")).isNull();
  }

  @Test
  void aFindingNobodyTakesIsBoundedOldestOut() {
    for (int i = 0; i <= TrainingOutcomes.MAX_ENTRIES; i++) {
      outcomes.unrecoverable("m", "t" + i, "gone " + i);
    }
    assertThat(outcomes.size()).isEqualTo(TrainingOutcomes.MAX_ENTRIES);
    assertThat(outcomes.takeUnrecoverable("m", "t0")).as("the oldest went").isNull();
    assertThat(outcomes.takeUnrecoverable("m", "t" + TrainingOutcomes.MAX_ENTRIES))
        .isEqualTo("gone " + TrainingOutcomes.MAX_ENTRIES);
  }
}
