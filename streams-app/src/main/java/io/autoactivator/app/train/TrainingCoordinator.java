package io.autoactivator.app.train;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.autoactivator.app.config.AppSettings;
import io.autoactivator.app.snapshot.ModelCatalog;
import io.autoactivator.app.snapshot.SnapshotCodec;
import io.autoactivator.app.snapshot.SnapshotHeaders;
import io.autoactivator.app.snapshot.SnapshotPublisher;
import io.autoactivator.model.api.ClassIncrementalModel;
import io.autoactivator.model.api.IncrementalLearner;
import io.autoactivator.model.api.TrainingListener;
import io.autoactivator.model.snapshot.Provenance;
import io.autoactivator.model.snapshot.SnapshotBytes;
import io.autoactivator.schemas.ModelSnapshot;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Trains tasks off the stream threads, one at a time on a single thread per instance: hands the learner the task as
 * a source that reads its accepted samples back from the samples topic ({@link SampleSource}), learns on top of the
 * parent snapshot's model, writes the snapshot and publishes it, and
 * returns once the broker acknowledged it. It changes no state store: the topology sees the snapshot come back on
 * the snapshot topic and only then marks the task trained and deletes its buffer.
 *
 * <p>Failures are logged and forgotten: the task stays TRAINING in the task state, and the task processor's sweep
 * re-submits it (the attempts are counted in the task state, not here). Because training is deterministic and the
 * version is parent + 1, a retry publishes the same snapshot again, which every reader ignores as already known. A
 * task whose samples retention deleted is the exception: it is never retried, {@link #takeUnrecoverable} hands the
 * reason over once, and the task processor quarantines it with that cause. What this remembers beyond the task
 * states is in {@link TrainingOutcomes}, which forgets each entry once it is no longer news.
 */
public final class TrainingCoordinator implements TrainingHandoff, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(TrainingCoordinator.class);
  private static final long PARENT_WAIT_MS = 60_000;

  private final AppSettings settings;
  private final IncrementalLearner learner;
  private final SampleSource samples;
  private final ModelCatalog catalog;
  private final SnapshotCodec codec;
  private final SnapshotPublisher publisher;
  private final Timer trainingTime;
  private final Counter failures;
  private final Counter expired;
  private final ExecutorService executor;
  /** "model/task" of the tasks queued or training here: each goes when its training ends, however it ends. */
  private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
  /** Snapshots published here and not loaded yet; tasks found untrainable and not taken yet. */
  private final TrainingOutcomes outcomes;
  private volatile boolean closing;

  public TrainingCoordinator(AppSettings settings, IncrementalLearner learner, SampleSource samples,
      ModelCatalog catalog, SnapshotCodec codec, SnapshotPublisher publisher, MeterRegistry meters) {
    this.settings = settings;
    this.learner = learner;
    this.samples = samples;
    this.catalog = catalog;
    this.codec = codec;
    this.publisher = publisher;
    this.outcomes = new TrainingOutcomes(catalog::loaded);
    this.trainingTime = Timer.builder("autoactivator.training.seconds").description("time to learn one task")
        .register(meters);
    this.failures = Counter.builder("autoactivator.training.failures")
        .description("training attempts that failed (retried by the sweep)").register(meters);
    this.expired = Counter.builder("autoactivator.training.samples.expired")
        .description("training attempts that found samples of their task deleted by retention").register(meters);
    this.executor = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "training-" + settings.instanceId());
      t.setDaemon(true);
      return t;
    });
  }

  @Override
  public void submit(TrainingRequest request) {
    String key = request.modelId() + "/" + request.taskId();
    if (closing || outcomes.onItsWayBack(request.modelId(), request.taskId())
        || loaded(request.modelId(), request.version()) || !inFlight.add(key)) {
      return;
    }
    outcomes.submitted(request.modelId(), request.taskId());
    executor.execute(() -> {
      try {
        train(request);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        LOG.info("training of {} abandoned (closing); it is redone after restart", key);
      } catch (SamplesExpiredException e) {
        expired.increment();
        outcomes.unrecoverable(request.modelId(), request.taskId(), e.getMessage());
        LOG.error("training of {} is impossible: {}. Set retention.ms (and retention.bytes) of {} above the"
            + " longest time a task waits to train", key, e.getMessage(), settings.topics().samples());
      } catch (OutOfMemoryError e) {
        // the task's arrays are garbage once the stack unwinds: the instance goes on, the sweep retries or quarantines
        failures.increment();
        LOG.error("training of {} ({} samples) ran out of heap (-Xmx {} MB): the learner {} holds the task in memory;"
            + " give the instance more heap or bound tasks with task.max.samples", key, request.expected(),
            Runtime.getRuntime().maxMemory() >> 20, learner.name());
      } catch (Exception e) {
        failures.increment();
        LOG.error("training of {} failed; the sweep will retry it", key, e);
      } finally {
        inFlight.remove(key);
      }
    });
  }

  @Override
  public boolean inFlight(String modelId, String taskId) {
    return inFlight.contains(modelId + "/" + taskId) || outcomes.onItsWayBack(modelId, taskId);
  }

  @Override
  public String takeUnrecoverable(String modelId, String taskId) {
    return outcomes.takeUnrecoverable(modelId, taskId);
  }

  private boolean loaded(String modelId, long version) {
    return catalog.loaded(modelId, version);
  }

  private void train(TrainingRequest request) throws Exception {
    LogTaskSource task = samples.task(request.modelId(), request.taskId(), request.classes());
    if (task.size() != request.expected()) {
      throw new IllegalStateException("task " + request.taskId() + " has " + task.size()
          + " accepted samples, its END announced " + request.expected());
    }
    Map<String, Long> offsets = task.endOffsets();
    ClassIncrementalModel parent = parent(request);
    if (closing) {
      throw new InterruptedException("closing");
    }
    long start = System.nanoTime();
    ClassIncrementalModel model = learner.learn(parent, task, TrainingListener.NONE);
    long nanos = System.nanoTime() - start;
    trainingTime.record(nanos, TimeUnit.NANOSECONDS);
    if (closing) {
      throw new InterruptedException("closing");
    }
    Provenance provenance = Provenance.of(model, request.modelId(), request.version(),
        request.parentVersion() == 0 ? null : request.parentVersion(), settings.seed(), settings.learnerOptions(),
        learner.configHash(), offsets, SnapshotHeaders.codeVersion());
    SnapshotBytes payload = codec.encode(model, provenance);
    ModelSnapshot header = SnapshotHeaders.of(provenance, sampleCounts(request, task.size()), payload, Instant.now());
    int chunks = publisher.publish(header, payload.bytes());
    outcomes.published(request.modelId(), request.taskId(), request.version());
    LOG.info("model {} task {}: trained in {} ms on {} samples, version {} published ({} bytes, {} chunks)",
        request.modelId(), request.taskId(), nanos / 1_000_000, task.size(), request.version(), payload.length(),
        chunks);
  }

  /** The parent model, waiting for the follower to load it (it is committed, so it arrives). */
  private ClassIncrementalModel parent(TrainingRequest request) throws InterruptedException {
    if (request.parentVersion() == 0) {
      return null;
    }
    long deadline = System.currentTimeMillis() + PARENT_WAIT_MS;
    while (!closing && System.currentTimeMillis() < deadline) {
      ClassIncrementalModel parent = catalog.model(request.modelId(), request.parentVersion()).orElse(null);
      if (parent != null) {
        return parent;
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("parent version " + request.parentVersion() + " of model "
        + request.modelId() + " is not loaded");
  }

  /** Samples per task: the parent's counts (from its header) and this task's. */
  private Map<String, Long> sampleCounts(TrainingRequest request, int sampleCount) {
    Map<String, Long> counts = new HashMap<>();
    catalog.header(request.modelId(), request.parentVersion()).ifPresent(parent ->
        parent.getTasks().forEach(t -> counts.put(t.getTaskId(), t.getSampleCount())));
    counts.put(request.taskId(), (long) sampleCount);
    return counts;
  }

  /** Stops: queued training is dropped, running training is interrupted (it is redone after restart). */
  @Override
  public void close() throws InterruptedException {
    closing = true;
    executor.shutdownNow();
    if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
      LOG.warn("training thread still busy after 10 s; abandoned (daemon thread)");
    }
  }
}
