package io.autoactivator.app.buffer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import io.autoactivator.app.kafka.AcceptedChunk;
import io.autoactivator.app.kafka.AcceptedSample;
import io.autoactivator.app.kafka.StoreNames;

/**
 * Where a partition's accepted samples lie on the samples topic (the task-samples store), and their count in the
 * {@code autoactivator.buffered.samples} gauge. The only reader and writer of that store: {@link TaskProcessor}
 * decides, this keeps the store and the gauge in step.
 *
 * <p>A task's samples are written in chunks ({@link AcceptedChunk}, ~{@value #CHUNK_BYTES} bytes, some dozens of
 * samples): each accepted sample joins its task's open chunk in memory; a chunk is written to the store when it
 * closes, and an open one at {@link #flush}, which the task processor runs before every commit (and which runs
 * before every scan of the store), so the changelog gets one record per chunk and commit. Without a commit hook
 * every sample rewrites the open chunk at once (the store's record cache folds the rewrites). Everything a commit
 * makes durable is in the store, so exactly-once is the store's: a crash restores the chunks committed with the
 * input offsets, and the in-memory part below is rebuilt from them.
 *
 * <p>In memory, per task that accepted samples since this processor started: its open chunk and the 64-bit hashes
 * of its sample ids ({@link SampleIdHashes}), loaded from the store the first time the task is seen. A duplicate
 * (or a hash collision) is confirmed against the exact ids, read from the store once per task and then kept.
 * Per-sample entries written by earlier releases are read as they are (ids, de-duplication, counts) and never
 * rewritten.
 */
final class AcceptedSamples {

  /** A chunk is closed (and the next one opened) once it holds this many bytes. */
  static final int CHUNK_BYTES = 2048;

  private static final StringSerializer KEYS = new StringSerializer();

  /** An accepted sample taken out of its task. */
  record Dropped(String sampleId, AcceptedSample sample) {
  }

  /** What {@link #keepOnly} left: the samples kept, and the ones forgotten with their bytes. */
  record Kept(long kept, long droppedBytes, List<Dropped> dropped) {
  }

  private final KeyValueStore<String, byte[]> store;
  private final TaskMetrics metrics;
  private final boolean deferred;
  private final Map<String, TaskIndex> indexes = new HashMap<>();
  /** Tasks whose open chunk changed since it was last written. */
  private final Set<TaskIndex> unwritten = new HashSet<>();
  private long counted;

  /**
   * Counts what {@code store} already holds (a restored changelog) into the gauge.
   *
   * @param deferred true when {@link #flush} runs before every commit of the store (then an open chunk is written
   *                 at the next flush), false to write every change at once
   */
  AcceptedSamples(KeyValueStore<String, byte[]> store, TaskMetrics metrics, boolean deferred) {
    this.store = store;
    this.metrics = metrics;
    this.deferred = deferred;
    long entries = 0;
    try (KeyValueIterator<String, byte[]> all = store.all()) {
      while (all.hasNext()) {
        KeyValue<String, byte[]> kv = all.next();
        entries += StoreNames.isChunkKey(kv.key) ? AcceptedChunk.count(kv.value) : 1;
      }
    }
    adjust(entries);
  }

  /** True when sample {@code sampleId} of the task is buffered. */
  boolean contains(String modelId, String taskId, String sampleId) {
    byte[] id = sampleId.getBytes(StandardCharsets.UTF_8);
    return index(modelId, taskId).contains(sampleId, SampleIdHashes.hash(id));
  }

  /** Records where the accepted sample {@code sampleId} of the task lies (it is not buffered yet). */
  void add(String modelId, String taskId, String sampleId, AcceptedSample sample) {
    TaskIndex index = index(modelId, taskId);
    byte[] id = sampleId.getBytes(StandardCharsets.UTF_8);
    index.open.add(id, sample);
    index.remember(sampleId, SampleIdHashes.hash(id));
    if (index.open.bytes() >= CHUNK_BYTES) {
      store.put(index.openKey, index.open.toBytes());
      unwritten.remove(index);
      index.next();
    } else if (deferred) {
      unwritten.add(index);
    } else {
      store.put(index.openKey, index.open.toBytes());
    }
    adjust(1);
  }

  /** Writes every open chunk that changed since it was last written to the store. */
  void flush() {
    if (unwritten.isEmpty()) {
      return;
    }
    for (TaskIndex index : unwritten) {
      store.put(index.openKey, index.open.toBytes());
    }
    unwritten.clear();
  }

  /** Forgets every accepted sample of a task; returns how many there were. */
  int forgetTask(String modelId, String taskId) {
    List<String> keys = new ArrayList<>();
    int[] entries = {0};
    scan(modelId, taskId, (key, value) -> {
      keys.add(key);
      entries[0] += StoreNames.isChunkKey(key) ? AcceptedChunk.count(value) : 1;
    });
    keys.forEach(store::delete);
    unwritten.remove(indexes.remove(StoreNames.taskPrefix(modelId, taskId)));
    adjust(-entries[0]);
    return entries[0];
  }

