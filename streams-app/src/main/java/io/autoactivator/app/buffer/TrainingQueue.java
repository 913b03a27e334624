package io.autoactivator.app.buffer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.autoactivator.app.snapshot.ModelRegistry;
import io.autoactivator.app.train.TrainingHandoff;
import io.autoactivator.schemas.ModelSnapshot;

/**
 * Each model's training queue (the queue of its {@link ModelState}): READY tasks are handed to training one at a
 * time per model, in END order, each on top of the last committed snapshot; a task is committed only when this
 * instance's follower verified and loaded its snapshot; whether training was lost, and whether the task is then
 * re-submitted or quarantined, is {@link TaskLifecycle}'s answer to what the sweep sees.
 *
 * <p>A final chunk on the snapshot topic is only a hint to look (anyone who can write the topic can forge one); the
 * sweep commits every loaded version too, in case the hint came before the follower finished. A loaded version
 * commits only a task that is in training here: one naming a task still buffering (or done) becomes the model's
 * parent, but deletes nothing.
 */
final class TrainingQueue {

  private static final Logger LOG = LoggerFactory.getLogger(TrainingQueue.class);

  private final TaskBook book;
  private final TaskTransitions transitions;
  private final TrainingHandoff training;
  private final ModelRegistry registry;
  private final int maxAttempts;

  /** @param maxAttempts {@code training.max.attempts} */
  TrainingQueue(TaskBook book, TaskTransitions transitions, TrainingHandoff training, ModelRegistry registry,
      int maxAttempts) {
    this.book = book;
    this.transitions = transitions;
    this.training = training;
    this.registry = registry;
    this.maxAttempts = maxAttempts;
  }

  /** Hands the model's next task to training if it is READY and nothing of the model is training. */
  void schedule(String modelId) {
    String head = book.model(modelId).head();
    if (head == null) {
      return;
    }
    TaskState task = book.existing(modelId, head);
    if (task != null) {
      transitions.apply(task, new TaskLifecycle.Turn(), true);
    }
  }

  /**
   * The final chunk of a snapshot passed through the topic: a hint only. The task is committed once this
   * instance's follower has verified and loaded a snapshot with the same checksum.
   */
  void marker(ModelSnapshot marker, long now) {
    ModelSnapshot loaded = registry.header(marker.getModelId(), marker.getVersion()).orElse(null);
    if (loaded == null || !loaded.getChecksum().equals(marker.getChecksum())) {
      LOG.debug("snapshot {}/{} not verified and loaded here (yet): its task is not committed on its word",
          marker.getModelId(), marker.getVersion());
      return;
    }
    committed(loaded, now);
  }

  /**
   * The wall-clock sweep of every queue: commits the versions the follower loaded, tells the lifecycle what it sees
   * of each head's training ({@link TaskLifecycle.TrainingWatched}: the lifecycle re-submits a head whose training
   * was lost, or quarantines it: too many attempts, samples gone), and hands a READY head to training.
   */
  void sweep(long now) {
    for (ModelState loaded : book.models()) {
      commitLoaded(loaded, now);
      ModelState model = book.model(loaded.modelId());
      String head = model.head();
      TaskState task = head == null ? null : book.existing(model.modelId(), head);
      if (task == null) {
        continue;
      }
      // what the sweep sees; whether the last attempt was lost is the lifecycle's answer
      boolean snapshotLoaded = registry.loaded(model.modelId(), model.committedVersion() + 1);
      boolean inFlight = training.inFlight(model.modelId(), head);
      // what an attempt found out is handed over once it is over, and kept in the task's state from here on
      String unrecoverable = inFlight ? null : training.takeUnrecoverable(model.modelId(), head);
      transitions.apply(task, new TaskLifecycle.TrainingWatched(snapshotLoaded, inFlight, unrecoverable, maxAttempts,
          now), true);
      schedule(model.modelId());
    }
  }

  /** Commits every version the follower has loaded after the model's last committed one. */
  private void commitLoaded(ModelState model, long now) {
    long next = model.committedVersion() + 1;
    ModelSnapshot loaded;
    while ((loaded = registry.header(model.modelId(), next).orElse(null)) != null) {
      committed(loaded, now);
      next++;
    }
  }

  /** {@code snapshot} was verified and loaded by the follower. */
  private void committed(ModelSnapshot snapshot, long now) {
    String modelId = snapshot.getModelId();
    ModelState model = book.model(modelId);
    if (snapshot.getVersion() <= model.committedVersion() || snapshot.getTasks().isEmpty()) {
      return; // a republished snapshot (retraining after a crash) or an older one: already accounted for
    }
    String taskId = snapshot.getTasks().get(snapshot.getTasks().size() - 1).getTaskId();
    TaskState task = book.existing(modelId, taskId);
    if (task != null && task.status() != TaskStatus.TRAINING) {
      // no instance of this deployment trained it: without snapshot.signing.key, anyone who can write the snapshot
      // topic can publish a well-formed parent + 1. Every instance serves it and trains on top of it (they cannot
      // tell it apart from an operator's publish), but it never deletes the data of a task it merely names.
      LOG.error("model {} version {} names task {} as the task it trained, but that task is {} here: its data is"
          + " kept and it trains in its turn on top of version {}. A snapshot nobody here trained was published;"
          + " set snapshot.signing.key and ACLs on the snapshot topic", modelId, snapshot.getVersion(), taskId,
          task.status(), snapshot.getVersion());
      book.save(model.advancedTo(snapshot.getVersion()));
      schedule(modelId);
      return;
    }
    // a task without state (never seen here) still has its buffer deleted, and gets no state
    transitions.apply(task != null ? task : TaskState.fresh(modelId, taskId, now),
        new TaskLifecycle.Committed(snapshot.getVersion(), now), task != null);
    book.save(book.model(modelId).committed(taskId, snapshot.getVersion())); // after DELETE_BUFFER's bytes
    schedule(modelId);
  }
}
