package io.autoactivator.app.train;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What this instance's training knows about a task before the task's state can: the snapshot it published and the
 * follower has not loaded yet (on its way back through the snapshot topic: not to be trained again), and that the
 * task can never train (its samples are gone), until the task processor takes that into the task's state. It
 * decides nothing about a task's life ({@code buffer/TaskLifecycle} does, from the changelogged task state), and
 * it keeps nothing once it is no longer news: a publication goes when its version is loaded, a finding when it is
 * taken or the task is submitted again.
 *
 * <p>Each kind holds at most {@value #MAX_ENTRIES} tasks, oldest out (a finding nobody takes: the task's partition
 * moved to another instance before the sweep came). Losing an entry costs one more training attempt, which
 * publishes the same snapshot again or finds the same gap again, never a wrong answer.
 */
final class TrainingOutcomes {

  static final int MAX_ENTRIES = 1_024;

  /** Whether the follower has loaded a version of a model. */
  interface Loaded {
    boolean loaded(String modelId, long version);
  }

  private record Key(String modelId, String taskId) {
  }

  private final Loaded loaded;
  private final Map<Key, Long> published = bounded();
  private final Map<Key, String> unrecoverable = bounded();

  TrainingOutcomes(Loaded loaded) {
    this.loaded = loaded;
  }

  /** This instance published {@code version} of the task's model for the task; the broker acknowledged it. */
  synchronized void published(String modelId, String taskId, long version) {
    published.put(new Key(modelId, taskId), version);
  }

  /**
   * True while the snapshot this instance published for the task is not loaded. Every publication whose version
   * is loaded is forgotten here, this task's or not.
   */
  synchronized boolean onItsWayBack(String modelId, String taskId) {
    published.entrySet().removeIf(e -> loaded.loaded(e.getKey().modelId(), e.getValue()));
    return published.containsKey(new Key(modelId, taskId));
  }

  /** Training found that the task can never train, and why. */
  synchronized void unrecoverable(String modelId, String taskId, String why) {
    unrecoverable.put(new Key(modelId, taskId), why);
  }

  /** Why the task can never train, or null; forgotten once taken. */
  synchronized String takeUnrecoverable(String modelId, String taskId) {
    return unrecoverable.remove(new Key(modelId, taskId));
  }

  /** The task is handed to training again: what an earlier attempt found is no longer news. */
  synchronized void submitted(String modelId, String taskId) {
    unrecoverable.remove(new Key(modelId, taskId));
  }

  /** Tasks remembered, of both kinds (what this holds in memory). */
  synchronized int size() {
    return published.size() + unrecoverable.size();
  }

  private static <V> Map<Key, V> bounded() {
    return new LinkedHashMap<>(16, 0.75f, false) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<Key, V> eldest) {
        return size() > MAX_ENTRIES;
      }
    };
  }
}
