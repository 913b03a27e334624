package io.autoactivator.app.buffer;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * Decoded states read the store only for a key they do not hold, and write to it at once, or (deferred) at a flush
 * and when a changed key is dropped.
 */
class DecodedStatesTest {

  private final KeyValueStore<String, TaskState> store = store();
  private final DecodedStates<TaskState> states = DecodedStates.writingThrough(store);

  private static KeyValueStore<String, TaskState> store() {
    MockProcessorContext<String, byte[]> context = new MockProcessorContext<>();
    KeyValueStore<String, TaskState> store = Stores.keyValueStoreBuilder(
        Stores.inMemoryKeyValueStore("task-state"), Serdes.String(), StateSerdes.taskState())
        .withLoggingDisabled().build();
    store.init(context.getStateStoreContext(), store);
    return store;
  }

  @Test
  void aWriteReachesTheStoreAtOnceAndIsReadBackWithoutDecodingAgain() {
    TaskState t = TaskState.fresh("m", "t1", 5);
    states.put("m/t1", t);
    assertThat(store.get("m/t1")).as("the store is the truth exactly-once commits").usingRecursiveComparison()
        .isEqualTo(t);
    assertThat(states.get("m/t1")).isSameAs(t);
    states.delete("m/t1");
    assertThat(store.get("m/t1")).isNull();
    assertThat(states.get("m/t1")).isNull();
  }

  @Test
  void aKeyNotHeldIsReadFromTheStoreAndAWriteAroundTheViewIsSeenOnlyAfterClear() {
    store.put("m/t1", TaskState.fresh("m", "t1", 1));
    assertThat(states.get("m/t1").firstSeen()).isEqualTo(1);
    store.put("m/t1", TaskState.fresh("m", "t1", 2)); // e.g. the legacy migration
    assertThat(states.get("m/t1").firstSeen()).isEqualTo(1);
    states.clear();
    assertThat(states.get("m/t1").firstSeen()).isEqualTo(2);
  }

  @Test
  void deferredAWriteReachesTheStoreAtAFlushOrWhenItsKeyIsDropped() {
    DecodedStates<TaskState> deferred = DecodedStates.deferring(store);
    TaskState t = TaskState.fresh("m", "t1", 5);
    deferred.put("m/t1", t);
    assertThat(store.get("m/t1")).as("written at the commit").isNull();
    assertThat(deferred.get("m/t1")).isSameAs(t);
    deferred.flush();
    assertThat(store.get("m/t1")).usingRecursiveComparison().isEqualTo(t);
    for (int i = 0; i <= DecodedStates.MAX_ENTRIES; i++) {
      deferred.put("m/x" + i, TaskState.fresh("m", "x" + i, i));
    }
    assertThat(store.get("m/x0")).as("the least recently used key went, written first").isNotNull();
    assertThat(store.get("m/x1")).isNull();
  }

  @Test
  void itHoldsABoundedNumberOfKeys() {
    for (int i = 0; i <= DecodedStates.MAX_ENTRIES; i++) {
      states.put("m/t" + i, TaskState.fresh("m", "t" + i, i));
    }
    store.put("m/t0", TaskState.fresh("m", "t0", 99)); // written around the view: seen once t0 was dropped
    assertThat(states.get("m/t0").firstSeen()).as("the least recently used key went").isEqualTo(99);
  }
}
