package io.autoactivator.app.buffer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.autoactivator.app.config.Limits;
import io.autoactivator.app.ingest.Decoded;
import io.autoactivator.app.kafka.AcceptedSample;
import io.autoactivator.app.kafka.DeadLetters;
import io.autoactivator.app.kafka.RecordCodecs;
import io.autoactivator.app.kafka.StoreNames;
import io.autoactivator.app.records.Envelope;
import io.autoactivator.app.records.Outbound;
import io.autoactivator.app.records.Reason;
import io.autoactivator.app.snapshot.ModelRegistry;
import io.autoactivator.app.train.TrainingHandoff;
import io.autoactivator.app.train.TrainingRequest;
import io.autoactivator.schemas.BoundaryKind;
import io.autoactivator.schemas.ModelSnapshot;
import io.autoactivator.schemas.TaskBoundary;
import io.autoactivator.schemas.serde.SampleSummary;
import io.autoactivator.schemas.serde.SampleSummaryReader;

/**
 * The one place that decides when a task is complete. Samples, boundaries and committed-snapshot markers of a
 * model all arrive here, on the model's partition, in whatever interleaving the producers chose:
 *
 * <ul>
 *   <li>a sample is accepted (validated against its task's classes once a boundary is known; accepted samples are
 *       re-checked when the boundary arrives, and the misfits dead-lettered). The samples topic is the buffer: the
 *       state keeps where the accepted copy lies (task-samples store: per sample its id, partition, offset, size and
 *       label, in chunks per task) and the task's offset ranges, never the sample itself; training reads the task
 *       back from the log;</li>
 *   <li>quotas: {@code task.max.samples} per task and {@code model.max.buffered.bytes} per model, each a TOO_LARGE
 *       dead letter and a count in {@code autoactivator.quota.rejections};</li>
 *   <li>a task is READY when its END arrived and every sample the END announced is buffered; READY tasks are handed
 *       to the training coordinator one at a time per model, in END order, each on top of the last committed
 *       snapshot - never on this thread;</li>
 *   <li>a buffer is deleted only when the snapshot of its task was verified and loaded by this instance's follower:
 *       a final chunk on the snapshot topic is only a hint to look (anyone who can write the topic can forge one);
 *       the sweep commits every loaded version too, in case the hint came before the follower finished. A loaded
 *       version commits only a task that is in training here: one naming a task still buffering (or done) becomes
 *       the model's parent, but deletes nothing;</li>
 *   <li>a task whose training is lost {@code training.max.attempts} times, or that an operator aborts (task-events
 *       ABORT), is QUARANTINED: dead-lettered, counted, out of the queue, so the model's later tasks proceed;</li>
 *   <li>a wall-clock punctuator re-submits tasks whose training was lost (crash, rebalance) and reports tasks that
 *       stay incomplete past the timeout (status INCOMPLETE; never trained on part of their data); a task still not
 *       complete after {@code task.abandoned.timeout.ms} without a record (its END never came, or fewer samples than
 *       it announced) is QUARANTINED with a TASK_ABANDONED dead letter, so it no longer blocks its model's queue
 *       nor holds buffered bytes and classes.</li>
 * </ul>
 *
 * <p>What it decides with lives beside it, one job each: {@link TaskChecks} (may this record join its task),
 * {@link TaskLifecycle} (what an event does to a task), {@link AcceptedSamples} (where the accepted samples lie)
 * and {@link TaskMetrics}; this class reads the states, feeds them, and carries out the effects.
 */
public final class TaskProcessor implements Processor<String, Decoded, String, Outbound> {

  private static final Logger LOG = LoggerFactory.getLogger(TaskProcessor.class);
  private static final StringSerializer KEYS = new StringSerializer();

