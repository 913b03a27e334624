package io.autoactivator.app.kafka;

import java.util.List;
import java.util.Map;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.internals.WrappedStateStore;

/**
 * A key-value store that tells its processor "a commit is about to be made" so that the processor can write what it
 * holds in memory first. A processor of Kafka Streams is not told when its task commits; at ingest the task
 * processor rewrote its task and model states into their stores on every sample only because a commit could come
 * after any record (those two writes, serialised and put through the record cache, were ~30 % of the stream
 * thread), and its task's open chunk of accepted samples. With this layer it keeps them in memory and writes each
 * once per commit.
 *
 * <p>How, and what it relies on: this is the outermost layer of the store (the one Kafka Streams registers), and
 * before every commit - under exactly-once before the producer is flushed and the offsets are sent to the
 * transaction - Kafka Streams asks each registered store to flush its record cache ({@code flushCache}, the
 * {@code CachedStateStore} contract of {@code ProcessorStateManager}, Kafka Streams 4.3). This layer runs its hook
 * there, then lets the cache below flush, so what the hook wrote reaches the changelog in the same transaction as
 * the input offsets it reflects. It runs the hook on {@code commit} too (the store flush after a commit, and on a
 * clean close). It relies on an internal interface of Kafka Streams; {@code BeforeCommitStoreTest} checks, through
 * Kafka Streams' own task commit, that what the hook writes is on the changelog at that commit, so an upgrade of
 * Kafka that changes the contract fails that test.
 *
 * <p>Reads and writes are passed through unchanged: the hook is the only addition. Interactive queries from other
 * threads see the store below, so they see the processor's in-memory part once it was written (at the latest at
 * the next commit).
 */
public final class BeforeCommitStore<V> extends WrappedStateStore<KeyValueStore<String, V>, String, V>
    implements KeyValueStore<String, V> {

  private Runnable hook = () -> { };

  private BeforeCommitStore(KeyValueStore<String, V> inner) {
    super(inner);
  }

  /** Builds {@code inner}'s store with this layer outside it; every other property is {@code inner}'s. */
  public static <V> StoreBuilder<KeyValueStore<String, V>> around(StoreBuilder<KeyValueStore<String, V>> inner) {
    return new Builder<>(inner);
  }

  /**
   * Runs {@code hook} on the stream thread before every commit of the store that {@code store} (as a processor gets
   * it from its context) is or wraps; returns false, and sets nothing, when there is no such layer (a store built
   * without {@link #around}), so the caller must write through.
   */
  public static boolean onCommit(StateStore store, Runnable hook) {
    BeforeCommitStore<?> layer = store instanceof BeforeCommitStore<?> b ? b
        : store instanceof WrappedStateStore<?, ?, ?> w ? w.findInner(BeforeCommitStore.class) : null;
    if (layer == null) {
      return false;
    }
    layer.hook = hook;
    return true;
  }

  @Override
  public void flushCache() {
    hook.run();
    super.flushCache();
  }

  @Override
  public void commit(Map<TopicPartition, Long> changelogOffsets) {
    hook.run();
    super.commit(changelogOffsets);
  }

  @Override
  public void close() {
    hook = () -> { };
    super.close();
  }

  @Override
  public V get(String key) {
    return wrapped().get(key);
  }

  @Override
  public KeyValueIterator<String, V> range(String from, String to) {
    return wrapped().range(from, to);
  }

  @Override
  public KeyValueIterator<String, V> reverseRange(String from, String to) {
    return wrapped().reverseRange(from, to);
  }

  @Override
  public KeyValueIterator<String, V> all() {
    return wrapped().all();
  }

  @Override
  public KeyValueIterator<String, V> reverseAll() {
    return wrapped().reverseAll();
  }

  @Override
  public <S extends Serializer<P>, P> KeyValueIterator<String, V> prefixScan(P prefix, S prefixKeySerializer) {
    return wrapped().prefixScan(prefix, prefixKeySerializer);
  }

  @Override
  public long approximateNumEntries() {
    return wrapped().approximateNumEntries();
  }

  @Override
  public void put(String key, V value) {
    wrapped().put(key, value);
  }

  @Override
  public V putIfAbsent(String key, V value) {
    return wrapped().putIfAbsent(key, value);
  }

  @Override
  public void putAll(List<KeyValue<String, V>> entries) {
    wrapped().putAll(entries);
  }

  @Override
  public V delete(String key) {
    return wrapped().delete(key);
  }

  private record Builder<V>(StoreBuilder<KeyValueStore<String, V>> inner)
      implements StoreBuilder<KeyValueStore<String, V>> {

    @Override
    public StoreBuilder<KeyValueStore<String, V>> withCachingEnabled() {
      return new Builder<>(inner.withCachingEnabled());
    }

    @Override
    public StoreBuilder<KeyValueStore<String, V>> withCachingDisabled() {
      return new Builder<>(inner.withCachingDisabled());
    }

    @Override
    public StoreBuilder<KeyValueStore<String, V>> withLoggingEnabled(Map<String, String> config) {
      return new Builder<>(inner.withLoggingEnabled(config));
    }

    @Override
    public StoreBuilder<KeyValueStore<String, V>> withLoggingDisabled() {
      return new Builder<>(inner.withLoggingDisabled());
    }

    @Override
    public KeyValueStore<String, V> build() {
      return new BeforeCommitStore<>(inner.build());
    }

    @Override
    public Map<String, String> logConfig() {
      return inner.logConfig();
    }

    @Override
    public boolean loggingEnabled() {
      return inner.loggingEnabled();
    }

    @Override
    public String name() {
      return inner.name();
    }
  }
}
