package io.autoactivator.app.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.autoactivator.app.buffer.TaskStatus;
import io.autoactivator.schemas.BoundaryKind;
import io.autoactivator.schemas.DeadLetter;
import io.autoactivator.schemas.ModelAction;

/**
 * Every kind of bad input becomes one dead letter with its reason code, is counted, and does not disturb the good
 * records around it: each test sends good, bad, good and checks both sides.
 */
class DeadLetterTopologyTest {

  private TopologyFixture f;

  @BeforeEach
  void setUp() throws Exception {
    f = new TopologyFixture();
    f.start("m", "t1", 0, 1);
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  private DeadLetter onlyLetter(String reason) {
    List<DeadLetter> letters = f.deadLetters();
    assertThat(letters).singleElement().satisfies(d -> {
      assertThat(d.getReason()).isEqualTo(reason);
      assertThat(d.getAppInstanceId()).isEqualTo("test");
      assertThat(d.getMessage()).isNotBlank();
    });
    assertThat(f.deadLetterCount(reason)).isEqualTo(1);
    return letters.get(0);
  }

  /** Good sample before and after; the task completes with exactly those two. */
  private void assertGoodSamplesStillCount() {
    f.end("m", "t1", 2, 0, 1);
    assertThat(f.training.requests).hasSize(1);
    assertThat(f.buffered("m", "t1")).isEqualTo(2);
  }

  @Test
  void undecodableBytesAreDeadLetteredWithSourceCoordinates() {
    f.sample("m", "t1", "a", 0, 1f, 2f);
    f.rawSample(new byte[] {1, 2, 3});
    f.sample("m", "t1", "b", 1, 1f, 2f);
    DeadLetter d = onlyLetter("UNDECODABLE");
    assertThat(d.getSourceTopic()).isEqualTo(TopologyFixture.TOPICS.samples());
    assertThat(d.getSourceOffset()).isEqualTo(1);
    assertThat(d.getOriginalValue().array()).containsExactly(1, 2, 3);
    assertGoodSamplesStillCount();
  }

  @Test
  void tombstone() {
    f.sample("m", "t1", "a", 0, 1f, 2f);
    f.rawSample(null);
    f.sample("m", "t1", "b", 1, 1f, 2f);
    onlyLetter("TOMBSTONE");
    assertGoodSamplesStillCount();
  }

  @Test
  void wrongDimension() {
    f.sample("m", "t1", "a", 0, 1f, 2f);
    f.sample("m", "t1", "x", 0, 1f, 2f, 3f);
    f.sample("m", "t1", "b", 1, 1f, 2f);
    onlyLetter("WRONG_DIMENSION");
    assertGoodSamplesStillCount();
  }

  @Test
  void nanAndInfinity() {
    f.sample("m", "t1", "a", 0, 1f, 2f);
    f.sample("m", "t1", "x", 0, Float.NaN, 2f);
    f.sample("m", "t1", "b", 1, 1f, 2f);
    assertThat(onlyLetter("NON_FINITE").getMessage()).isEqualTo("sample x: feature 0 is NaN");
    f.sample("m", "t1", "y", 0, 1f, Float.NEGATIVE_INFINITY);
    assertThat(f.deadLetters()).singleElement().satisfies(d -> {
      assertThat(d.getReason()).isEqualTo("NON_FINITE");
      assertThat(d.getMessage()).isEqualTo("sample y: feature 1 is -Infinity");
    });
    assertGoodSamplesStillCount();
  }

  @Test
  void emptyFeatureVector() {
    f.sample("m", "t1", "a", 0, 1f, 2f);
    f.sample("m", "t1", "x", 0);
    f.sample("m", "t1", "b", 1, 1f, 2f);
    assertThat(onlyLetter("NON_FINITE").getMessage()).isEqualTo("sample x: the feature vector is empty");
    assertGoodSamplesStillCount();
  }

  @Test
  void labelNotInTheTask() {
    f.sample("m", "t1", "a", 0, 1f, 2f);
    f.sample("m", "t1", "x", 5, 1f, 2f);
    f.sample("m", "t1", "b", 1, 1f, 2f);
    onlyLetter("UNKNOWN_LABEL");
    assertGoodSamplesStillCount();
  }

  @Test
  void duplicateSampleId() {
    f.sample("m", "t1", "a", 0, 1f, 2f);
    f.sample("m", "t1", "a", 0, 1f, 2f);
    f.sample("m", "t1", "b", 1, 1f, 2f);
    onlyLetter("DUPLICATE_SAMPLE");
    assertGoodSamplesStillCount();
  }

  @Test
  void duplicateBoundary() {
    f.sample("m", "t1", "a", 0, 1f, 2f);
    f.start("m", "t1", 0, 1);
    f.sample("m", "t1", "b", 1, 1f, 2f);
    onlyLetter("DUPLICATE_BOUNDARY");
    assertGoodSamplesStillCount();
    f.end("m", "t1", 2, 0, 1);
    assertThat(f.deadLetters()).extracting(DeadLetter::getReason).containsExactly("DUPLICATE_BOUNDARY");
  }

  @Test
  void invalidIds() {
    f.sample("m", "t1", "a", 0, 1f, 2f);
    f.sample("m", "t1", "has/slash", 0, 1f, 2f);
    f.sample("m", "t1", "b", 1, 1f, 2f);
    onlyLetter("INVALID_ID");
    assertGoodSamplesStillCount();
  }

  @Test
  void overlongIds() {
    f.sample("m", "t1", "a", 0, 1f, 2f);
    f.sample("m", "t1", "x".repeat(1025), 0, 1f, 2f);
    f.sample("m", "t1", "b", 1, 1f, 2f);
    onlyLetter("INVALID_ID");
    assertGoodSamplesStillCount();
  }

  @Test
  void endWithoutCountIsInconsistent() {
    f.sample("m", "t1", "a", 0, 1f, 2f);
    f.boundary("m", "t1", BoundaryKind.END, null, 0, 1);
    f.sample("m", "t1", "b", 1, 1f, 2f);
    onlyLetter("INCONSISTENT_BOUNDARY");
    assertGoodSamplesStillCount();
  }

  @Test
  void endAnnouncingFewerSamplesThanBuffered() {
    f.sample("m", "t1", "a", 0, 1f, 2f);
    f.sample("m", "t1", "b", 1, 1f, 2f);
    f.end("m", "t1", 1, 0, 1);
    onlyLetter("COUNT_MISMATCH");
    assertThat(f.training.requests).isEmpty();
    assertGoodSamplesStillCount(); // a corrected END still works
  }

  @Test
  void sampleBeyondTheAnnouncedCount() {
    f.sample("m", "t1", "a", 0, 1f, 2f);
    f.sample("m", "t1", "b", 1, 1f, 2f);
    f.end("m", "t1", 2, 0, 1);
    f.committed("m", 1, "t1");
    f.end("m", "t2", 1, 2);
    f.sample("m", "t2", "c", 2, 1f, 2f);
    assertThat(f.training.requests).hasSize(2);
    f.sample("m", "t2", "d", 2, 1f, 2f);
    onlyLetter("TASK_ALREADY_TRAINED");
  }

  @Test
  void sampleForATrainedTask() {
    f.sample("m", "t1", "a", 0, 1f, 2f);
    f.sample("m", "t1", "b", 1, 1f, 2f);
    f.end("m", "t1", 2, 0, 1);
    f.committed("m", 1, "t1");
    assertThat(f.task("m", "t1").status()).isEqualTo(TaskStatus.TRAINED);
    f.sample("m", "t1", "late", 0, 1f, 2f);
    DeadLetter d = onlyLetter("TASK_ALREADY_TRAINED");
    assertThat(d.getSourceTopic()).isEqualTo(TopologyFixture.TOPICS.samples());
    f.end("m", "t2", 1, 2);
    f.sample("m", "t2", "c", 2, 1f, 2f);
    assertThat(f.training.requests).hasSize(2);
  }

  @Test
  void classAnnouncedByAnEarlierTask() {
    f.sample("m", "t1", "a", 0, 1f, 2f);
    f.start("m", "t2", 1, 2);
    f.sample("m", "t1", "b", 1, 1f, 2f);
    onlyLetter("CLASS_ALREADY_LEARNED");
    assertGoodSamplesStillCount();
  }

  @Test
  void commandForUnknownModelOrVersion() {
    f.command("nope", ModelAction.PROMOTE, 1L);
    onlyLetter("UNKNOWN_MODEL");
    f.rawCommand(new byte[] {9});
    assertThat(f.deadLetters()).extracting(DeadLetter::getReason).containsExactly("UNDECODABLE");
    f.sample("m", "t1", "a", 0, 1f, 2f);
    f.sample("m", "t1", "b", 1, 1f, 2f);
    assertGoodSamplesStillCount();
  }
}