  private final RecordCodecs codecs;
  private final DeadLetters deadLetters;
  private final TrainingHandoff training;
  private final ModelRegistry registry;
  private final Duration incompleteTimeout;
  private final TaskChecks checks;
  private final TaskMetrics metrics;
  private final int maxAttempts;
  private final String samplesTopic;
  private final long abandonedTimeoutMs;
  private ProcessorContext<String, Outbound> context;
  private AcceptedSamples accepted;
  private LegacyBufferMigration legacyBuffer;
  private KeyValueStore<String, TaskState> taskStore;
  private KeyValueStore<String, ModelState> modelStore;
  private DecodedStates<TaskState> tasks;
  private DecodedStates<ModelState> models;

  /**
   * @param samplesTopic the samples topic (where the accepted samples stay; named in dead letters of samples
   *                     rejected after they were accepted)
   * @param limits       {@code training.max.attempts}, {@code task.max.samples}, {@code model.max.buffered.bytes},
   *                     {@code task.abandoned.timeout.ms}
   */
  public TaskProcessor(RecordCodecs codecs, DeadLetters deadLetters, TrainingHandoff training,
      ModelRegistry registry, Duration incompleteTimeout, String samplesTopic, Limits limits, TaskMetrics metrics) {
    this.maxAttempts = limits.maxTrainingAttempts();
    this.abandonedTimeoutMs = limits.abandonedTaskTimeoutMs();
    this.checks = new TaskChecks(limits);
    this.samplesTopic = samplesTopic;
    this.codecs = codecs;
    this.deadLetters = deadLetters;
    this.training = training;
    this.registry = registry;
    this.incompleteTimeout = incompleteTimeout;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<String, Outbound> context) {
    this.context = context;
    this.accepted = new AcceptedSamples(context.getStateStore(StoreNames.TASK_SAMPLES), metrics);
    this.taskStore = context.getStateStore(StoreNames.TASK_STATE);
    this.modelStore = context.getStateStore(StoreNames.MODEL_STATE);
    this.tasks = new DecodedStates<>(taskStore);
    this.models = new DecodedStates<>(modelStore);
    // the old task-buffer store's entries are moved before the first record or sweep is handled
    this.legacyBuffer = new LegacyBufferMigration(context.getStateStore(StoreNames.LEGACY_TASK_BUFFER), accepted,
        taskStore, modelStore, codecs, samplesTopic);
    long period = Math.max(100, Math.min(5_000, incompleteTimeout.toMillis() / 4));
    context.schedule(Duration.ofMillis(period), PunctuationType.WALL_CLOCK_TIME, this::sweep);
  }

  @Override
  public void close() {
    accepted.close();
  }

  @Override
  public void process(Record<String, Decoded> record) {
    migrateLegacyBuffer();
    Envelope envelope = record.value().accepted();
    Object parsed = record.value().parsed();
    long now = context.currentSystemTimeMs();
    switch (envelope.kind()) {
      case SAMPLE -> sample(envelope, parsed instanceof SampleSummary s ? s
          : codecs.samples().read(envelope.topic(), envelope.value(), SampleSummaryReader.INSTANCE), now);
      case BOUNDARY -> boundary(envelope, parsed instanceof TaskBoundary b ? b
          : codecs.boundaries().deserializer().deserialize(envelope.topic(), envelope.value()), now);
      case SNAPSHOT -> marker(parsed instanceof ModelSnapshot m ? m
          : codecs.snapshots().deserializer().deserialize(envelope.topic(), envelope.value()), now);
      default -> LOG.error("unexpected {} record on the task stream, ignored", envelope.kind());
    }
  }

  private void sample(Envelope envelope, SampleSummary s, long now) {
    String modelId = s.modelId();
    String taskId = s.taskId();
    TaskState task = task(modelId, taskId, now);
    ModelState model = model(modelId);
    int size = envelope.value().length;
    if (refused(envelope, checks.sample(task, model, s, size, () -> accepted.contains(modelId, taskId,
        s.sampleId())), now)) {
      return;
    }
    int length = Math.toIntExact(s.featureCount()); // at most input.max.features, checked on decode
    models.put(modelId, (model.dimension() == 0 ? model.withDimension(length) : model).buffering(size));
    accepted.add(modelId, taskId, s.sampleId(), new AcceptedSample(envelope.partition(), envelope.offset(), size, s.label()));
    TaskState grown = task.withSample(envelope.partition(), envelope.offset(), size, now);
    if (apply(grown, new TaskLifecycle.Buffered(grown.received(), now), true).status() == TaskStatus.READY) {
      schedule(modelId); // only a sample that completes its task can start a training
    }
  }

