package io.autoactivator.app.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Test;

import io.autoactivator.app.kafka.DeadLetters;
import io.autoactivator.app.kafka.RecordCodecs;
import io.autoactivator.app.kafka.Topic;
import io.autoactivator.app.records.Envelope;
import io.autoactivator.app.snapshot.ModelCatalog;
import io.autoactivator.schemas.DeadLetter;
import io.autoactivator.schemas.ModelAction;
import io.autoactivator.schemas.Prediction;
import io.autoactivator.schemas.PredictionRequest;
import io.autoactivator.schemas.PredictionStatus;
import io.autoactivator.schemas.serde.RequestRow;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * One batch of the serving loop: statuses, versions, one predict call per version, hostile rows, shadowing; every
 * record written carries the query it answers.
 */
class BatchAnswererTest {

  private final RecordCodecs codecs = RecordCodecs.singleObject();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final ModelCatalog catalog = new ModelCatalog(meters);
  private final Topic<String, Prediction> predictions = new Topic<>("predictions", Serdes.String(),
      codecs.predictions());
  private final Topic<String, Prediction> shadow = new Topic<>("shadow", Serdes.String(), codecs.predictions());
  private final BatchAnswerer answerer = new BatchAnswerer(catalog, new DeadLetters("test",
      new Topic<>("dead-letters", Serdes.String(), codecs.deadLetters()), meters), predictions, shadow, 2,
      new ServingMetrics(meters, () -> 0, () -> 0));
  private final List<PendingQuery> batch = new ArrayList<>();
  private long offset;

  @Test
  void noModelIsAnsweredWithoutInference() {
    add("m", "q1", null, 1f, 2f);
    assertThat(answers()).singleElement().satisfies(p -> {
      assertThat(p.getRequestId()).isEqualTo("q1");
      assertThat(p.getStatus()).isEqualTo(PredictionStatus.NO_MODEL);
      assertThat(p.getModelVersion()).isNull();
      assertThat(p.getPredictedLabel()).isNull();
    });
    assertThat(meters.timer("autoactivator.prediction.latency").count()).isEqualTo(1);
    assertThat(meters.counter("autoactivator.predictions", "status", "NO_MODEL").count()).isEqualTo(1);
  }

  @Test
  void aBatchIsAnsweredByOnePredictCallCarryingTheVersionAndTheReadTime() {
    CountingModel model = CountingModel.twoClasses(0);
    catalog.install("m", 1, model);
    add("m", "q1", null, 0f, 0f);
    add("m", "q2", null, 5f, 5f);
    add("m", "q3", null, 0.1f, 0f);
    add("m", "q4", null, 4.8f, 5.2f);
    List<Prediction> out = answers();
    assertThat(out).extracting(Prediction::getRequestId).containsExactly("q1", "q2", "q3", "q4");
    assertThat(out).extracting(Prediction::getPredictedLabel).containsExactly(0, 1, 0, 1);
    assertThat(out).allSatisfy(p -> {
      assertThat(p.getStatus()).isEqualTo(PredictionStatus.OK);
      assertThat(p.getModelVersion()).isEqualTo(1L);
      assertThat(p.getTopK()).hasSize(2);
      assertThat(p.getTopK().get(0).getLabel()).isEqualTo(p.getPredictedLabel());
      assertThat(p.getReceivedAt().toEpochMilli()).as("stamped when read from Kafka").isEqualTo(1_000L);
    });
    assertThat(model.calls.get()).isEqualTo(1);
    assertThat(model.rows.get()).isEqualTo(4);
    assertThat(meters.summary("autoactivator.serving.batch.size").count()).isZero(); // the loop records batches
    assertThat(meters.timer("autoactivator.serving.inference.time").count()).isEqualTo(1);
    assertThat(meters.timer("autoactivator.serving.queue.time").count()).isEqualTo(4);
  }

  @Test
  void pinnedVersionsGroupByVersionAndAnUnknownVersionIsAnswered() {
    CountingModel v1 = CountingModel.twoClasses(0);
    CountingModel v2 = CountingModel.twoClasses(1);
    catalog.install("m", 1, v1);
    catalog.install("m", 2, v2);
    add("m", "b", null, 0f, 0f);
    add("m", "c", 1L, 0f, 0f);
    add("m", "d", 9L, 0f, 0f);
    add("m", "e", null, 5f, 5f);
    assertThat(answers()).extracting(Prediction::getRequestId, Prediction::getModelVersion, Prediction::getStatus)
        .containsExactly(tuple("b", 2L, PredictionStatus.OK), tuple("c", 1L, PredictionStatus.OK),
            tuple("d", 9L, PredictionStatus.UNKNOWN_VERSION), tuple("e", 2L, PredictionStatus.OK));
    assertThat(v2.calls.get()).as("b and e in one call").isEqualTo(1);
    assertThat(v1.calls.get()).isEqualTo(1);
  }

