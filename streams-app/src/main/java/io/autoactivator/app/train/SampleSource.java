package io.autoactivator.app.train;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import io.autoactivator.app.kafka.StoreNames;
import io.autoactivator.app.records.Envelope;
import io.autoactivator.app.records.EnvelopeSerde;

/**
 * Reads one task's buffered samples from the task-buffer store, in key order (so training sees them in the same
 * order on every instance and after every restart). The store comes from interactive queries in the app and from
 * {@code TopologyTestDriver#getKeyValueStore} in tests.
 */
public final class SampleSource {

  private final Supplier<ReadOnlyKeyValueStore<String, byte[]>> store;

  public SampleSource(Supplier<ReadOnlyKeyValueStore<String, byte[]>> store) {
    this.store = store;
  }

  /** The envelopes of every buffered sample of the task. */
  public List<Envelope> samples(String modelId, String taskId) {
    String prefix = StoreNames.taskPrefix(modelId, taskId);
    // '0' is the character after '/', and no buffer key equals "<model>/<task>0" (they have three parts)
    String end = prefix.substring(0, prefix.length() - 1) + "0";
    List<Envelope> samples = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it = store.get().range(prefix, end)) {
      while (it.hasNext()) {
        KeyValue<String, byte[]> kv = it.next();
        samples.add(EnvelopeSerde.decode(kv.value));
      }
    }
    return samples;
  }
}