  private void boundary(Envelope envelope, TaskBoundary b, long now) {
    String modelId = b.getModelId();
    String taskId = b.getTaskId();
    TaskState task = task(modelId, taskId, now);
    if (b.getKind() == BoundaryKind.ABORT) {
      abort(envelope, task, now);
      return;
    }
    int[] classes = b.getClasses().stream().mapToInt(Integer::intValue).sorted().toArray();
    if (refused(envelope, checks.boundary(task, b, classes, () -> classOwner(modelId, taskId, classes)), now)) {
      return;
    }
    boolean end = b.getKind() == BoundaryKind.END;
    if (!task.classesKnown()) {
      task = purgeForeignLabels(task, classes, now);
    }
    long received = task.received();
    if (end && received > b.getExpectedSampleCount()) {
      reject(envelope, Reason.COUNT_MISMATCH, "task " + taskId + " END announces " + b.getExpectedSampleCount()
          + " samples, but " + received + " are already buffered", now);
      apply(task, new TaskLifecycle.Buffered(received, now), true);
      return;
    }
    apply(task, end ? new TaskLifecycle.Ended(classes, b.getExpectedSampleCount(), received, now)
        : new TaskLifecycle.Started(classes, received, now), true);
    schedule(modelId);
  }

  /** An operator's ABORT: the task leaves the queue for good, its buffer and its claim on classes go. */
  private void abort(Envelope envelope, TaskState task, long now) {
    if (task.status() == TaskStatus.TRAINED || task.status() == TaskStatus.QUARANTINED) {
      reject(envelope, Reason.TASK_ALREADY_TRAINED, "task " + task.taskId() + " is " + task.status()
          + ": nothing to abort", now);
      return;
    }
    LOG.warn("model {} task {} aborted by an operator ({})", task.modelId(), task.taskId(), task);
    TaskState next = apply(task, new TaskLifecycle.Aborted(now), true);
    reject(envelope, Reason.TASK_ABORTED, "task " + task.taskId() + " aborted: " + next, now);
    releaseDimension(task.modelId());
    schedule(task.modelId());
  }

  /**
   * A model with no trained version and no buffered sample left forgets its input dimension, so a stray first
   * sample of the wrong length stops fixing it once an operator aborted its task.
   */
  private void releaseDimension(String modelId) {
    ModelState model = model(modelId);
    if (model.committedVersion() != 0 || model.dimension() == 0) {
      return;
    }
    try (KeyValueIterator<String, TaskState> it = taskStore.prefixScan(modelId + "/", KEYS)) {
      while (it.hasNext()) {
        TaskState other = it.next().value;
        if (other.status() != TaskStatus.QUARANTINED && other.received() > 0) {
          return;
        }
      }
    }
    LOG.info("model {}: no sample buffered and no version trained; its input dimension is free again", modelId);
    models.put(modelId, model.withDimension(0));
  }

