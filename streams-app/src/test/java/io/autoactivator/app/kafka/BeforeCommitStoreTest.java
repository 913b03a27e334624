package io.autoactivator.app.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Properties;

import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * A processor that keeps a count in memory and writes it only from the store's commit hook: every commit of Kafka
 * Streams' own task (the topology test driver commits after each record, through the same {@code StreamTask}) finds
 * the count in the store and on its changelog, written before the record cache was flushed.
 */
class BeforeCommitStoreTest {

  private static final String STORE = "counts";

  /** Counts records in memory; the store sees the count only when the hook writes it. */
  private static final class CountingInMemory implements Processor<String, String, Void, Void> {
    private long count;
    private long written;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
      KeyValueStore<String, Long> store = context.getStateStore(STORE);
      assertThat(BeforeCommitStore.onCommit(store, () -> {
        if (written != count) {
          store.put("count", count);
          written = count;
        }
      })).as("the store has the layer").isTrue();
    }

    @Override
    public void process(Record<String, String> record) {
      count++;
    }
  }

  private static Topology topology() {
    Topology t = new Topology();
    t.addSource("in", new StringDeserializer(), new StringDeserializer(), "input");
    t.addProcessor("count", CountingInMemory::new, "in");
    t.addStateStore(BeforeCommitStore.around(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE),
        Serdes.String(), Serdes.Long()).withCachingEnabled()), "count");
    return t;
  }

  @Test
  void whatTheHookWritesBeforeACommitIsInTheStoreAndOnItsChangelogAtThatCommit() {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "hook");
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    try (TopologyTestDriver driver = new TopologyTestDriver(topology(), p)) {
      TestInputTopic<String, String> in = driver.createInputTopic("input", new StringSerializer(),
          new StringSerializer());
      KeyValueStore<String, Long> store = driver.getKeyValueStore(STORE);
      in.pipeInput("k", "a");
      assertThat(store.get("count")).isEqualTo(1L);
      in.pipeInput("k", "b");
      in.pipeInput("k", "c");
      assertThat(store.get("count")).isEqualTo(3L);
      List<Long> changelog = driver.createOutputTopic("hook-" + STORE + "-changelog", new StringDeserializer(),
          new LongDeserializer()).readValuesToList();
      assertThat(changelog).as("one changelog record per commit, the count of that commit")
          .containsExactly(1L, 2L, 3L);
    }
  }
}
