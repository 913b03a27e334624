package io.autoactivator.app.train;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Supplier;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import io.autoactivator.app.kafka.AcceptedChunk;
import io.autoactivator.app.kafka.AcceptedSample;
import io.autoactivator.app.kafka.RecordCodecs;
import io.autoactivator.app.kafka.StoreNames;

/**
 * Finds one task's samples for training: the task-samples store says which records of the samples topic the task
 * accepted (one per sample id, de-duplicated at ingest; in chunks of entries, or one per key as earlier releases
 * wrote them), and the {@link LogTaskSource} it returns reads exactly those records back from the topic. Rows are
 * the samples in sample-id order (the order of the per-sample keys of earlier releases), as the buffer
 * of earlier releases handed them over, so a task trains into the same bytes on every instance, after every restart
 * and across the upgrade. The store comes from interactive queries in the app.
 */
public final class SampleSource {

  private final Supplier<ReadOnlyKeyValueStore<String, byte[]>> store;
  private final Supplier<Consumer<byte[], byte[]>> consumers;
  private final String samplesTopic;
  private final RecordCodecs codecs;
  private final Duration readTimeout;

  /**
   * @param store        the task-samples store
   * @param consumers    a new group-less read_committed consumer of the samples topic per pass (closed after it)
   * @param samplesTopic the samples topic
   * @param readTimeout  longest a pass waits for the broker without getting a record
   */
  public SampleSource(Supplier<ReadOnlyKeyValueStore<String, byte[]>> store,
      Supplier<Consumer<byte[], byte[]>> consumers, String samplesTopic, RecordCodecs codecs, Duration readTimeout) {
    this.store = store;
    this.consumers = consumers;
    this.samplesTopic = samplesTopic;
    this.codecs = codecs;
    this.readTimeout = readTimeout;
  }

  /** The task as the log holds it: every sample the task accepted, each at its row. */
  public LogTaskSource task(String modelId, String taskId, int[] classes) {
    String prefix = StoreNames.taskPrefix(modelId, taskId);
    // '0' is the character after '/', and no key equals "<model>/<task>0" (they have three parts)
    String end = prefix.substring(0, prefix.length() - 1) + "0";
    List<AcceptedChunk.Entry> entries = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it = store.get().range(prefix, end)) {
      while (it.hasNext()) {
        KeyValue<String, byte[]> kv = it.next();
        if (StoreNames.isChunkKey(kv.key)) {
          entries.addAll(AcceptedChunk.decode(kv.value));
        } else { // one sample per key, as earlier releases wrote them
          entries.add(new AcceptedChunk.Entry(kv.key.substring(prefix.length()).getBytes(StandardCharsets.UTF_8),
              AcceptedSample.decode(kv.value)));
        }
      }
    }
    // rows in sample-id order: the order of the per-sample keys (UTF-8 bytes) that earlier releases trained in
    entries.sort((a, b) -> Arrays.compareUnsigned(a.id(), b.id()));
    TreeMap<Integer, Located> byPartition = new TreeMap<>();
    int row = 0;
    for (AcceptedChunk.Entry e : entries) {
      AcceptedSample a = e.sample();
      byPartition.computeIfAbsent(a.partition(), p -> new Located()).add(a.offset(), row++);
    }
    List<LogTaskSource.Partition> partitions = new ArrayList<>();
    byPartition.forEach((p, located) -> partitions.add(located.sorted(p)));
    return new LogTaskSource(modelId, taskId, classes, row, partitions, consumers, samplesTopic, codecs,
        readTimeout);
  }

  /** Offsets and rows of one partition, growing. */
  private static final class Located {
    private long[] offsets = new long[16];
    private int[] rows = new int[16];
    private int n;

    void add(long offset, int row) {
      if (n == offsets.length) {
        offsets = java.util.Arrays.copyOf(offsets, n * 2);
        rows = java.util.Arrays.copyOf(rows, n * 2);
      }
      offsets[n] = offset;
      rows[n] = row;
      n++;
    }

    LogTaskSource.Partition sorted(int partition) {
      long[] o = java.util.Arrays.copyOf(offsets, n);
      int[] r = java.util.Arrays.copyOf(rows, n);
      ParallelSort.byFirst(o, r);
      return new LogTaskSource.Partition(partition, o, r);
    }
  }
}