  /**
   * The final chunk of a snapshot passed through the topic: a hint only. The task is committed once this
   * instance's follower has verified and loaded a snapshot with the same checksum.
   */
  private void marker(ModelSnapshot marker, long now) {
    ModelSnapshot loaded = registry.header(marker.getModelId(), marker.getVersion()).orElse(null);
    if (loaded == null || !loaded.getChecksum().equals(marker.getChecksum())) {
      LOG.debug("snapshot {}/{} not verified and loaded here (yet): its task is not committed on its word",
          marker.getModelId(), marker.getVersion());
      return;
    }
    committed(loaded, now);
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
    ModelState model = model(modelId);
    if (snapshot.getVersion() <= model.committedVersion() || snapshot.getTasks().isEmpty()) {
      return; // a republished snapshot (retraining after a crash) or an older one: already accounted for
    }
    String taskId = snapshot.getTasks().get(snapshot.getTasks().size() - 1).getTaskId();
    TaskState task = tasks.get(StoreNames.taskKey(modelId, taskId));
    if (task != null && task.status() != TaskStatus.TRAINING) {
      // no instance of this deployment trained it: without snapshot.signing.key, anyone who can write the snapshot
      // topic can publish a well-formed parent + 1. Every instance serves it and trains on top of it (they cannot
      // tell it apart from an operator's publish), but it never deletes the data of a task it merely names.
      LOG.error("model {} version {} names task {} as the task it trained, but that task is {} here: its data is"
          + " kept and it trains in its turn on top of version {}. A snapshot nobody here trained was published;"
          + " set snapshot.signing.key and ACLs on the snapshot topic", modelId, snapshot.getVersion(), taskId,
          task.status(), snapshot.getVersion());
      models.put(modelId, model.advancedTo(snapshot.getVersion()));
      schedule(modelId);
      return;
    }
    // a task without state (never seen here) still has its buffer deleted, and gets no state
    apply(task != null ? task : TaskState.fresh(modelId, taskId, now),
        new TaskLifecycle.Committed(snapshot.getVersion(), now), task != null);
    models.put(modelId, model(modelId).committed(taskId, snapshot.getVersion())); // after DELETE_BUFFER's bytes
    schedule(modelId);
  }

  /** Runs the legacy migration once; it writes the stores directly, so the decoded states start over after it. */
  private void migrateLegacyBuffer() {
    if (legacyBuffer.runOnce()) {
      tasks.clear();
      models.clear();
    }
  }

  /** Hands the model's next task to training if it is READY and nothing of the model is training. */
  private void schedule(String modelId) {
    ModelState model = models.get(modelId);
    String head = model == null ? null : model.head();
    if (head == null) {
      return;
    }
    TaskState task = tasks.get(StoreNames.taskKey(modelId, head));
    if (task != null) {
      apply(task, new TaskLifecycle.Turn(), true);
    }
  }

  private void submit(ModelState model, TaskState task) {
    LOG.info("model {} task {}: {} samples handed to training on top of version {}", model.modelId(),
        task.taskId(), task.received(), model.committedVersion());
    training.submit(new TrainingRequest(model.modelId(), task.taskId(), model.committedVersion(),
        task.classes().clone(),
        task.expected()));
  }

  /** Wall-clock sweep: re-submits lost training, reports incomplete tasks. */
  private void sweep(long now) {
    migrateLegacyBuffer();
    List<ModelState> all = new ArrayList<>();
    try (KeyValueIterator<String, ModelState> it = modelStore.all()) {
      it.forEachRemaining(kv -> all.add(kv.value));
    }
    for (ModelState loaded : all) {
      commitLoaded(loaded, now);
      ModelState model = model(loaded.modelId());
      String head = model.head();
      TaskState task = head == null ? null : tasks.get(StoreNames.taskKey(model.modelId(), head));
      if (task == null) {
        continue;
      }
      boolean committed = registry.loaded(model.modelId(), model.committedVersion() + 1);
      if (task.status() == TaskStatus.TRAINING && !committed && !training.inFlight(model.modelId(), head)) {
        boolean lost = training.unrecoverable(model.modelId(), head) != null;
        apply(task, lost ? new TaskLifecycle.SamplesLost(now) : new TaskLifecycle.TrainingLost(maxAttempts, now),
            true);
        if (lost) {
          releaseDimension(model.modelId());
        }
        schedule(model.modelId());
      } else if (task.status() == TaskStatus.READY) {
        schedule(model.modelId());
      }
    }
    List<TaskState> states = new ArrayList<>();
    try (KeyValueIterator<String, TaskState> it = taskStore.all()) {
      it.forEachRemaining(kv -> states.add(kv.value));
    }
    TaskLifecycle.Swept swept = new TaskLifecycle.Swept(now, incompleteTimeout.toMillis(), abandonedTimeoutMs);
    for (TaskState t : states) {
      if (apply(t, swept, true).status() == TaskStatus.QUARANTINED && t.status() != TaskStatus.QUARANTINED) {
        releaseDimension(t.modelId());
        schedule(t.modelId());
      }
    }
  }