  @Test
  void aRollbackBetweenTwoBatchesAnswersTheNextOneWithTheOlderVersion() {
    catalog.install("m", 1, CountingModel.twoClasses(0));
    catalog.install("m", 2, CountingModel.twoClasses(1));
    add("m", "before", null, 0f, 0f);
    assertThat(answers()).extracting(Prediction::getModelVersion).containsExactly(2L);
    assertThat(catalog.apply("m", ModelAction.ROLLBACK, 1L)).isTrue();
    add("m", "after", null, 0f, 0f);
    assertThat(answers()).extracting(Prediction::getModelVersion).containsExactly(1L);
  }

  @Test
  void invalidRowsAreAnsweredAndDeadLetteredWithoutDisturbingTheBatch() {
    CountingModel model = CountingModel.twoClasses(0);
    catalog.install("m", 1, model);
    add("m", "good1", null, 0f, 0f);
    add("m", "dim", null, 1f, 2f, 3f);
    add("m", "nan", null, Float.NaN, 0f);
    add("m", "good2", null, 5f, 5f);
    List<BatchAnswerer.Reply> replies = answerer.answer(batch);
    assertThat(predictionsOf(replies)).extracting(Prediction::getRequestId, Prediction::getStatus).containsExactly(
        tuple("good1", PredictionStatus.OK), tuple("dim", PredictionStatus.INVALID),
        tuple("nan", PredictionStatus.INVALID), tuple("good2", PredictionStatus.OK));
    List<DeadLetter> letters = replies.stream().flatMap(r -> r.records().stream())
        .filter(r -> r.topic().equals("dead-letters"))
        .map(r -> codecs.deadLetters().deserializer().deserialize("dead-letters", r.value())).toList();
    assertThat(letters).extracting(DeadLetter::getReason).containsExactly("INVALID_QUERY", "INVALID_QUERY");
    assertThat(letters).extracting(DeadLetter::getSourceOffset).containsExactly(1L, 2L);
    assertThat(model.calls.get()).isEqualTo(1);
  }

  @Test
  void theShadowVersionAnswersTheSameBatchIntoTheShadowTopic() {
    catalog.install("m", 1, CountingModel.twoClasses(0));
    catalog.install("m", 2, CountingModel.twoClasses(1));
    assertThat(catalog.apply("m", ModelAction.SHADOW, 1L)).isTrue();
    add("m", "q", null, 5f, 5f);
    List<BatchAnswerer.Reply> replies = answerer.answer(batch);
    assertThat(predictionsOf(replies)).singleElement()
        .satisfies(p -> assertThat(p.getModelVersion()).isEqualTo(2L));
    assertThat(replies.get(0).records()).extracting(ProducerRecord::topic).containsExactly("predictions", "shadow");
    Prediction shadowAnswer = codecs.predictions().deserializer().deserialize("shadow",
        replies.get(0).records().get(1).value());
    assertThat(shadowAnswer.getRequestId()).isEqualTo("q");
    assertThat(shadowAnswer.getModelVersion()).isEqualTo(1L);
  }

  @Test
  void everyRecordNamesTheQueryItAnswers() {
    catalog.install("m", 1, CountingModel.twoClasses(0));
    add("m", "q0", null, 0f, 0f);
    add("m", "q1", null, Float.NaN, 0f);
    List<BatchAnswerer.Reply> replies = answerer.answer(batch);
    assertThat(replies.get(0).records()).singleElement()
        .satisfies(r -> assertThat(SourceHeader.read(r.headers())).containsExactly(3, 0));
    assertThat(replies.get(1).records()).hasSize(2)
        .allSatisfy(r -> assertThat(SourceHeader.read(r.headers())).containsExactly(3, 1));
    assertThat(replies.get(0).records().get(0).key()).isEqualTo("q0");
  }

  private void add(String model, String requestId, Long pinned, float... features) {
    List<Float> f = new ArrayList<>();
    for (float v : features) {
      f.add(v);
    }
    PredictionRequest request = new PredictionRequest(requestId, model, f, pinned, null);
    byte[] value = codecs.queries().serializer().serialize("queries", request);
    long o = offset++;
    batch.add(new PendingQuery(new TopicPartition("queries", 3), 1, new Envelope(Envelope.Kind.QUERY, "queries", 3, o,
        1_000L, null, value), RequestRow.of(request), 1_000L, System.nanoTime()));
  }

  private List<Prediction> answers() {
    List<Prediction> out = predictionsOf(answerer.answer(batch));
    batch.clear();
    return out;
  }

  private List<Prediction> predictionsOf(List<BatchAnswerer.Reply> replies) {
    return replies.stream().flatMap(r -> r.records().stream()).filter(r -> r.topic().equals("predictions"))
        .map(r -> codecs.predictions().deserializer().deserialize("predictions", r.value())).toList();
  }
}
