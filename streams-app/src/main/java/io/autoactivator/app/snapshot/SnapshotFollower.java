package io.autoactivator.app.snapshot;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.autoactivator.app.config.Limits;
import io.autoactivator.app.kafka.Topic;
import io.autoactivator.app.kafka.TopicEnd;
import io.autoactivator.schemas.ModelCommand;
import io.autoactivator.schemas.ModelSnapshot;

/**
 * Keeps this instance's {@link ModelCatalog} equal to the snapshot and command topics: a plain consumer (no group:
 * every instance reads everything) assigned every partition of both topics from the beginning. Snapshots are
 * reassembled, verified (bounds before any allocation, size, checksum, the payload's own provenance against its
 * header) and swapped in; the serving decision is folded from both logs ({@link PendingCommands}). Records it cannot
 * use are logged and skipped here, one at a time: the topology dead-letters them once for the whole deployment.
 *
 * <p>At start the command topic is read to its end before any snapshot record: the catalog keeps only some versions
 * in memory ({@code serving.retained.versions}, plus the serving ones), and knowing every PIN and ROLLBACK first keeps
 * a pinned old version from being evicted while the newer ones replay.
 *
 * <p>The follower never stops on a record or a transient error: a record that fails is skipped, and an error of the
 * consumer itself is logged and the loop resumes after a back-off (from where it was). {@link #live()} is false only
 * when its thread has died; {@link #caughtUp()} turns true once the positions reach the end offsets seen at start,
 * and {@link #healthy()} is false while polls keep failing: until then the instance is not ready to serve.
 *
 * <p>After that, the catalog's {@link ModelRegistry#followedUntil} tells how far this follower has read: the time of
 * the latest look-up of the snapshot topic's end that its positions have reached. The command check waits for it to
 * pass a command's timestamp before it says that the followers drop the command.
 */