  /**
   * Moves {@code task} through its lifecycle: saves the new state (if {@code save} and the event changed it), then
   * carries out the effects.
   */
  private TaskState apply(TaskState task, TaskLifecycle.Event event, boolean save) {
    TaskLifecycle.Transition transition = TaskLifecycle.apply(task, event);
    TaskState next = transition.state();
    if (save && next != task) {
      save(next);
    }
    for (TaskLifecycle.Effect effect : transition.effects()) {
      switch (effect) {
        case ENQUEUE -> models.put(next.modelId(), model(next.modelId()).enqueue(next.taskId()));
        case SUBMIT_TRAINING -> submit(model(next.modelId()), next);
        case RESUBMIT_TRAINING -> {
          LOG.warn("model {} task {} was in training but no instance is training it here: re-submitting"
              + " (attempt {})", next.modelId(), next.taskId(), next.attempts());
          submit(model(next.modelId()), next);
        }
        case DELETE_BUFFER -> {
          int forgotten = accepted.forgetTask(next.modelId(), next.taskId());
          models.put(next.modelId(), model(next.modelId()).buffering(-task.bytes()));
          LOG.info("model {} task {} {}; {} accepted samples ({} bytes on {}) forgotten", next.modelId(),
              next.taskId(), next.status() == TaskStatus.TRAINED ? "committed as version " + next.version()
                  : "quarantined", forgotten, task.bytes(), samplesTopic);
        }
        case REPORT_SAMPLES_LOST -> {
          metrics.samplesExpired();
          String why = training.unrecoverable(next.modelId(), next.taskId());
          LOG.error("model {} task {}: {}; quarantined instead of trained on part of its data. Raise retention.ms"
              + " (and retention.bytes) of the samples topic {} above the longest time a task waits to train, then"
              + " publish the task again under a new task id", next.modelId(), next.taskId(), why, samplesTopic);
          reject(origin(next), Reason.SAMPLES_EXPIRED, "task " + next.taskId() + " of model " + next.modelId()
              + ": " + why + "; raise retention.ms of " + samplesTopic + " and publish the task again under a new"
              + " task id",
              context.currentSystemTimeMs());
        }
        case DEQUEUE -> models.put(next.modelId(), model(next.modelId()).dequeue(next.taskId()));
        case REPORT_QUARANTINED -> {
          metrics.quarantined();
          if (!(event instanceof TaskLifecycle.Aborted)) {
            LOG.error("model {} task {} quarantined after {} training attempts; the model's later tasks proceed",
                next.modelId(), next.taskId(), next.attempts());
            reject(origin(next), Reason.TASK_QUARANTINED, "task " + next.taskId() + " of model " + next.modelId()
                + " failed training " + next.attempts() + " times (training.max.attempts): quarantined",
                context.currentSystemTimeMs());
          }
        }
        case REPORT_ABANDONED -> {
          metrics.abandoned();
          String why = "task " + next.taskId() + " of model " + next.modelId() + " got no record for "
              + Duration.ofMillis(abandonedTimeoutMs) + " (task.abandoned.timeout.ms) while " + describe(task)
              + ": quarantined, its " + task.received() + " buffered samples forgotten and its classes released;"
              + " the model's later tasks proceed. Publish it again under a new task id";
          LOG.error("model {}: {}", next.modelId(), why);
          reject(origin(next), Reason.TASK_ABANDONED, why, context.currentSystemTimeMs());
        }
        case REPORT_INCOMPLETE -> {
          LOG.warn("task {} is incomplete after {}: {} - it will not be trained until its samples arrive",
              task.taskId(), incompleteTimeout, task);
          metrics.incomplete();
        }
        case FORGET_STATE -> tasks.delete(StoreNames.taskKey(next.modelId(), next.taskId()));
        default -> throw new IllegalStateException("unhandled effect " + effect);
      }
    }
    return next;
  }

