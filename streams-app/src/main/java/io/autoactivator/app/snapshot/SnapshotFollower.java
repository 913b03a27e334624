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

import io.autoactivator.app.kafka.Topic;
import io.autoactivator.app.kafka.TopicEnd;
import io.autoactivator.schemas.ModelCommand;
import io.autoactivator.schemas.ModelSnapshot;

/**
 * Keeps this instance's {@link ModelCatalog} equal to the snapshot and command topics: a plain consumer (no group:
 * every instance reads everything) assigned every partition of both topics from the beginning. Snapshots are
 * reassembled, verified and swapped in; commands are applied in log order, and a command naming a version not
 * loaded yet waits until that version arrives. Records it cannot use are logged and skipped here: the topology
 * dead-letters them once for the whole deployment.
 *
 * <p>{@link #caughtUp()} turns true once the positions reach the end offsets seen at start: until then the instance
 * is not ready to serve, because it would answer with an old version (or NO_MODEL).
 */
public final class SnapshotFollower implements Runnable, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SnapshotFollower.class);
  /** Kafka's default.api.timeout.ms. */
  private static final Duration END_OFFSETS_TIMEOUT = Duration.ofMinutes(1);

  private final Consumer<byte[], byte[]> consumer;
  private final Topic<String, ModelSnapshot> snapshots;
  private final Topic<String, ModelCommand> commandTopic;
  private final SnapshotCodec codec;
  private final ModelCatalog catalog;
  private final SnapshotAssembler assembler;
  private final PendingCommands commands;
  private final Thread thread;
  private volatile TopicEnd target;
  private volatile boolean caughtUp;
  private volatile boolean closing;

  public SnapshotFollower(Consumer<byte[], byte[]> consumer, Topic<String, ModelSnapshot> snapshots,
      Topic<String, ModelCommand> commands, SnapshotCodec codec, ModelCatalog catalog, String instanceId) {
    this.consumer = consumer;
    this.snapshots = snapshots;
    this.commandTopic = commands;
    this.codec = codec;
    this.catalog = catalog;
    this.commands = new PendingCommands(catalog);
    this.assembler = new SnapshotAssembler(codec);
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

  @Override
  public void run() {
    try {
      List<TopicPartition> partitions = new ArrayList<>();
      for (String topic : List.of(snapshots.name(), commandTopic.name())) {
        partitions.addAll(partitionsOf(topic));
      }
      if (closing) {
        return;
      }
      target = TopicEnd.fromBeginning(consumer, partitions, END_OFFSETS_TIMEOUT);
      checkCaughtUp();
      while (!closing) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
        for (ConsumerRecord<byte[], byte[]> r : records.records(snapshots.name())) {
          snapshot(r);
        }
        for (ConsumerRecord<byte[], byte[]> r : records.records(commandTopic.name())) {
          command(r);
        }
        checkCaughtUp();
      }
    } catch (WakeupException e) {
      if (!closing) {
        LOG.error("snapshot follower woken up unexpectedly", e);
      }
    } catch (RuntimeException e) {
      LOG.error("snapshot follower stopped: this instance will not load new snapshots", e);
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
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
      try {
        Thread.sleep(1_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        closing = true;
      }
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
      LOG.warn("snapshot record {}-{}@{} skipped: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
      return;
    }
    if (catalog.knownVersions(chunk.getModelId()).contains(chunk.getVersion())) {
      assembler.forget(chunk.getModelId(), chunk.getVersion());
      return;
    }
    assembler.add(chunk).ifPresent(done -> {
      try {
        catalog.install(chunk.getModelId(), chunk.getVersion(), codec.read(done.payload()), done.header());
        commands.versionLoaded(chunk.getModelId());
      } catch (Exception e) {
        LOG.error("snapshot {}/{} could not be loaded: {}", chunk.getModelId(), chunk.getVersion(), e.toString());
      }
    });
  }

  private void command(ConsumerRecord<byte[], byte[]> r) {
    if (r.value() == null) {
      return;
    }
    try {
      ModelCommand command = commandTopic.deserialize(r.value());
      commands.offer(command);
    } catch (RuntimeException e) {
      LOG.warn("command record {}-{}@{} skipped: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
    }
  }

  private void checkCaughtUp() {
    if (caughtUp || target == null) {
      return;
    }
    if (target.reached(consumer)) {
      caughtUp = true;
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
