package io.autoactivator.app.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.autoactivator.app.buffer.TaskStatus;
import io.autoactivator.app.train.TrainingRequest;
import io.autoactivator.schemas.BoundaryKind;
import io.autoactivator.schemas.DeadLetter;

/** Ordering and completeness of tasks, through the real topology. */
class TaskTopologyTest {

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
  void boundariesBeforeSamplesTrainOnceAllAreIn() {
    f.start("m", "t1", 0, 1);
    f.end("m", "t1", 3, 0, 1);
    f.sample("m", "t1", "a", 0, 1f, 2f);
    f.sample("m", "t1", "b", 1, 1f, 2f);
    assertThat(f.training.requests).isEmpty();
    assertThat(f.task("m", "t1").status()).isEqualTo(TaskStatus.ENDED);
    f.sample("m", "t1", "c", 1, 1f, 2f);
    assertThat(f.training.requests).singleElement().satisfies(r -> {
      assertThat(r.modelId()).isEqualTo("m");
      assertThat(r.taskId()).isEqualTo("t1");
      assertThat(r.parentVersion()).isZero();
      assertThat(r.version()).isEqualTo(1);
      assertThat(r.expected()).isEqualTo(3);
    });
    assertThat(f.task("m", "t1").status()).isEqualTo(TaskStatus.TRAINING);
    assertThat(f.buffered("m", "t1")).isEqualTo(3);
    assertThat(f.deadLetters()).isEmpty();
  }

  @Test
  void samplesBeforeAnyBoundaryAreBufferedAndCount() {
    f.sample("m", "t1", "a", 0, 1f);
    f.sample("m", "t1", "b", 1, 1f);
    f.end("m", "t1", 2, 0, 1);
    assertThat(f.training.requests).hasSize(1);
    assertThat(f.deadLetters()).isEmpty();
  }

  @Test
  void samplesBetweenStartAndLateEnd() {
    f.start("m", "t1", 0, 1);
    f.sample("m", "t1", "a", 0, 1f);
    f.sample("m", "t1", "b", 1, 1f);
    assertThat(f.training.requests).isEmpty();
    assertThat(f.task("m", "t1").status()).isEqualTo(TaskStatus.OPEN);
    f.end("m", "t1", 2, 0, 1);
    assertThat(f.training.requests).hasSize(1);
  }

  @Test
  void tasksTrainStrictlyInEndOrderEachOnThePreviousSnapshot() {
    f.end("m", "t1", 2, 0, 1);
    f.end("m", "t2", 1, 2);
    f.sample("m", "t2", "x", 2, 1f);
    assertThat(f.task("m", "t2").status()).isEqualTo(TaskStatus.READY);
    assertThat(f.training.requests).as("t2 waits for t1").isEmpty();
    f.sample("m", "t1", "a", 0, 1f);
    f.sample("m", "t1", "b", 1, 1f);
    assertThat(f.training.requests).extracting(TrainingRequest::taskId).containsExactly("t1");

    f.committed("m", 1, "t1");
    assertThat(f.task("m", "t1").status()).isEqualTo(TaskStatus.TRAINED);
    assertThat(f.task("m", "t1").version()).isEqualTo(1);
    assertThat(f.buffered("m", "t1")).as("buffer deleted after commit").isZero();
    assertThat(f.training.requests).extracting(TrainingRequest::taskId).containsExactly("t1", "t2");
    assertThat(f.training.requests.get(1).parentVersion()).isEqualTo(1);
    assertThat(f.model("m").committedVersion()).isEqualTo(1);

    f.committed("m", 1, "t1"); // republished after a crash: ignored
    f.committed("m", 2, "t1", "t2");
    assertThat(f.model("m").queue()).isEmpty();
    assertThat(f.buffered("m", "t2")).isZero();
    assertThat(f.training.requests).hasSize(2);
  }

  @Test
  void modelsHaveIndependentSequences() {
    f.end("a", "t1", 1, 0);
    f.end("b", "t1", 1, 0);
    f.sample("b", "t1", "x", 0, 1f, 2f, 3f);
    f.sample("a", "t1", "x", 0, 1f);
    assertThat(f.training.requests).extracting(TrainingRequest::modelId).containsExactly("b", "a");
    assertThat(f.deadLetters()).isEmpty();
  }

  @Test
  void incompleteTaskIsReportedAndNeverTrainedOnPartOfItsData() {
    f.end("m", "t1", 3, 0);
    f.sample("m", "t1", "a", 0, 1f);
    f.advance(Duration.ofSeconds(15));
    assertThat(f.task("m", "t1").status()).isEqualTo(TaskStatus.INCOMPLETE);
    assertThat(f.meters.counter("autoactivator.tasks.incomplete").count()).isEqualTo(1);
    assertThat(f.training.requests).isEmpty();
    f.sample("m", "t1", "b", 0, 1f);
    f.sample("m", "t1", "c", 0, 1f);
    assertThat(f.training.requests).hasSize(1);
  }

  @Test
  void lostTrainingIsResubmittedBySweepButNotWhileInFlight() {
    f.end("m", "t1", 1, 0);
    f.sample("m", "t1", "a", 0, 1f);
    assertThat(f.training.requests).hasSize(1);
    f.training.inFlight.add("m/t1");
    f.advance(Duration.ofSeconds(5));
    assertThat(f.training.requests).hasSize(1);
    f.training.inFlight.clear(); // e.g. this instance restarted: nobody trains it any more
    f.advance(Duration.ofSeconds(5));
    assertThat(f.training.requests).hasSizeGreaterThanOrEqualTo(2)
        .allSatisfy(r -> assertThat(r.version()).isEqualTo(1));
  }

  @Test
  void bufferedSampleWithForeignLabelIsDeadLetteredWhenTheBoundaryArrives() {
    f.sample("m", "t1", "a", 0, 1f);
    f.sample("m", "t1", "bad", 7, 1f);
    f.sample("m", "t1", "b", 1, 1f);
    f.end("m", "t1", 2, 0, 1);
    List<DeadLetter> letters = f.deadLetters();
    assertThat(letters).singleElement().satisfies(d -> {
      assertThat(d.getReason()).isEqualTo("UNKNOWN_LABEL");
      assertThat(d.getSourceTopic()).isEqualTo(TopologyFixture.TOPICS.samples());
      assertThat(d.getSourceOffset()).isEqualTo(1);
    });
    assertThat(f.training.requests).hasSize(1);
    assertThat(f.buffered("m", "t1")).isEqualTo(2);
  }

  @Test
  void startThenEndWithOtherClassesIsInconsistent() {
    f.start("m", "t1", 0, 1);
    f.boundary("m", "t1", BoundaryKind.END, 1L, 0, 1, 2);
    assertThat(f.deadLetters()).extracting(DeadLetter::getReason).containsExactly("INCONSISTENT_BOUNDARY");
    f.end("m", "t1", 1, 0, 1);
    f.sample("m", "t1", "a", 0, 1f);
    assertThat(f.training.requests).hasSize(1);
  }
}
