package io.autoactivator.app.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.autoactivator.app.kafka.StoreNames;
import io.autoactivator.schemas.DeadLetter;
import io.autoactivator.schemas.ModelAction;
import io.autoactivator.schemas.Prediction;
import io.autoactivator.schemas.PredictionStatus;

/** Serving through the real topology: statuses, versions, micro-batches, shadowing and command checks. */
class ServingTopologyTest {

  private TopologyFixture f;

  @BeforeEach
  void setUp() throws Exception {
    f = new TopologyFixture(); // batches of 4, linger 50 ms
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  @Test
  void noModelIsAnsweredAtOnce() {
    f.query("m", "q1", null, 1f, 2f);
    assertThat(f.predictions()).singleElement().satisfies(p -> {
      assertThat(p.getRequestId()).isEqualTo("q1");
      assertThat(p.getStatus()).isEqualTo(PredictionStatus.NO_MODEL);
      assertThat(p.getModelVersion()).isNull();
      assertThat(p.getPredictedLabel()).isNull();
    });
    assertThat(f.meters.timer("autoactivator.prediction.latency").count()).isEqualTo(1);
    assertThat(f.meters.counter("autoactivator.predictions", "status", "NO_MODEL").count()).isEqualTo(1);
  }

  @Test
  void fullBatchIsAnsweredByOnePredictCallCarryingTheVersion() {
    CountingModel model = CountingModel.twoClasses(0);
    f.catalog.install("m", 1, model);
    f.query("m", "q1", null, 0f, 0f);
    f.query("m", "q2", null, 5f, 5f);
    f.query("m", "q3", null, 0.1f, 0f);
    assertThat(f.predictions()).as("waiting for the batch to fill").isEmpty();
    assertThat(waitingInStore()).as("waiting requests are durable").isEqualTo(3);
    f.query("m", "q4", null, 4.8f, 5.2f);
    assertThat(waitingInStore()).as("answered requests leave the store").isZero();
    List<Prediction> out = f.predictions();
    assertThat(out).extracting(Prediction::getRequestId).containsExactly("q1", "q2", "q3", "q4");
    assertThat(out).extracting(Prediction::getPredictedLabel).containsExactly(0, 1, 0, 1);
    assertThat(out).allSatisfy(p -> {
      assertThat(p.getStatus()).isEqualTo(PredictionStatus.OK);
      assertThat(p.getModelVersion()).isEqualTo(1L);
      assertThat(p.getTopK()).hasSize(2);
      assertThat(p.getTopK().get(0).getLabel()).isEqualTo(p.getPredictedLabel());
      assertThat(p.getTopK().get(0).getScore()).isGreaterThanOrEqualTo(p.getTopK().get(1).getScore());
      assertThat(p.getFiredTaskId()).isIn("t1", null);
    });
    assertThat(model.calls.get()).isEqualTo(1);
    assertThat(model.rows.get()).isEqualTo(4);
  }

  @Test
  void lingerFlushesAPartialBatchWithOneCall() {
    CountingModel model = CountingModel.twoClasses(0);
    f.catalog.install("m", 1, model);
    f.query("m", "q1", null, 0f, 0f);
    f.query("m", "q2", null, 5f, 5f);
    assertThat(f.predictions()).isEmpty();
    f.advance(Duration.ofMillis(60));
    assertThat(f.predictions()).extracting(Prediction::getRequestId).containsExactly("q1", "q2");
    assertThat(model.calls.get()).isEqualTo(1);
  }

  @Test
  void aPartialBatchYoungerThanTheLingerKeepsFillingAcrossPunctuations() {
    CountingModel model = CountingModel.twoClasses(0);
    f.catalog.install("m", 1, model);
    f.advance(Duration.ofMillis(40));
    f.query("m", "q1", null, 0f, 0f);
    f.advance(Duration.ofMillis(15)); // punctuations are due, but q1 has waited only 15 of the 50 ms linger
    f.query("m", "q2", null, 5f, 5f);
    assertThat(f.predictions()).isEmpty();
    f.advance(Duration.ofMillis(45)); // q1 has now waited 60 ms
    assertThat(f.predictions()).extracting(Prediction::getRequestId).containsExactly("q1", "q2");
    assertThat(model.calls.get()).isEqualTo(1);
  }

  @Test
  void hotSwapPinnedVersionsAndUnknownVersion() {
    CountingModel v1 = CountingModel.twoClasses(0);
    CountingModel v2 = CountingModel.twoClasses(1);
    f.catalog.install("m", 1, v1);
    f.query("m", "a", null, 0f, 0f);
    f.advance(Duration.ofMillis(60));
    f.catalog.install("m", 2, v2);
    f.query("m", "b", null, 0f, 0f);
    f.query("m", "c", 1L, 0f, 0f);
    f.query("m", "d", 9L, 0f, 0f);
    f.advance(Duration.ofMillis(60));
    List<Prediction> out = f.predictions();
    assertThat(out).extracting(Prediction::getRequestId, Prediction::getModelVersion, Prediction::getStatus)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("a", 1L, PredictionStatus.OK),
            org.assertj.core.groups.Tuple.tuple("d", 9L, PredictionStatus.UNKNOWN_VERSION),
            org.assertj.core.groups.Tuple.tuple("b", 2L, PredictionStatus.OK),
            org.assertj.core.groups.Tuple.tuple("c", 1L, PredictionStatus.OK));
    assertThat(v2.calls.get()).isEqualTo(1);
    assertThat(v1.calls.get()).isEqualTo(2);
  }

