package io.autoactivator.app.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.autoactivator.app.serve.CountingModel;
import io.autoactivator.app.buffer.TaskStatus;
import io.autoactivator.app.config.AppSettings;
import io.autoactivator.app.config.Limits;
import io.autoactivator.app.train.TrainingRequest;
import io.autoactivator.schemas.BoundaryKind;
import io.autoactivator.schemas.DeadLetter;
import io.autoactivator.schemas.ModelSnapshot;
import io.autoactivator.schemas.Provenance;
import io.autoactivator.schemas.TaskSummary;

/** Hostile records and stuck tasks, through the real topology: none of them wedges a model or the stream. */
class FaultTopologyTest {

  private TopologyFixture f;

  @BeforeEach
  void setUp() throws Exception {
    f = new TopologyFixture(AppSettings.defaults("test").withTopics(TopologyFixture.TOPICS)
        .withServing(4, Duration.ofMillis(50)).withIncompleteTaskTimeout(Duration.ofSeconds(10))
        .withLimits(Limits.defaults().withMaxTrainingAttempts(2).withMaxRecordBytes(4096).withMaxTaskSamples(10)));
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  private void readyTask(String task, int label) {
    f.end("m", task, 1, label);
    f.sample("m", task, task + "-a", label, 1f, 2f);
  }

  @Test
  void aForgedCommitMarkerDeletesNoTrainingData() {
    readyTask("t1", 0);
    assertThat(f.task("m", "t1").status()).isEqualTo(TaskStatus.TRAINING);

    f.forgedCommit("m", 1, "t1");
    f.advance(Duration.ofSeconds(5));

    assertThat(f.task("m", "t1").status()).as("not committed on a header's word").isEqualTo(TaskStatus.TRAINING);
    assertThat(f.buffered("m", "t1")).as("its data is kept").isEqualTo(1);
    assertThat(f.model("m").committedVersion()).isZero();
  }

  @Test
  void aLoadedVersionNamingATaskThatNeverTrainedDeletesNoneOfItsData() {
    f.end("m", "t1", 2, 0);
    f.sample("m", "t1", "a", 0, 1f, 2f); // t1 waits for its second sample
    f.committed("m", 1, "t1"); // a well-formed, unsigned parent + 1 claiming t1, loaded by the follower
    f.advance(Duration.ofSeconds(5));

    assertThat(f.task("m", "t1").status()).as("not trained on a snapshot's word").isEqualTo(TaskStatus.ENDED);
    assertThat(f.buffered("m", "t1")).as("its data is kept").isEqualTo(1);
    assertThat(f.model("m").committedVersion()).as("the loaded version is the parent").isEqualTo(1);
    f.sample("m", "t1", "b", 0, 1f, 2f);
    assertThat(f.training.requests).singleElement().satisfies(r -> {
      assertThat(r.taskId()).isEqualTo("t1");
      assertThat(r.parentVersion()).isEqualTo(1);
    });
  }

  @Test
  void aSnapshotLoadedByTheFollowerCommitsItsTaskEvenWithoutTheMarker() {
    readyTask("t1", 0);
    f.catalog.install("m", 1, CountingModel.twoClasses(0f), ModelSnapshot.newBuilder().setModelId("m")
        .setVersion(1).setParentVersion(null).setLearner("test")
        .setTasks(List.of(new io.autoactivator.schemas.TaskSummary("t1", List.of(), 1, 1L)))
        .setClasses(List.of()).setParameterCount(0).setByteSize(0).setChecksum("sha256:x")
        .setProvenance(new Provenance(42L, "h", Map.of(), "dev")).setCreatedAt(Instant.EPOCH)
        .setChunkIndex(0).setChunkCount(1).setPayload(ByteBuffer.allocate(0)).build());
    f.advance(Duration.ofSeconds(5));
    assertThat(f.task("m", "t1").status()).isEqualTo(TaskStatus.TRAINED);
    assertThat(f.buffered("m", "t1")).isZero();
  }

  @Test
  void aChunkWithImpossibleMetadataIsDeadLetteredAndLearningGoesOn() {
    ModelSnapshot forged = ModelSnapshot.newBuilder().setModelId("m").setVersion(7).setParentVersion(null)
        .setLearner("x").setTasks(List.of()).setClasses(List.of()).setParameterCount(0).setByteSize(-5)
        .setChecksum("sha256:00").setProvenance(new Provenance(1L, "h", Map.of(), "dev"))
        .setCreatedAt(Instant.EPOCH).setChunkIndex(Integer.MAX_VALUE - 1).setChunkCount(Integer.MAX_VALUE)
        .setPayload(ByteBuffer.allocate(0)).build();
    f.rawSnapshot(forged);
    assertThat(f.deadLetters()).extracting(DeadLetter::getReason).containsExactly("INVALID_SNAPSHOT");
    readyTask("t1", 0);
    assertThat(f.training.requests).hasSize(1);
  }

  @Test
  void aFinalChunkWhoseHeaderCopyCouldNotBeWrittenIsDeadLetteredNotCopied() {
    // the final chunk's header, payload stripped, crosses the repartition topic keyed by its model id: a copy the
    // producer refuses would fail the whole transaction, so a huge header or model id must stop here
    List<TaskSummary> manyTasks = new java.util.ArrayList<>();
    for (int i = 0; i < 500; i++) {
      manyTasks.add(new TaskSummary("t" + i, List.of(0), 1, 1L));
    }
    for (ModelSnapshot forged : List.of(chunk("m", manyTasks), chunk("m".repeat(1025), List.of()))) {
      f.rawSnapshot(forged);
    }
    assertThat(f.deadLetters()).extracting(DeadLetter::getReason)
        .containsExactly("INVALID_SNAPSHOT", "INVALID_SNAPSHOT");
    readyTask("t1", 0);
    assertThat(f.training.requests).hasSize(1);
  }

  private static ModelSnapshot chunk(String model, List<TaskSummary> tasks) {
    return ModelSnapshot.newBuilder().setModelId(model).setVersion(1).setParentVersion(null).setLearner("x")
        .setTasks(tasks).setClasses(List.of()).setParameterCount(0).setByteSize(0).setChecksum("sha256:00")
        .setProvenance(new Provenance(1L, "h", Map.of(), "dev")).setCreatedAt(Instant.EPOCH).setChunkIndex(0)
        .setChunkCount(1).setPayload(ByteBuffer.allocate(0)).build();
  }

  @Test
  void aRecordAboveTheSizeLimitIsDeadLetteredWithATruncatedCopy() {
    float[] big = new float[2000];
    f.sample("m", "t1", "huge", 0, big);
    DeadLetter d = f.deadLetters().get(0);
    assertThat(d.getReason()).isEqualTo("TOO_LARGE");
    assertThat(f.buffered("m", "t1")).isZero();
    readyTask("t1", 0);
    assertThat(f.training.requests).hasSize(1);
  }

  @Test
  void aTaskWhoseTrainingKeepsFailingIsQuarantinedAndTheNextTaskTrains() {
    readyTask("t1", 0);
    readyTask("t2", 1);
    assertThat(f.training.requests).extracting(TrainingRequest::taskId).containsExactly("t1");

    f.advance(Duration.ofSeconds(3)); // lost: re-submitted (attempt 2)
    f.advance(Duration.ofSeconds(3)); // lost again: quarantined
    f.advance(Duration.ofSeconds(3));

    assertThat(f.task("m", "t1").status()).isEqualTo(TaskStatus.QUARANTINED);
    assertThat(f.buffered("m", "t1")).isZero();
    assertThat(f.deadLetters()).extracting(DeadLetter::getReason).contains("TASK_QUARANTINED");
    assertThat(f.meters.find("autoactivator.tasks.quarantined").counter().count()).isEqualTo(1);
    assertThat(f.training.requests).extracting(TrainingRequest::taskId).containsSubsequence("t1", "t1", "t2");
    assertThat(f.training.requests.get(f.training.requests.size() - 1).parentVersion()).isZero();
  }

  @Test
  void anOperatorAbortUnblocksAModelWhoseHeadTaskNeverCompletes() {
    f.end("m", "t1", 5, 0); // over-announced: only one sample will ever come
    f.sample("m", "t1", "a", 0, 1f, 2f);
    readyTask("t2", 1);
    assertThat(f.training.requests).as("t2 waits behind t1").isEmpty();

    f.boundary("m", "t1", BoundaryKind.ABORT, null);

    assertThat(f.task("m", "t1").status()).isEqualTo(TaskStatus.QUARANTINED);
    assertThat(f.buffered("m", "t1")).isZero();
    assertThat(f.training.requests).extracting(TrainingRequest::taskId).containsExactly("t2");
    assertThat(f.deadLetters()).extracting(DeadLetter::getReason).containsExactly("TASK_ABORTED");
    f.start("m", "t3", 0);
    assertThat(f.deadLetters()).as("the aborted task's classes are free again").isEmpty();
  }

  @Test
  void aCorrectedEndReplacesAnOverAnnouncedCount() {
    f.end("m", "t1", 5, 0);
    f.sample("m", "t1", "a", 0, 1f, 2f);
    f.end("m", "t1", 1, 0);
    assertThat(f.deadLetters()).isEmpty();
    assertThat(f.training.requests).extracting(TrainingRequest::taskId).containsExactly("t1");
    f.end("m", "t1", 1, 0);
    assertThat(f.deadLetters()).as("once training, a third END is a duplicate")
        .extracting(DeadLetter::getReason).containsExactly("DUPLICATE_BOUNDARY");
  }

  @Test
  void aProcessorThatThrowsDeadLettersTheRecordAndTheStreamGoesOn() {
    f.training.failNext = new IllegalStateException("boom");
    f.end("m", "t1", 1, 0);
    f.sample("m", "t1", "a", 0, 1f, 2f); // completes the task: the hand-off throws
    DeadLetter d = f.deadLetters().get(0);
    assertThat(d.getReason()).isEqualTo("PROCESSING_ERROR");
    assertThat(d.getMessage()).contains("boom");
    assertThat(d.getOriginalValue().remaining()).isPositive();
    f.end("m", "t2", 1, 1);
    f.sample("m", "t2", "b", 1, 1f, 2f);
    assertThat(f.task("m", "t2").status()).as("the next records are processed").isIn(TaskStatus.READY,
        TaskStatus.TRAINING);
  }

  @Test
  void aTaskCannotGrowBeyondItsQuota() {
    f.end("m", "big", 11, 0);
    assertThat(f.deadLetters()).extracting(DeadLetter::getReason).containsExactly("TOO_LARGE");
    for (int i = 0; i < 11; i++) {
      f.sample("m", "open", "s" + i, 0, 1f, 2f);
    }
    assertThat(f.buffered("m", "open")).isEqualTo(10);
    assertThat(f.deadLetters()).extracting(DeadLetter::getReason).containsExactly("TOO_LARGE");
  }

  @Test
  void abortingAStrayFirstTaskFreesTheModelsDimension() {
    f.sample("m", "stray", "x", 0, 1f, 2f, 3f); // fixes the dimension at 3
    f.sample("m", "t1", "a", 0, 1f, 2f);
    assertThat(f.deadLetters()).extracting(DeadLetter::getReason).containsExactly("WRONG_DIMENSION");
    f.boundary("m", "stray", BoundaryKind.ABORT, null);
    f.deadLetters();
    readyTask("t1", 0);
    assertThat(f.deadLetters()).isEmpty();
    assertThat(f.training.requests).extracting(TrainingRequest::taskId).containsExactly("t1");
  }

  @Test
  void aTaskThatNeverCompletesIsGivenUpAfterTheAbandonmentTimeoutAndTheNextTaskTrains() throws Exception {
    f.close();
    f = new TopologyFixture(AppSettings.defaults("test").withTopics(TopologyFixture.TOPICS)
        .withIncompleteTaskTimeout(Duration.ofSeconds(10))
        .withLimits(Limits.defaults().withAbandonedTaskTimeoutMs(60_000)));
    f.end("m", "t1", 3, 0); // announces three samples; the third was dead-lettered upstream and never comes
    f.sample("m", "t1", "a", 0, 1f, 2f);
    f.sample("m", "t1", "b", 0, 1f, 2f);
    f.sample("m", "never-ended", "x", 2, 1f, 2f); // a task whose END never comes
    readyTask("t2", 1);
    f.advance(Duration.ofSeconds(30));
    assertThat(f.task("m", "t1").status()).as("reported, still waiting").isEqualTo(TaskStatus.INCOMPLETE);
    assertThat(f.training.requests).as("t2 waits behind t1").isEmpty();
    assertThat(f.deadLetters()).isEmpty();

    f.advance(Duration.ofSeconds(40));

    assertThat(f.task("m", "t1").status()).isEqualTo(TaskStatus.QUARANTINED);
    assertThat(f.task("m", "never-ended")).as("a task id without any boundary leaves no state").isNull();
    assertThat(f.buffered("m", "t1")).isZero();
    assertThat(f.buffered("m", "never-ended")).isZero();
    assertThat(f.model("m").bufferedBytes()).as("only t2's sample is still buffered").isPositive();
    assertThat(f.training.requests).extracting(TrainingRequest::taskId).containsExactly("t2");
    List<DeadLetter> letters = f.deadLetters();
    assertThat(letters).extracting(DeadLetter::getReason).containsExactly("TASK_ABANDONED", "TASK_ABANDONED");
    assertThat(letters).anySatisfy(d -> assertThat(d.getMessage()).contains("t1", "announced 3 samples and 2"));
    assertThat(f.meters.find("autoactivator.tasks.abandoned").counter().count()).isEqualTo(2);
    assertThat(f.meters.find("autoactivator.tasks.quarantined").counter().count()).isEqualTo(2);
    f.sample("m", "t1", "c", 0, 1f, 2f);
    assertThat(f.deadLetters()).extracting(DeadLetter::getReason).containsExactly("TASK_QUARANTINED");
  }

  @Test
  void aSampleWithMoreFeaturesThanTheLimitIsDeadLetteredAndCountedAndTheNextOneIsAccepted() throws Exception {
    f.close();
    Limits limits = new io.autoactivator.app.config.AppConfig(Map.of("bootstrap.servers", "unused:9092",
        "instance.id", "test", "input.max.features", "8")).appSettings().limits();
    f = new TopologyFixture(AppSettings.defaults("test").withTopics(TopologyFixture.TOPICS).withLimits(limits));
    f.start("m", "t1", 0);
    f.sample("m", "t1", "wide", 0, new float[9]);
    assertThat(f.deadLetters()).singleElement().satisfies(d -> {
      assertThat(d.getReason()).isEqualTo("TOO_LARGE");
      assertThat(d.getMessage()).contains("9 features, more than input.max.features=8");
    });
    assertThat(f.meters.get("autoactivator.quota.rejections").tag("quota", "input.max.features").counter()
        .count()).isEqualTo(1);
    f.sample("m", "t1", "narrow", 0, new float[8]);
    assertThat(f.deadLetters()).isEmpty();
    assertThat(f.buffered("m", "t1")).isEqualTo(1);
  }

  @Test
  void aRecordWhoseSchemaRegistryCannotBeReachedFailsTheThreadInsteadOfBeingDeadLettered() throws Exception {
    int closedPort;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    try (TopologyFixture registry = new TopologyFixture(AppSettings.defaults("test")
        .withTopics(TopologyFixture.TOPICS), 1, io.autoactivator.app.kafka.RecordCodecs.from(Map.of(
            "schema.registry.url", "http://127.0.0.1:" + closedPort)))) {
      // Confluent framing: magic byte 0, schema id 7, a body; reading it needs the registry, which is down
      byte[] framed = {0, 0, 0, 0, 7, 2, 'x'};
      assertThatThrownBy(() -> registry.rawSample(framed)).as("the record is probably fine: retried, not dropped")
          .satisfies(e -> assertThat(io.autoactivator.app.kafka.DeadLetterHandlers.registryUnavailable(e)).isTrue());
      assertThat(registry.deadLetters()).isEmpty();
    }
  }
}