  /**
   * Forgets and dead-letters accepted samples whose label is not in {@code classes}; returns the task without them
   * (its count and bytes; its offset ranges stay, training reads only the accepted offsets within them).
   */
  private TaskState purgeForeignLabels(TaskState task, int[] classes, long now) {
    AcceptedSamples.Kept kept = accepted.keepOnly(task.modelId(), task.taskId(), classes);
    for (AcceptedSamples.Dropped d : kept.dropped()) {
      AcceptedSample a = d.sample();
      Envelope e = new Envelope(Envelope.Kind.SAMPLE, samplesTopic, a.partition(), a.offset(), now, null, null);
      reject(e, Reason.UNKNOWN_LABEL, "label " + a.label() + " of sample " + d.sampleId() + " is not one of task "
          + task.taskId() + "'s classes " + Arrays.toString(classes) + " (checked when the boundary arrived; the"
          + " record is at " + samplesTopic + "-" + a.partition() + "@" + a.offset() + ")", now);
    }
    if (kept.dropped().isEmpty()) {
      return task;
    }
    models.put(task.modelId(), model(task.modelId()).buffering(-kept.droppedBytes()));
    return task.withoutBytes(kept.droppedBytes()).withReceived(kept.kept(), now);
  }

  /** Another task of the model that announced one of {@code classes}, or null. */
  private String classOwner(String modelId, String taskId, int[] classes) {
    try (KeyValueIterator<String, TaskState> it = taskStore.prefixScan(modelId + "/", KEYS)) {
      while (it.hasNext()) {
        TaskState other = it.next().value;
        if (!other.taskId().equals(taskId) && Arrays.stream(other.classes()).anyMatch(c -> contains(classes, c))) {
          return other.taskId();
        }
      }
    }
    return null;
  }

  private static boolean contains(int[] values, int value) {
    return Arrays.stream(values).anyMatch(v -> v == value);
  }

  private TaskState task(String modelId, String taskId, long now) {
    TaskState task = tasks.get(StoreNames.taskKey(modelId, taskId));
    return task != null ? task : TaskState.fresh(modelId, taskId, now);
  }

  private ModelState model(String modelId) {
    ModelState model = models.get(modelId);
    return model != null ? model : ModelState.fresh(modelId);
  }

  private void save(TaskState task) {
    tasks.put(StoreNames.taskKey(task.modelId(), task.taskId()), task);
  }

  /** What a task that is not complete is waiting for. */
  private static String describe(TaskState task) {
    return task.endSeen() ? "its END announced " + task.expected() + " samples and " + task.received()
        + " arrived" : "its END never came (" + task.received() + " samples buffered)";
  }

  /** Where a dead letter about a whole task says it came from. */
  private Envelope origin(TaskState task) {
    return new Envelope(Envelope.Kind.BOUNDARY, "task " + task.modelId() + "/" + task.taskId(), -1, -1,
        context.currentSystemTimeMs(), task.modelId().getBytes(StandardCharsets.UTF_8), null);
  }

  /** Dead-letters {@code envelope} when {@code refusal} says so (counting its quota); true when it did. */
  private boolean refused(Envelope envelope, TaskChecks.Refusal refusal, long now) {
    if (refusal == null) {
      return false;
    }
    if (refusal.quota() != null) {
      deadLetters.countQuota(refusal.quota());
    }
    reject(envelope, refusal.reason(), refusal.message(), now);
    return true;
  }

  private void reject(Envelope envelope, Reason reason, String message, long now) {
    context.forward(new Record<>(envelope.topic(), deadLetters.reject(envelope, reason, message, now), now));
  }
}