  @Test
  void invalidQueriesAreAnsweredAndDeadLetteredWithoutDisturbingTheBatch() {
    CountingModel model = CountingModel.twoClasses(0);
    f.catalog.install("m", 1, model);
    f.query("m", "good1", null, 0f, 0f);
    f.query("m", "dim", null, 1f, 2f, 3f);
    f.query("m", "nan", null, Float.NaN, 0f);
    f.query("m", "good2", null, 5f, 5f);
    f.advance(Duration.ofMillis(60));
    List<Prediction> out = f.predictions();
    assertThat(out).extracting(Prediction::getRequestId, Prediction::getStatus).containsExactlyInAnyOrder(
        org.assertj.core.groups.Tuple.tuple("dim", PredictionStatus.INVALID),
        org.assertj.core.groups.Tuple.tuple("nan", PredictionStatus.INVALID),
        org.assertj.core.groups.Tuple.tuple("good1", PredictionStatus.OK),
        org.assertj.core.groups.Tuple.tuple("good2", PredictionStatus.OK));
    assertThat(f.deadLetters()).extracting(DeadLetter::getReason).containsExactly("INVALID_QUERY", "INVALID_QUERY");
    assertThat(model.calls.get()).isEqualTo(1);
  }

  @Test
  void shadowVersionAnswersIntoTheShadowTopic() {
    CountingModel v1 = CountingModel.twoClasses(0);
    CountingModel v2 = CountingModel.twoClasses(1);
    f.catalog.install("m", 1, v1);
    f.catalog.install("m", 2, v2);
    assertThat(f.catalog.apply("m", ModelAction.SHADOW, 1L)).isTrue();
    f.query("m", "q", null, 5f, 5f);
    f.advance(Duration.ofMillis(60));
    assertThat(f.predictions()).singleElement().satisfies(p -> assertThat(p.getModelVersion()).isEqualTo(2L));
    assertThat(f.shadowPredictions()).singleElement().satisfies(p -> {
      assertThat(p.getRequestId()).isEqualTo("q");
      assertThat(p.getModelVersion()).isEqualTo(1L);
    });
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

  private long waitingInStore() {
    long n = 0;
    try (var it = f.driver.<String, byte[]>getKeyValueStore(StoreNames.SERVING_BATCH).all()) {
      while (it.hasNext()) {
        it.next();
        n++;
      }
    }
    return n;
  }
}
