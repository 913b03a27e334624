package io.autoactivator.app.snapshot;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.autoactivator.app.ingest.RecordCodecs;
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

  private final Consumer<byte[], byte[]> consumer;
  private final String snapshotTopic;
  private final String commandTopic;
  private final RecordCodecs codecs;
  private final SnapshotCodec codec;
  private final ModelCatalog catalog;
  private final SnapshotAssembler assembler;
  private final List<ModelCommand> waiting = new ArrayList<>();
  private final Set<String> applied = new HashSet<>();
  private final Thread thread;
  private volatile Map<TopicPartition, Long> target;
  private volatile boolean caughtUp;
  private volatile boolean closing;

  public SnapshotFollower(Consumer<byte[], byte[]> consumer, String snapshotTopic, String commandTopic,
      RecordCodecs codecs, SnapshotCodec codec, ModelCatalog catalog, String instanceId) {
    this.consumer = consumer;
    this.snapshotTopic = snapshotTopic;
    this.commandTopic = commandTopic;
    this.codecs = codecs;
    this.codec = codec;
    this.catalog = catalog;
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
      for (String topic : List.of(snapshotTopic, commandTopic)) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
        for (PartitionInfo info : infos) {
          partitions.add(new TopicPartition(topic, info.partition()));
        }
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      target = new HashMap<>(consumer.endOffsets(partitions));
      checkCaughtUp();
      while (!closing) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
        for (ConsumerRecord<byte[], byte[]> r : records.records(snapshotTopic)) {
          snapshot(r);
        }
        for (ConsumerRecord<byte[], byte[]> r : records.records(commandTopic)) {
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

  private void snapshot(ConsumerRecord<byte[], byte[]> r) {
    if (r.value() == null) {
      return;
    }
    ModelSnapshot chunk;
    try {
      chunk = codecs.snapshots().deserializer().deserialize(r.topic(), r.value());
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
        retryWaiting();
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
      ModelCommand command = codecs.commands().deserializer().deserialize(r.topic(), r.value());
      if (applied.contains(command.getCommandId())) {
        return;
      }
      if (!waiting.isEmpty() || !apply(command)) {
        LOG.info("command {} ({} {} of {}) waits for its version to be loaded", command.getCommandId(),
            command.getAction(), command.getTargetVersion(), command.getModelId());
        waiting.add(command);
      }
    } catch (RuntimeException e) {
      LOG.warn("command record {}-{}@{} skipped: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
    }
  }

  private boolean apply(ModelCommand command) {
    boolean done = catalog.apply(command.getModelId(), command.getAction(), command.getTargetVersion());
    if (done) {
      applied.add(command.getCommandId());
    }
    return done;
  }

  /** Applies waiting commands, in order, up to the first that still cannot apply (log order is kept). */
  private void retryWaiting() {
    while (!waiting.isEmpty() && apply(waiting.get(0))) {
      waiting.remove(0);
    }
  }

  private void checkCaughtUp() {
    if (caughtUp || target == null) {
      return;
    }
    for (Map.Entry<TopicPartition, Long> end : target.entrySet()) {
      if (consumer.position(end.getKey()) < end.getValue()) {
        return;
      }
    }
    caughtUp = true;
    LOG.info("snapshot follower caught up: models {}", catalog.modelIds());
  }

  @Override
  public void close() throws InterruptedException {
    closing = true;
    consumer.wakeup();
    thread.join(10_000);
  }
}
