package io.autoactivator.app.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.autoactivator.app.buffer.TaskStatus;
import io.autoactivator.app.config.AppSettings;
import io.autoactivator.app.config.Limits;
import io.autoactivator.app.kafka.AcceptedSample;
import io.autoactivator.app.train.TrainingRequest;
import io.autoactivator.schemas.DeadLetter;

/**
 * The samples topic is the buffer, through the real topology: what the state keeps of a sample, which samples cross
 * the repartition topic, the quotas, and a task whose samples retention deleted.
 */
class LogBufferTopologyTest {

  private TopologyFixture f;
  private int sampleBytes;

  @BeforeEach
  void setUp() throws Exception {
    TopologyFixture probe = new TopologyFixture();
    sampleBytes = probe.sampleValue("m", "t1", "a", 0, 1f, 2f).length;
    probe.close();
    f = new TopologyFixture(AppSettings.defaults("test").withTopics(TopologyFixture.TOPICS)
        .withServing(4, Duration.ofMillis(50)).withIncompleteTaskTimeout(Duration.ofSeconds(10))
        .withLimits(Limits.defaults().withMaxTaskSamples(3).withMaxModelBufferedBytes(3L * sampleBytes + 2)));
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  @Test
  void aSampleKeyedByItsModelIdIsAcceptedWhereItIsAndOnlyWhereItLiesIsKept() {
    f.keyedSample("m", "t1", "a", 0, 1f, 2f);
    f.keyedSample("m", "t1", "b", 1, 1f, 2f);
    assertThat(f.repartitioned()).as("no copy through the repartition topic").isFalse();
    assertThat(f.accepted("m", "t1", "b")).isEqualTo(new AcceptedSample(0, 1, sampleBytes, 1));
    assertThat(f.task("m", "t1").ranges().toString()).isEqualTo("[0:0..1]");
    assertThat(f.task("m", "t1").bytes()).isEqualTo(2L * sampleBytes);
    assertThat(f.model("m").bufferedBytes()).isEqualTo(2L * sampleBytes);
    f.end("m", "t1", 2, 0, 1);
    assertThat(f.training.requests).extracting(TrainingRequest::taskId).containsExactly("t1");
  }

  @Test
  void aSampleWithAnotherKeyCrossesTheRepartitionTopicAndIsStillLocatedOnTheSamplesTopic() {
    f.keyedSample("m", "t1", "a", 0, 1f, 2f);
    f.sample("m", "t1", "b", 1, 1f, 2f);
    assertThat(f.repartitioned()).isTrue();
    assertThat(f.accepted("m", "t1", "b")).isEqualTo(new AcceptedSample(0, 1, sampleBytes, 1));
    assertThat(f.task("m", "t1").received()).isEqualTo(2);
  }

  @Test
  void aSampleKeyedByItsModelIdOnAnotherPartitionThanItsModelsIsRepartitioned() throws Exception {
    // of two partitions, "m2" hashes (murmur2, as the default partitioner) to 1 and "a" to 0; the test input is on 0
    assertThat(org.apache.kafka.common.utils.Utils.toPositive(org.apache.kafka.common.utils.Utils.murmur2(
        "m2".getBytes())) % 2).isEqualTo(1);
    assertThat(org.apache.kafka.common.utils.Utils.toPositive(org.apache.kafka.common.utils.Utils.murmur2(
        "a".getBytes())) % 2).isEqualTo(0);
    try (TopologyFixture two = new TopologyFixture(f.settings, 2)) {
      two.keyedSample("a", "t1", "x", 0, 1f, 2f);
      assertThat(two.repartitioned()).as("model a is at home on partition 0").isFalse();
      two.keyedSample("m2", "t1", "x", 0, 1f, 2f);
      assertThat(two.repartitioned()).as("model m2 lives on partition 1").isTrue();
      assertThat(two.accepted("m2", "t1", "x").offset()).as("still located on the samples"
          + " topic").isEqualTo(1);
    }
  }

  @Test
  void aModelBeyondItsBufferedBytesQuotaGetsDeadLettersUntilATaskTrains() {
    f.end("m", "t1", 2, 0);
    f.keyedSample("m", "t1", "a", 0, 1f, 2f);
    f.keyedSample("m", "t1", "b", 0, 1f, 2f);
    f.keyedSample("m", "t2", "c", 1, 1f, 2f);
    f.keyedSample("m", "t2", "d", 1, 1f, 2f);
    assertThat(f.deadLetters()).singleElement().satisfies(d -> {
      assertThat(d.getReason()).isEqualTo("TOO_LARGE");
      assertThat(d.getMessage()).contains("model.max.buffered.bytes");
      assertThat(d.getSourceOffset()).isEqualTo(3);
    });
    assertThat(f.meters.get("autoactivator.quota.rejections").tag("quota", "model.max.buffered.bytes").counter()
        .count()).isEqualTo(1);
    f.committed("m", 1, "t1");
    assertThat(f.model("m").bufferedBytes()).as("t1's bytes are free again").isEqualTo(sampleBytes);
    f.keyedSample("m", "t2", "d", 1, 1f, 2f);
    assertThat(f.deadLetters()).isEmpty();
    assertThat(f.task("m", "t2").received()).isEqualTo(2);
  }

  @Test
  void aTaskBeyondItsSampleQuotaIsCounted() {
    for (String id : new String[] {"a", "b", "c", "d"}) {
      f.keyedSample("m", "t1", id, 0, 1f);
    }
    assertThat(f.deadLetters()).extracting(DeadLetter::getReason).containsExactly("TOO_LARGE");
    assertThat(f.meters.get("autoactivator.quota.rejections").tag("quota", "task.max.samples").counter().count())
        .isEqualTo(1);
  }

  @Test
  void aTaskWhoseSamplesAreGoneIsQuarantinedWithADeadLetterAndTheNextTaskTrains() {
    f.end("m", "t1", 1, 0);
    f.keyedSample("m", "t1", "a", 0, 1f);
    f.end("m", "t2", 1, 1);
    f.keyedSample("m", "t2", "b", 1, 1f);
    assertThat(f.training.requests).extracting(TrainingRequest::taskId).containsExactly("t1");
    f.training.unrecoverable.put("m/t1", "samples of task t1 were deleted from t.samples-0");
    f.advance(Duration.ofSeconds(5));

    assertThat(f.task("m", "t1").status()).isEqualTo(TaskStatus.QUARANTINED);
    assertThat(f.deadLetters()).singleElement().satisfies(d -> {
      assertThat(d.getReason()).isEqualTo("SAMPLES_EXPIRED");
      assertThat(d.getMessage()).contains("deleted from t.samples-0", "retention.ms");
    });
    assertThat(f.meters.get("autoactivator.tasks.samples.expired").counter().count()).isEqualTo(1);
    assertThat(f.training.requests).as("never retried; the next task trains").extracting(TrainingRequest::taskId)
        .containsExactly("t1", "t2");
    assertThat(f.buffered("m", "t1")).isZero();
    assertThat(f.task("m", "t1").cause()).as("the finding is kept in the task's state")
        .isEqualTo("samples of task t1 were deleted from t.samples-0");
    assertThat(f.training.unrecoverable).as("and taken from the hand-off, which forgets it").isEmpty();
  }
}
