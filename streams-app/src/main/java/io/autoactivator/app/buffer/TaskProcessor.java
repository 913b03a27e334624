package io.autoactivator.app.buffer;

import java.time.Duration;
import java.util.Arrays;

import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.autoactivator.app.config.Limits;
import io.autoactivator.app.ingest.Decoded;
import io.autoactivator.app.kafka.AcceptedSample;
import io.autoactivator.app.kafka.BeforeCommitStore;
import io.autoactivator.app.kafka.DeadLetters;
import io.autoactivator.app.kafka.RecordCodecs;
import io.autoactivator.app.kafka.StoreNames;
import io.autoactivator.app.records.Envelope;
import io.autoactivator.app.records.Outbound;
import io.autoactivator.app.records.Reason;
import io.autoactivator.app.snapshot.ModelRegistry;
import io.autoactivator.app.train.TrainingHandoff;
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
 * {@link TaskLifecycle} (what an event does to a task), {@link TaskTransitions} (saves the lifecycle's answer and
 * carries out its effects), {@link TrainingQueue} (each model's queue: hand-off, commit, lost training),
 * {@link TaskBook} (the task and model states), {@link AcceptedSamples} (where the accepted samples lie),
 * {@link TaskRejections} (dead letters) and {@link TaskMetrics}; this class checks each record, keeps the buffer,
 * feeds the events, and runs the sweep.
 */
public final class TaskProcessor implements Processor<String, Decoded, String, Outbound> {

  private static final Logger LOG = LoggerFactory.getLogger(TaskProcessor.class);

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
  private TaskBook book;
  private TaskRejections rejections;
  private TaskTransitions transitions;
  private TrainingQueue queue;

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
    KeyValueStore<String, byte[]> samplesStore = context.getStateStore(StoreNames.TASK_SAMPLES);
    KeyValueStore<String, TaskState> taskStore = context.getStateStore(StoreNames.TASK_STATE);
    KeyValueStore<String, ModelState> modelStore = context.getStateStore(StoreNames.MODEL_STATE);
    // What a sample changes (its task's open chunk, the task and model states) is written to the stores once per
    // commit, by the hook the three stores run before it (whichever runs first writes all three), or at once
    // when a store has no hook.
    Runnable flush = this::flush;
    boolean hooked = BeforeCommitStore.onCommit(samplesStore, flush) & BeforeCommitStore.onCommit(taskStore, flush)
        & BeforeCommitStore.onCommit(modelStore, flush);
    this.accepted = new AcceptedSamples(samplesStore, metrics, hooked);
    this.book = new TaskBook(taskStore, modelStore, hooked);
    this.rejections = new TaskRejections(context, deadLetters);
    this.transitions = new TaskTransitions(book, accepted, training, rejections, metrics, samplesTopic,
        incompleteTimeout, abandonedTimeoutMs);
    this.queue = new TrainingQueue(book, transitions, training, registry, maxAttempts);
    // the old task-buffer store's entries are moved before the first record or sweep is handled
    this.legacyBuffer = new LegacyBufferMigration(context.getStateStore(StoreNames.LEGACY_TASK_BUFFER), accepted,
        taskStore, modelStore, codecs, samplesTopic);
    long period = Math.max(100, Math.min(5_000, incompleteTimeout.toMillis() / 4));
    context.schedule(Duration.ofMillis(period), PunctuationType.WALL_CLOCK_TIME, this::sweep);
  }

  /** Writes what the processor holds in memory to the stores (before every commit; where it must be seen). */
  private void flush() {
    accepted.flush();
    book.flush();
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
      case BOUNDARY -> {
        boundary(envelope, parsed instanceof TaskBoundary b ? b
            : codecs.boundaries().deserializer().deserialize(envelope.topic(), envelope.value()), now);
        flush(); // a change of status is in the stores (and status pages) at once; only counts wait
      }
      case SNAPSHOT -> {
        queue.marker(parsed instanceof ModelSnapshot m ? m
            : codecs.snapshots().deserializer().deserialize(envelope.topic(), envelope.value()), now);
        flush();
      }
      default -> LOG.error("unexpected {} record on the task stream, ignored", envelope.kind());
    }
  }

  private void sample(Envelope envelope, SampleSummary s, long now) {
    String modelId = s.modelId();
    String taskId = s.taskId();
    TaskState task = book.task(modelId, taskId, now);
    ModelState model = book.model(modelId);
    int size = envelope.value().length;
    if (rejections.refused(envelope, checks.sample(task, model, s, size, () -> accepted.contains(modelId, taskId,
        s.sampleId())), now)) {
      return;
    }
    int length = Math.toIntExact(s.featureCount()); // at most input.max.features, checked on decode
    book.save((model.dimension() == 0 ? model.withDimension(length) : model).buffering(size));
    accepted.add(modelId, taskId, s.sampleId(), new AcceptedSample(envelope.partition(), envelope.offset(), size, s.label()));
    TaskState grown = task.withSample(envelope.partition(), envelope.offset(), size, now);
    if (transitions.apply(grown, new TaskLifecycle.Buffered(grown.received(), now), true).status()
        == TaskStatus.READY) {
      flush(); // training reads the task's accepted samples from the store, from another thread
      queue.schedule(modelId); // only a sample that completes its task can start a training
    }
  }

  private void boundary(Envelope envelope, TaskBoundary b, long now) {
    String modelId = b.getModelId();
    String taskId = b.getTaskId();
    TaskState task = book.task(modelId, taskId, now);
    if (b.getKind() == BoundaryKind.ABORT) {
      abort(envelope, task, now);
      return;
    }
    int[] classes = b.getClasses().stream().mapToInt(Integer::intValue).sorted().toArray();
    if (rejections.refused(envelope, checks.boundary(task, b, classes,
        () -> book.classOwner(modelId, taskId, classes)), now)) {
      return;
    }
    boolean end = b.getKind() == BoundaryKind.END;
    if (!task.classesKnown()) {
      task = purgeForeignLabels(task, classes, now);
    }
    long received = task.received();
    if (end && received > b.getExpectedSampleCount()) {
      rejections.reject(envelope, Reason.COUNT_MISMATCH, "task " + taskId + " END announces "
          + b.getExpectedSampleCount() + " samples, but " + received + " are already buffered", now);
      transitions.apply(task, new TaskLifecycle.Buffered(received, now), true);
      return;
    }
    transitions.apply(task, end ? new TaskLifecycle.Ended(classes, b.getExpectedSampleCount(), received, now)
        : new TaskLifecycle.Started(classes, received, now), true);
    queue.schedule(modelId);
  }

  /** An operator's ABORT: the task leaves the queue for good, its buffer and its claim on classes go. */
  private void abort(Envelope envelope, TaskState task, long now) {
    if (task.status() == TaskStatus.TRAINED || task.status() == TaskStatus.QUARANTINED) {
      rejections.reject(envelope, Reason.TASK_ALREADY_TRAINED, "task " + task.taskId() + " is " + task.status()
          + ": nothing to abort", now);
      return;
    }
    LOG.warn("model {} task {} aborted by an operator ({})", task.modelId(), task.taskId(), task);
    TaskState next = transitions.apply(task, new TaskLifecycle.Aborted(now), true);
    rejections.reject(envelope, Reason.TASK_ABORTED, "task " + task.taskId() + " aborted: " + next, now);
    book.releaseDimension(task.modelId());
    queue.schedule(task.modelId());
  }

  /** Runs the legacy migration once; it writes the stores directly, so the decoded states start over after it. */
  private void migrateLegacyBuffer() {
    if (legacyBuffer.pending()) {
      flush(); // the migration reads the stores
      legacyBuffer.runOnce();
      book.reread();
    }
  }

  /**
   * Wall-clock sweep: the training queues first (commits, lost training re-submitted or quarantined), then every
   * task's timeouts (incomplete reported, abandoned quarantined).
   */
  private void sweep(long now) {
    migrateLegacyBuffer();
    queue.sweep(now);
    TaskLifecycle.Swept swept = new TaskLifecycle.Swept(now, incompleteTimeout.toMillis(), abandonedTimeoutMs);
    for (TaskState t : book.tasks()) {
      if (transitions.apply(t, swept, true).status() == TaskStatus.QUARANTINED
          && t.status() != TaskStatus.QUARANTINED) {
        book.releaseDimension(t.modelId());
        queue.schedule(t.modelId());
      }
    }
    flush();
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
      rejections.reject(e, Reason.UNKNOWN_LABEL, "label " + a.label() + " of sample " + d.sampleId()
          + " is not one of task " + task.taskId() + "'s classes " + Arrays.toString(classes) + " (checked when the"
          + " boundary arrived; the record is at " + samplesTopic + "-" + a.partition() + "@" + a.offset() + ")",
          now);
    }
    if (kept.dropped().isEmpty()) {
      return task;
    }
    book.save(book.model(task.modelId()).buffering(-kept.droppedBytes()));
    return task.withoutBytes(kept.droppedBytes()).withReceived(kept.kept(), now);
  }
}