  /** Forgets the accepted samples of a task whose label is not in {@code classes}, and says which they were. */
  Kept keepOnly(String modelId, String taskId, int[] classes) {
    List<String> keys = new ArrayList<>();
    List<Dropped> kept = new ArrayList<>();
    List<Dropped> dropped = new ArrayList<>();
    long droppedBytes = 0;
    for (Dropped d : entries(modelId, taskId, keys)) {
      if (hasLabel(classes, d.sample().label())) {
        kept.add(d);
      } else {
        dropped.add(d);
        droppedBytes += d.sample().bytes();
      }
    }
    if (!dropped.isEmpty()) { // the task's entries are written again without the misfits
      keys.forEach(store::delete);
      unwritten.remove(indexes.remove(StoreNames.taskPrefix(modelId, taskId)));
      adjust(-(kept.size() + dropped.size()));
      kept.forEach(d -> add(modelId, taskId, d.sampleId(), d.sample()));
    }
    return new Kept(kept.size(), droppedBytes, dropped);
  }

  /** Takes this partition's count out of the gauge (the processor closes: another instance owns it now). */
  void close() {
    metrics.bufferedSamples(-counted);
    counted = 0;
    indexes.clear();
    unwritten.clear();
  }

  private static boolean hasLabel(int[] classes, int label) {
    for (int c : classes) {
      if (c == label) {
        return true;
      }
    }
    return false;
  }

  /** Every accepted sample of a task, in store order; {@code keys} gets the store keys holding them. */
  private List<Dropped> entries(String modelId, String taskId, List<String> keys) {
    List<Dropped> all = new ArrayList<>();
    String prefix = StoreNames.taskPrefix(modelId, taskId);
    scan(modelId, taskId, (key, value) -> {
      keys.add(key);
      if (StoreNames.isChunkKey(key)) {
        AcceptedChunk.decode(value).forEach(e -> all.add(new Dropped(e.sampleId(), e.sample())));
      } else {
        all.add(new Dropped(key.substring(prefix.length()), AcceptedSample.decode(value)));
      }
    });
    return all;
  }

  private void scan(String modelId, String taskId, BiConsumer<String, byte[]> each) {
    flush(); // a scan sees every sample added
    try (KeyValueIterator<String, byte[]> it = store.prefixScan(StoreNames.taskPrefix(modelId, taskId), KEYS)) {
      while (it.hasNext()) {
        KeyValue<String, byte[]> kv = it.next();
        each.accept(kv.key, kv.value);
      }
    }
  }

  private TaskIndex index(String modelId, String taskId) {
    String prefix = StoreNames.taskPrefix(modelId, taskId);
    TaskIndex index = indexes.get(prefix);
    if (index == null) {
      index = load(modelId, taskId);
      indexes.put(prefix, index);
    }
    return index;
  }

  /** The in-memory index of a task, from what the store holds of it. */
  private TaskIndex load(String modelId, String taskId) {
    TaskIndex index = new TaskIndex(modelId, taskId);
    String prefix = StoreNames.taskPrefix(modelId, taskId);
    int[] lastChunk = {-1};
    byte[][] lastValue = {null};
    scan(modelId, taskId, (key, value) -> {
      if (StoreNames.isChunkKey(key)) {
        for (AcceptedChunk.Entry e : AcceptedChunk.decode(value)) {
          index.hashes.add(SampleIdHashes.hash(e.id()));
        }
        lastChunk[0] = Integer.parseInt(key.substring(prefix.length() + 1)); // keys ascend: the last is the highest
        lastValue[0] = value;
      } else {
        index.hashes.add(SampleIdHashes.hash(key.substring(prefix.length()).getBytes(StandardCharsets.UTF_8)));
      }
    });
    if (lastValue[0] != null && lastValue[0].length < CHUNK_BYTES) {
      index.reopen(lastChunk[0], lastValue[0]);
    } else {
      index.open(lastChunk[0] + 1);
    }
    return index;
  }

  private void adjust(long delta) {
    counted += delta;
    metrics.bufferedSamples(delta);
  }

  /** What this processor keeps in memory of one task's accepted samples. */
  private final class TaskIndex {
    private final String modelId;
    private final String taskId;
    private final SampleIdHashes hashes = new SampleIdHashes();
    /** The exact ids, once a hash matched (a duplicate, or a collision); null until then. */
    private Set<String> exact;
    private AcceptedChunk.Builder open;
    private int openSequence;
    private String openKey;

    TaskIndex(String modelId, String taskId) {
      this.modelId = modelId;
      this.taskId = taskId;
    }

    boolean contains(String sampleId, long hash) {
      if (!hashes.mightContain(hash)) {
        return false;
      }
      if (exact == null) {
        Set<String> ids = new HashSet<>();
        entries(modelId, taskId, new ArrayList<>()).forEach(d -> ids.add(d.sampleId()));
        exact = ids;
      }
      return exact.contains(sampleId);
    }

    void remember(String sampleId, long hash) {
      hashes.add(hash);
      if (exact != null) {
        exact.add(sampleId);
      }
    }

    void open(int sequence) {
      open = new AcceptedChunk.Builder();
      openSequence = sequence;
      openKey = StoreNames.chunkKey(modelId, taskId, sequence);
    }

    void reopen(int sequence, byte[] chunk) {
      open = new AcceptedChunk.Builder(chunk);
      openSequence = sequence;
      openKey = StoreNames.chunkKey(modelId, taskId, sequence);
    }

    void next() {
      open(openSequence + 1);
    }
  }
}