public final class SnapshotFollower implements Runnable, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SnapshotFollower.class);
  /** Kafka's default.api.timeout.ms. */
  private static final Duration END_OFFSETS_TIMEOUT = Duration.ofMinutes(1);
  private static final long MAX_BACKOFF_MS = 30_000;
  /** How often the snapshot topic's end is looked up again once caught up ({@link ModelRegistry#followedUntil}). */
  private static final long HORIZON_INTERVAL_MS = 500;

  private final Consumer<byte[], byte[]> consumer;
  private final Topic<String, ModelSnapshot> snapshots;
  private final Topic<String, ModelCommand> commandTopic;
  private final SnapshotCodec codec;
  private final ModelCatalog catalog;
  private final SnapshotAssembler assembler;
  private final PendingCommands commands;
  private final SnapshotSigner signer;
  private final Thread thread;
  private volatile TopicEnd target;
  /** The command topic's end at start: snapshot partitions stay paused until it is read (null: reached). */
  private TopicEnd commandsFirst;
  private volatile boolean caughtUp;
  private List<TopicPartition> snapshotPartitions;
  /** When {@link #target} (at start) or {@link #horizon} (after) was looked up, wall clock. */
  private long targetAt;
  /** The snapshot topic's end looked up at {@link #horizonAt}, not reached yet (null: none pending). */
  private TopicEnd horizon;
  private long horizonAt;
  private volatile boolean closing;
  private volatile int failures;
  private volatile long rejected;

  public SnapshotFollower(Consumer<byte[], byte[]> consumer, Topic<String, ModelSnapshot> snapshots,
      Topic<String, ModelCommand> commands, SnapshotCodec codec, ModelCatalog catalog, String instanceId) {
    this(consumer, snapshots, commands, codec, catalog, instanceId, Limits.defaults(), SnapshotSigner.of(null));
  }

  /**
   * @param limits {@code snapshot.max.bytes} (largest payload a chunk may announce) and the bounds of incomplete
   *               copies ({@code snapshot.pending.max.bytes}, {@code snapshot.pending.max.age.ms})
   * @param signer checks signatures when the deployment has a signing key
   */
  public SnapshotFollower(Consumer<byte[], byte[]> consumer, Topic<String, ModelSnapshot> snapshots,
      Topic<String, ModelCommand> commands, SnapshotCodec codec, ModelCatalog catalog, String instanceId,
      Limits limits, SnapshotSigner signer) {
    this.signer = signer;
    this.consumer = consumer;
    this.snapshots = snapshots;
    this.commandTopic = commands;
    this.codec = codec;
    this.catalog = catalog;
    this.commands = new PendingCommands(catalog);
    this.assembler = new SnapshotAssembler(codec, limits.maxSnapshotBytes(), limits.maxPendingSnapshotBytes(),
        limits.maxPendingSnapshotAgeMs());
    catalog.followedUntil(0);
    this.thread = new Thread(this, "snapshot-follower-" + instanceId);
    this.thread.setDaemon(true);
  }

  /** Starts following on its own thread. */
  public void start() {
    thread.start();
  }

  /** True once every snapshot and command present at start has been applied. */
  public boolean caughtUp() {
    return caughtUp;
  }

  /** True while the follower's thread runs (it ends only on close or on an Error). */
  public boolean live() {
    return thread.isAlive() && !closing;
  }

  /** Live, caught up, and its last poll succeeded. */
  public boolean healthy() {
    return live() && caughtUp && failures == 0;
  }

  /** Snapshot and command records skipped because they could not be used. */
  public long rejected() {
    return rejected;
  }

  @Override
  public void run() {
    try {
      long backoff = 100;
      while (!closing) {
        try {
          if (target == null) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : List.of(snapshots.name(), commandTopic.name())) {
              partitions.addAll(partitionsOf(topic));
            }
            if (closing) {
              return;
            }
            targetAt = System.currentTimeMillis();
            target = TopicEnd.fromBeginning(consumer, partitions, END_OFFSETS_TIMEOUT);
            snapshotPartitions = partitionsOfTopic(partitions, snapshots.name());
            commandsFirst = TopicEnd.current(consumer, partitionsOfTopic(partitions, commandTopic.name()),
                END_OFFSETS_TIMEOUT);
            consumer.pause(partitionsOfTopic(partitions, snapshots.name()));
          }
          if (commandsFirst != null && commandsFirst.reached(consumer)) {
            commandsFirst = null;
            consumer.resume(consumer.paused());
          }
          pollOnce();
          failures = 0;
          backoff = 100;
        } catch (WakeupException e) {
          if (!closing) {
            LOG.warn("snapshot follower woken up unexpectedly; resuming");
          }
        } catch (RuntimeException e) {
          failures++;
          LOG.error("snapshot follower: poll failed ({} in a row); resuming in {} ms", failures, backoff, e);
          sleep(backoff);
          backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
        }
      }
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  private void pollOnce() {
    checkCaughtUp();
    ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
    failures = 0; // the poll succeeded: healthy again before its records apply
    for (ConsumerRecord<byte[], byte[]> r : records.records(snapshots.name())) {
      isolated(r, this::snapshot);
    }
    for (ConsumerRecord<byte[], byte[]> r : records.records(commandTopic.name())) {
      isolated(r, this::command);
    }
    checkCaughtUp();
    advanceHorizon();
  }

  /**
   * Once caught up, looks the snapshot topic's end up again every {@link #HORIZON_INTERVAL_MS}; when the positions
   * reach it, every snapshot written before the look-up has been read, and the catalog says so
   * ({@link ModelRegistry#followedUntil}), which is what the command check waits for.
   */
  private void advanceHorizon() {
    if (!caughtUp) {
      return;
    }
    if (horizon != null && horizon.reached(consumer)) {
      catalog.followedUntil(horizonAt);
      horizon = null;
    }
    long now = System.currentTimeMillis();
    if (horizon == null && now - horizonAt >= HORIZON_INTERVAL_MS) {
      horizonAt = now;
      horizon = TopicEnd.current(consumer, snapshotPartitions, END_OFFSETS_TIMEOUT);
    }
  }

  /** Runs {@code step} on one record; a failure skips that record only. */
  private void isolated(ConsumerRecord<byte[], byte[]> r, java.util.function.Consumer<ConsumerRecord<byte[],
      byte[]>> step) {
    try {
      step.accept(r);
    } catch (RuntimeException e) {
      rejected++;
      LOG.error("record {}-{}@{} skipped: {}", r.topic(), r.partition(), r.offset(), e.toString());
    }
  }

  private void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closing = true;
    }
  }

  private static List<TopicPartition> partitionsOfTopic(List<TopicPartition> partitions, String topic) {
    return partitions.stream().filter(p -> p.topic().equals(topic)).toList();
  }

  /** The topic's partitions, waiting (while not closing) for a topic that does not exist yet. */
  private List<TopicPartition> partitionsOf(String topic) {
    while (!closing) {
      List<TopicPartition> partitions;
      try {
        partitions = TopicEnd.partitions(consumer, topic, Duration.ofSeconds(5));
      } catch (org.apache.kafka.common.errors.TimeoutException e) {
        partitions = List.of();
      }
      if (!partitions.isEmpty()) {
        return partitions;
      }
      LOG.warn("topic {} does not exist yet; the follower waits for it", topic);
      sleep(1_000);
    }
    return List.of();
  }

  private void snapshot(ConsumerRecord<byte[], byte[]> r) {
    if (r.value() == null) {
      return;
    }
    ModelSnapshot chunk;
    try {
      chunk = snapshots.deserialize(r.value());
    } catch (RuntimeException e) {
      rejected++;
      LOG.warn("snapshot record {}-{}@{} skipped: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
      return;
    }
    if (catalog.loaded(chunk.getModelId(), chunk.getVersion())) {
      assembler.forget(chunk.getModelId(), chunk.getVersion());
      return;
    }
    assembler.add(chunk, r.timestamp()).ifPresent(done -> {
      String modelId = chunk.getModelId();
      long version = chunk.getVersion();
      try {
        String problem = lineageProblem(done.header());
        if (problem != null) {
          throw new IllegalArgumentException(problem);
        }
        codec.checkProvenance(done.snapshot(), modelId, version);
        catalog.published(modelId, version, r.timestamp());
        catalog.install(modelId, version, codec.read(done.snapshot()), done.header());
        assembler.forget(modelId, version);
        commands.versionLoaded(modelId, version, r.timestamp());
      } catch (Exception e) {
        rejected++;
        LOG.error("snapshot {}/{} could not be loaded: {}", modelId, version, e.toString());
      }
    });
  }

  /**
   * Why a verified snapshot must still not be loaded: a missing or wrong signature (with a key), or a version that
   * does not continue a loaded one (every trained version is its parent + 1, and a model's snapshots are read in
   * order), so a forged high version cannot jump serving, nor become the trainer's parent.
   */
  private String lineageProblem(ModelSnapshot header) {
    String unsigned = signer.problem(header);
    if (unsigned != null) {
      return unsigned;
    }
    Long parent = header.getParentVersion();
    long expected = parent == null ? 1 : parent + 1;
    if (header.getVersion() != expected) {
      return "version " + header.getVersion() + " does not follow its parent " + parent;
    }
    if (parent != null && !catalog.loaded(header.getModelId(), parent)) {
      return "its parent version " + parent + " is not loaded";
    }
    return null;
  }

  private void command(ConsumerRecord<byte[], byte[]> r) {
    if (r.value() == null) {
      return;
    }
    try {
      ModelCommand command = commandTopic.deserialize(r.value());
      commands.offer(command, r.timestamp());
    } catch (RuntimeException e) {
      rejected++;
      LOG.warn("command record {}-{}@{} skipped: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
    }
  }

  private void checkCaughtUp() {
    if (caughtUp || target == null) {
      return;
    }
    if (target.reached(consumer)) {
      caughtUp = true;
      catalog.followedUntil(targetAt);
      LOG.info("snapshot follower caught up: models {}", catalog.modelIds());
    }
  }

  @Override
  public void close() throws InterruptedException {
    closing = true;
    consumer.wakeup();
    thread.join(10_000);
  }
}
