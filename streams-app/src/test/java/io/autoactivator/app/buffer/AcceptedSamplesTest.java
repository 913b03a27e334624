package io.autoactivator.app.buffer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

import io.autoactivator.app.kafka.AcceptedSample;
import io.autoactivator.app.kafka.StoreNames;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** The task-samples store and the buffered-samples gauge move together. */
class AcceptedSamplesTest {

  private final KeyValueStore<String, byte[]> store = store();
  private final AtomicLong gauge = new AtomicLong();
  private final TaskMetrics metrics = new TaskMetrics(new SimpleMeterRegistry(), gauge);

  private static KeyValueStore<String, byte[]> store() {
    MockProcessorContext<String, byte[]> context = new MockProcessorContext<>();
    KeyValueStore<String, byte[]> store = Stores.keyValueStoreBuilder(
        Stores.inMemoryKeyValueStore(StoreNames.TASK_SAMPLES), Serdes.String(), Serdes.ByteArray())
        .withLoggingDisabled().build();
    store.init(context.getStateStoreContext(), store);
    return store;
  }

  @Test
  void whatARestoredStoreHoldsCountsInTheGaugeUntilClose() {
    store.put(StoreNames.sampleKey("m", "t1", "a"), new AcceptedSample(0, 1, 10, 3).encode());
    store.put(StoreNames.sampleKey("m", "t1", "b"), new AcceptedSample(0, 2, 10, 3).encode());
    AcceptedSamples samples = new AcceptedSamples(store, metrics);
    assertThat(gauge.get()).isEqualTo(2);
    samples.add(StoreNames.sampleKey("m", "t2", "c"), new AcceptedSample(1, 7, 12, 5));
    assertThat(gauge.get()).isEqualTo(3);
    assertThat(samples.contains(StoreNames.sampleKey("m", "t2", "c"))).isTrue();
    assertThat(samples.contains(StoreNames.sampleKey("m", "t2", "d"))).isFalse();
    samples.close();
    assertThat(gauge.get()).as("another instance owns the partition now").isZero();
    assertThat(store.approximateNumEntries()).as("the store itself stays").isEqualTo(3);
  }

  @Test
  void forgettingATaskDeletesOnlyItsSamples() {
    AcceptedSamples samples = new AcceptedSamples(store, metrics);
    samples.add(StoreNames.sampleKey("m", "t1", "a"), new AcceptedSample(0, 1, 10, 3));
    samples.add(StoreNames.sampleKey("m", "t1", "b"), new AcceptedSample(0, 2, 10, 4));
    samples.add(StoreNames.sampleKey("m", "t10", "c"), new AcceptedSample(0, 3, 10, 5));
    assertThat(samples.forgetTask("m", "t1")).isEqualTo(2);
    assertThat(gauge.get()).isEqualTo(1);
    assertThat(samples.contains(StoreNames.sampleKey("m", "t10", "c"))).as("a task whose id starts alike").isTrue();
  }

  @Test
  void keepOnlyForgetsTheSamplesOfOtherLabelsAndSaysWhereTheyLay() {
    AcceptedSamples samples = new AcceptedSamples(store, metrics);
    samples.add(StoreNames.sampleKey("m", "t1", "a"), new AcceptedSample(0, 1, 10, 3));
    samples.add(StoreNames.sampleKey("m", "t1", "b"), new AcceptedSample(1, 2, 15, 9));
    samples.add(StoreNames.sampleKey("m", "t1", "c"), new AcceptedSample(0, 3, 10, 4));
    AcceptedSamples.Kept kept = samples.keepOnly("m", "t1", new int[] {3, 4});
    assertThat(kept.kept()).isEqualTo(2);
    assertThat(kept.droppedBytes()).isEqualTo(15);
    assertThat(kept.dropped()).singleElement().satisfies(d -> {
      assertThat(d.sampleId()).isEqualTo("b");
      assertThat(d.sample()).isEqualTo(new AcceptedSample(1, 2, 15, 9));
    });
    assertThat(samples.contains(StoreNames.sampleKey("m", "t1", "b"))).isFalse();
    assertThat(gauge.get()).isEqualTo(2);
  }
}
