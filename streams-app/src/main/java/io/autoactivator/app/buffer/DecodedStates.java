package io.autoactivator.app.buffer;

import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A state store's values kept decoded between records. Task and model states are read on every sample; through
 * the store each read deserialises the value again (the record cache keeps bytes), which was ~9 % of the stream
 * thread at ingest. Writes still go to the store at once (its record cache folds them into one changelog record
 * per key and commit), so the store stays the truth that exactly-once commits and restores; this only remembers
 * the last value read or written per key.
 *
 * <p>Valid while every write goes through it: the task processor creates one in {@code init} (after the store is
 * restored) and drops it with the processor. Holds at most {@value #MAX_ENTRIES} keys, least recently used out.
 */
final class DecodedStates<V> {

  static final int MAX_ENTRIES = 4096;

  private final KeyValueStore<String, V> store;
  private final Map<String, V> decoded = new LinkedHashMap<>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
      return size() > MAX_ENTRIES;
    }
  };

  DecodedStates(KeyValueStore<String, V> store) {
    this.store = store;
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
    store.put(key, value);
    decoded.put(key, value);
  }

  void delete(String key) {
    store.delete(key);
    decoded.remove(key);
  }

  /** Forgets every decoded value (something wrote the store around this view). */
  void clear() {
    decoded.clear();
  }
}
