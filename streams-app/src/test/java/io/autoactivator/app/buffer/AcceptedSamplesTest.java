package io.autoactivator.app.buffer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

import io.autoactivator.app.kafka.AcceptedChunk;
import io.autoactivator.app.kafka.AcceptedSample;
import io.autoactivator.app.kafka.StoreNames;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The task-samples store holds a task's accepted samples in chunks, de-duplicates from memory, reads what earlier
 * releases wrote (one sample per key), and moves with the buffered-samples gauge.
 */
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
    store.put(StoreNames.chunkKey("m", "t1", 0), new AcceptedChunk.Builder()
        .add(id("b"), new AcceptedSample(0, 2, 10, 3)).add(id("c"), new AcceptedSample(0, 3, 10, 3)).toBytes());
    AcceptedSamples samples = new AcceptedSamples(store, metrics, false);
    assertThat(gauge.get()).isEqualTo(3);
    samples.add("m", "t2", "c", new AcceptedSample(1, 7, 12, 5));
    assertThat(gauge.get()).isEqualTo(4);
    assertThat(samples.contains("m", "t1", "a")).as("a per-sample key of an earlier release").isTrue();
    assertThat(samples.contains("m", "t1", "c")).as("in a chunk").isTrue();
    assertThat(samples.contains("m", "t2", "c")).isTrue();
    assertThat(samples.contains("m", "t2", "d")).isFalse();
    samples.close();
    assertThat(gauge.get()).as("another instance owns the partition now").isZero();
    assertThat(store.approximateNumEntries()).as("the store itself stays").isEqualTo(3);
  }

  @Test
  void deferredAnOpenChunkReachesTheStoreAtAFlushOrAsItClosesAndAScanSeesEverySampleAdded() {
    AcceptedSamples samples = new AcceptedSamples(store, metrics, true);
    samples.add("m", "t1", "a", new AcceptedSample(0, 1, 10, 3));
    samples.add("m", "t1", "b", new AcceptedSample(0, 2, 10, 3));
    assertThat(keys("m", "t1")).as("the open chunk waits for the commit").isEmpty();
    assertThat(samples.contains("m", "t1", "b")).isTrue();
    samples.flush();
    assertThat(AcceptedChunk.count(store.get(StoreNames.chunkKey("m", "t1", 0)))).isEqualTo(2);
    samples.add("m", "t1", "c", new AcceptedSample(0, 3, 10, 3));
    assertThat(samples.forgetTask("m", "t1")).as("a scan writes first, so it sees c").isEqualTo(3);
    assertThat(keys("m", "t1")).isEmpty();
    for (int i = 0; i < 1_000; i++) {
      samples.add("m", "t2", "sample-" + i, new AcceptedSample(0, i, 3_000, i % 10));
    }
    assertThat(keys("m", "t2").size()).as("closed chunks are written as they close").isBetween(10, 30);
    samples.flush();
    int stored = 0;
    for (String key : keys("m", "t2")) {
      stored += AcceptedChunk.count(store.get(key));
    }
    assertThat(stored).isEqualTo(1_000);
  }

  @Test
  void aTasksSamplesAreWrittenAsChunksOfSomeDozensEachInTheOrderTheyArrived() {
    AcceptedSamples samples = new AcceptedSamples(store, metrics, false);
    for (int i = 0; i < 1_000; i++) {
      samples.add("m", "t1", "sample-" + i, new AcceptedSample(0, i, 3_000, i % 10));
    }
    List<String> keys = keys("m", "t1");
    assertThat(keys).allMatch(StoreNames::isChunkKey);
    assertThat(keys.size()).as("one key per ~" + AcceptedSamples.CHUNK_BYTES + " bytes of entries, not per sample")
        .isBetween(10, 30);
    List<AcceptedChunk.Entry> entries = new ArrayList<>();
    keys.forEach(k -> {
      byte[] chunk = store.get(k);
      assertThat(chunk.length).isLessThan(AcceptedSamples.CHUNK_BYTES + 64);
      entries.addAll(AcceptedChunk.decode(chunk));
    });
    assertThat(entries).hasSize(1_000);
    assertThat(entries.get(999).sampleId()).isEqualTo("sample-999");
    assertThat(entries.get(999).sample()).isEqualTo(new AcceptedSample(0, 999, 3_000, 9));
    assertThat(gauge.get()).isEqualTo(1_000);
  }

  @Test
  void afterARestartTheTaskGoesOnInItsOpenChunkAndStillKnowsEveryIdItAccepted() {
    store.put(StoreNames.sampleKey("m", "t1", "old"), new AcceptedSample(0, 0, 10, 3).encode());
    AcceptedSamples before = new AcceptedSamples(store, metrics, false);
    for (int i = 1; i <= 100; i++) {
      before.add("m", "t1", "s" + i, new AcceptedSample(0, i, 10, 3));
    }
    List<String> keysBefore = keys("m", "t1");
    List<String> chunks = keysBefore.stream().filter(StoreNames::isChunkKey).toList();
    before.close();

    AcceptedSamples after = new AcceptedSamples(store, metrics, false); // the same store, as a restored changelog
    assertThat(gauge.get()).isEqualTo(101);
    for (int i = 1; i <= 100; i++) {
      assertThat(after.contains("m", "t1", "s" + i)).as("s" + i).isTrue();
    }
    assertThat(after.contains("m", "t1", "old")).isTrue();
    assertThat(after.contains("m", "t1", "s101")).isFalse();
    after.add("m", "t1", "s101", new AcceptedSample(0, 101, 10, 3));
    assertThat(keys("m", "t1")).as("the open chunk is filled on, not a new one started").isEqualTo(keysBefore);
    assertThat(after.contains("m", "t1", "s101")).isTrue();
    assertThat(AcceptedChunk.decode(store.get(chunks.get(chunks.size() - 1))))
        .last().extracting(AcceptedChunk.Entry::sampleId).isEqualTo("s101");
  }

  @Test
  void forgettingATaskDeletesOnlyItsSamples() {
    store.put(StoreNames.sampleKey("m", "t1", "old"), new AcceptedSample(0, 0, 10, 3).encode());
    AcceptedSamples samples = new AcceptedSamples(store, metrics, false);
    samples.add("m", "t1", "a", new AcceptedSample(0, 1, 10, 3));
    samples.add("m", "t1", "b", new AcceptedSample(0, 2, 10, 4));
    samples.add("m", "t10", "c", new AcceptedSample(0, 3, 10, 5));
    assertThat(samples.forgetTask("m", "t1")).isEqualTo(3);
    assertThat(gauge.get()).isEqualTo(1);
    assertThat(keys("m", "t1")).isEmpty();
    assertThat(samples.contains("m", "t1", "a")).isFalse();
    assertThat(samples.contains("m", "t10", "c")).as("a task whose id starts alike").isTrue();
  }

  @Test
  void keepOnlyForgetsTheSamplesOfOtherLabelsAndSaysWhereTheyLay() {
    store.put(StoreNames.sampleKey("m", "t1", "old"), new AcceptedSample(0, 0, 20, 8).encode());
    AcceptedSamples samples = new AcceptedSamples(store, metrics, false);
    samples.add("m", "t1", "a", new AcceptedSample(0, 1, 10, 3));
    samples.add("m", "t1", "b", new AcceptedSample(1, 2, 15, 9));
    samples.add("m", "t1", "c", new AcceptedSample(0, 3, 10, 4));
    AcceptedSamples.Kept kept = samples.keepOnly("m", "t1", new int[] {3, 4});
    assertThat(kept.kept()).isEqualTo(2);
    assertThat(kept.droppedBytes()).isEqualTo(35);
    assertThat(kept.dropped()).containsExactlyInAnyOrder(
        new AcceptedSamples.Dropped("b", new AcceptedSample(1, 2, 15, 9)),
        new AcceptedSamples.Dropped("old", new AcceptedSample(0, 0, 20, 8)));
    assertThat(samples.contains("m", "t1", "b")).isFalse();
    assertThat(samples.contains("m", "t1", "old")).isFalse();
    assertThat(samples.contains("m", "t1", "c")).isTrue();
    assertThat(gauge.get()).isEqualTo(2);
    assertThat(new AcceptedSamples(store, new TaskMetrics(new SimpleMeterRegistry(), new AtomicLong()), false)
        .contains("m", "t1", "a")).as("what was kept is in the store, not only in memory").isTrue();
  }

  @Test
  void aDuplicateIsFoundAmongManyIdsAndADifferentIdIsNot() {
    AcceptedSamples samples = new AcceptedSamples(store, metrics, false);
    for (int i = 0; i < 20_000; i++) {
      samples.add("m", "t1", Integer.toString(i), new AcceptedSample(0, i, 10, 1));
    }
    for (int i = 0; i < 20_000; i++) {
      assertThat(samples.contains("m", "t1", Integer.toString(i))).isTrue();
      assertThat(samples.contains("m", "t1", "x" + i)).isFalse();
    }
  }

  private List<String> keys(String model, String task) {
    List<String> keys = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it = store.prefixScan(StoreNames.taskPrefix(model, task),
        new StringSerializer())) {
      it.forEachRemaining(kv -> keys.add(kv.key));
    }
    return keys;
  }

  private static byte[] id(String sampleId) {
    return sampleId.getBytes(StandardCharsets.UTF_8);
  }
}
