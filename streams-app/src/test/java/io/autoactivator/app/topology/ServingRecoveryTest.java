package io.autoactivator.app.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

import io.autoactivator.app.kafka.DeadLetters;
import io.autoactivator.app.kafka.RecordCodecs;
import io.autoactivator.app.kafka.StoreNames;
import io.autoactivator.app.kafka.Topic;
import io.autoactivator.app.records.Envelope;
import io.autoactivator.app.records.EnvelopeSerde;
import io.autoactivator.app.records.Outbound;
import io.autoactivator.app.serve.ServingProcessor;
import io.autoactivator.app.snapshot.ModelCatalog;
import io.autoactivator.schemas.Prediction;
import io.autoactivator.schemas.PredictionRequest;
import io.autoactivator.schemas.PredictionStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * A restarted instance answers the requests its predecessor had accepted but not answered: they are in the serving
 * store (restored from its changelog before the processor starts), not only in the processor's memory.
 */
class ServingRecoveryTest {

  private final RecordCodecs codecs = RecordCodecs.singleObject();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  @Test
  void requestsFoundInTheStoreAtStartAreAnsweredByOneCallAndRemoved() {
    ModelCatalog catalog = new ModelCatalog(meters);
    CountingModel model = CountingModel.twoClasses(0);
    catalog.install("m", 3, model);
    MockProcessorContext<String, Outbound> context = new MockProcessorContext<>();
    KeyValueStore<String, byte[]> store = Stores.keyValueStoreBuilder(
        Stores.inMemoryKeyValueStore(StoreNames.SERVING_BATCH), Serdes.String(), Serdes.ByteArray())
        .withLoggingDisabled().build();
    store.init(context.getStateStoreContext(), store);
    context.addStateStore(store);
    store.put("00000/00000000000000000007", waiting("q7", 0f, 0f));
    store.put("00000/00000000000000000008", waiting("q8", 5f, 5f));

    Serde<String> keys = Serdes.String();
    ServingProcessor serving = new ServingProcessor(codecs, new DeadLetters("test",
        new Topic<>("dead-letters", keys, codecs.deadLetters()), meters), catalog, 4, Duration.ofMillis(50), 2,
        new Topic<>("predictions", keys, codecs.predictions()), new Topic<>("shadow", keys, codecs.predictions()),
        meters);
    context.setCurrentSystemTimeMs(10_000);
    serving.init(context);
    assertThat(context.forwarded()).as("nothing is answered before the linger").isEmpty();

    context.setCurrentSystemTimeMs(10_060);
    context.scheduledPunctuators().get(0).getPunctuator().punctuate(10_060);

    List<Prediction> answers = context.forwarded().stream()
        .map(f -> codecs.predictions().deserializer().deserialize("predictions", f.record().value().value()))
        .toList();
    assertThat(answers).extracting(Prediction::getRequestId).containsExactly("q7", "q8");
    assertThat(answers).extracting(Prediction::getPredictedLabel).containsExactly(0, 1);
    assertThat(answers).allSatisfy(p -> {
      assertThat(p.getStatus()).isEqualTo(PredictionStatus.OK);
      assertThat(p.getModelVersion()).isEqualTo(3L);
      assertThat(p.getReceivedAt().toEpochMilli()).as("received by the crashed instance").isEqualTo(1_000L);
    });
    assertThat(model.calls).as("one predict call for the recovered batch").hasValue(1);
    assertThat(store.approximateNumEntries()).as("answered requests leave the store").isZero();
  }

  private byte[] waiting(String requestId, float... features) {
    List<Float> f = new java.util.ArrayList<>();
    for (float v : features) {
      f.add(v);
    }
    byte[] value = codecs.queries().serializer().serialize("queries",
        new PredictionRequest(requestId, "m", f, null, null));
    return EnvelopeSerde.encode(new Envelope(Envelope.Kind.QUERY, "queries", 0, 7, 1_000L, null, value));
  }
}
