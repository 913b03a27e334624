package io.autoactivator.app.buffer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import io.autoactivator.app.kafka.AcceptedSample;
import io.autoactivator.app.kafka.StoreNames;

/**
 * Where a partition's accepted samples lie on the samples topic (the task-samples store: sample key -> partition,
 * offset, size, label), and their count in the {@code autoactivator.buffered.samples} gauge. The only reader and
 * writer of that store: {@link TaskProcessor} decides, this keeps the store and the gauge in step.
 */
final class AcceptedSamples {

  private static final StringSerializer KEYS = new StringSerializer();

  /** An accepted sample taken out of its task, and its store key. */
  record Dropped(String key, AcceptedSample sample) {

    /** The sample's id: the last part of its key. */
    String sampleId() {
      return key.substring(key.lastIndexOf('/') + 1);
    }
  }

  /** What {@link #keepOnly} left: the samples kept, and the ones forgotten with their bytes. */
  record Kept(long kept, long droppedBytes, List<Dropped> dropped) {
  }

  private final KeyValueStore<String, byte[]> store;
  private final TaskMetrics metrics;
  private long counted;

  /** Counts what {@code store} already holds (a restored changelog) into the gauge. */
  AcceptedSamples(KeyValueStore<String, byte[]> store, TaskMetrics metrics) {
    this.store = store;
    this.metrics = metrics;
    long entries = 0;
    try (KeyValueIterator<String, byte[]> all = store.all()) {
      while (all.hasNext()) {
        all.next();
        entries++;
      }
    }
    adjust(entries);
  }

  /** True when {@code key} ({@link StoreNames#sampleKey}) is buffered. */
  boolean contains(String key) {
    return store.get(key) != null;
  }

  /** Records where the accepted sample {@code key} lies. */
  void add(String key, AcceptedSample sample) {
    store.put(key, sample.encode());
    adjust(1);
  }

  /** Forgets every accepted sample of a task; returns how many there were. */
  int forgetTask(String modelId, String taskId) {
    List<String> keys = keysOf(modelId, taskId);
    keys.forEach(store::delete);
    adjust(-keys.size());
    return keys.size();
  }

  /** Forgets the accepted samples of a task whose label is not in {@code classes}, and says which they were. */
  Kept keepOnly(String modelId, String taskId, int[] classes) {
    long kept = 0;
    long droppedBytes = 0;
    List<Dropped> dropped = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it = store.prefixScan(StoreNames.taskPrefix(modelId, taskId), KEYS)) {
      while (it.hasNext()) {
        KeyValue<String, byte[]> kv = it.next();
        AcceptedSample a = AcceptedSample.decode(kv.value);
        if (Arrays.stream(classes).anyMatch(c -> c == a.label())) {
          kept++;
        } else {
          dropped.add(new Dropped(kv.key, a));
          droppedBytes += a.bytes();
        }
      }
    }
    dropped.forEach(d -> store.delete(d.key()));
    adjust(-dropped.size());
    return new Kept(kept, droppedBytes, dropped);
  }

  /** Takes this partition's count out of the gauge (the processor closes: another instance owns it now). */
  void close() {
    metrics.bufferedSamples(-counted);
    counted = 0;
  }

  private List<String> keysOf(String modelId, String taskId) {
    List<String> keys = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it = store.prefixScan(StoreNames.taskPrefix(modelId, taskId), KEYS)) {
      it.forEachRemaining(kv -> keys.add(kv.key));
    }
    return keys;
  }

  private void adjust(long delta) {
    counted += delta;
    metrics.bufferedSamples(delta);
  }
}
