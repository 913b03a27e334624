package io.autoactivator.app.buffer;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A state store's values kept decoded between records, and written to the store once per commit. Task and model
 * states are read and rewritten on every sample; through the store each read deserialises the value again (the
 * record cache keeps bytes, ~9 % of the stream thread at ingest) and each write serialises it and puts it through
 * the record cache (~30 %). Here a write only marks the key dirty; {@link #flush} writes the dirty values to the
 * store, and the task processor calls it before every commit ({@link io.autoactivator.app.kafka.BeforeCommitStore}),
 * so the store stays the truth that exactly-once commits and restores: what a commit makes durable is every write
 * made before it.
 *
 * <p>Without a commit hook (a store built without that layer) it is made {@linkplain #writingThrough() writing
 * through}: every write goes to the store at once, as before. Valid while every write goes through it: the task
 * processor creates one in {@code init} (after the store is restored) and drops it with the processor. Holds at
 * most {@value #MAX_ENTRIES} keys, least recently used out (a dirty one is written to the store as it goes).
 */
final class DecodedStates<V> {

  static final int MAX_ENTRIES = 4096;

  private final KeyValueStore<String, V> store;
  private final boolean deferred;
  private final Set<String> dirty = new HashSet<>();
  private final Map<String, V> decoded = new LinkedHashMap<>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
      if (size() <= MAX_ENTRIES) {
        return false;
      }
      if (dirty.remove(eldest.getKey())) {
        store.put(eldest.getKey(), eldest.getValue());
      }
      return true;
    }
  };

  private DecodedStates(KeyValueStore<String, V> store, boolean deferred) {
    this.store = store;
    this.deferred = deferred;
  }

  /** Writes reach the store at {@link #flush} (which must run before every commit). */
  static <V> DecodedStates<V> deferring(KeyValueStore<String, V> store) {
    return new DecodedStates<>(store, true);
  }

  /** Writes reach the store at once. */
  static <V> DecodedStates<V> writingThrough(KeyValueStore<String, V> store) {
    return new DecodedStates<>(store, false);
  }

  /** The value of {@code key}, or null. */
  V get(String key) {
    V value = decoded.get(key);
    if (value == null) {
      value = store.get(key);
      if (value != null) {
        decoded.put(key, value);
      }
    }
    return value;
  }

  void put(String key, V value) {
    if (deferred) {
      dirty.add(key);
    } else {
      store.put(key, value);
    }
    decoded.put(key, value);
  }

  void delete(String key) {
    dirty.remove(key);
    store.delete(key);
    decoded.remove(key);
  }

  /** Writes every value changed since the last flush to the store. */
  void flush() {
    if (dirty.isEmpty()) {
      return;
    }
    for (String key : dirty) {
      store.put(key, decoded.get(key));
    }
    dirty.clear();
  }

  /** Writes what changed, then forgets every decoded value (something is about to write the store around it). */
  void clear() {
    flush();
    decoded.clear();
  }
}
