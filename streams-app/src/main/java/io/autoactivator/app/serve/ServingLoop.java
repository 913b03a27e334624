package io.autoactivator.app.serve;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.autoactivator.app.ingest.Decoded;
import io.autoactivator.app.ingest.QueryDecoder;
import io.autoactivator.app.records.Envelope;
import io.autoactivator.app.records.Outbound;
import io.autoactivator.schemas.serde.RequestRow;

/**
 * The query path, beside the learner's exactly-once topology and independent of its transactions: a consumer of the
 * queries topic (group {@code <application.id>-serving}), a bounded queue, one inference thread that answers
 * whatever is waiting (up to {@code serving.batch.size}, no linger) and an idempotent producer. A request is read,
 * decoded and stamped {@code receivedAt} on the consumer thread, which keeps reading while the inference thread
 * computes; answers are visible to read_committed readers as soon as the broker has them.
 *
 * <p>Nothing is lost: a query offset is committed only once every record written for it (answer, shadow answer,
 * dead letter) is acknowledged ({@link OffsetLedger}), so a crash replays the rest. Nothing is answered twice:
 * when a partition is taken over, the predictions written since its last commit are read back
 * ({@link AnsweredReadback}) and the requests they answer are skipped; on revocation the requests not yet answered
 * are left to the next owner (the inference thread checks each request's ownership epoch under the batch lock)
 * and what was sent is flushed and committed before the partition is released. A write that fails for good resets
 * its partition the same way. Shutdown stops reading, answers everything read, flushes and commits.
 *
 * <p>Back-pressure: at {@code serving.queue.size} waiting requests the consumer pauses its partitions (it keeps
 * polling, so it stays in the group) and resumes at half, so memory holds at most the queue plus one poll.
 *
 * <p>The loop subscribes only once {@code modelsCaughtUp} is true (the snapshot follower has applied every snapshot
 * and command present at start), so a restarted instance never answers NO_MODEL or a rolled-back version for a
 * model the deployment serves; until then the partitions stay with the other instances.
 */
public final class ServingLoop implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ServingLoop.class);
  private static final Duration POLL = Duration.ofMillis(50);
  private static final Duration PAUSED_POLL = Duration.ofMillis(5);
  private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(30);
  /** Without a commit's readAt (first start, or offsets taken over from the topology), read back this far. */
  static final long LOOKBACK_WITHOUT_COMMIT_MS = 5 * 60_000;

  /** The loop's Kafka clients and the offsets to start from where the group has none. */
  public record Clients(Consumer<byte[], byte[]> consumer, Consumer<byte[], byte[]> reader,
      Producer<String, byte[]> producer,
      Function<Set<TopicPartition>, Map<TopicPartition, OffsetAndMetadata>> fallbackOffsets) {
  }

  private final Clients clients;
  private final String queriesTopic;
  private final QueryDecoder decoder;
  private final BatchAnswerer answerer;
  private final ServingMetrics metrics;
  private final BooleanSupplier modelsCaughtUp;
  private final int batchSize;
  private final int queueSize;
  private final long commitIntervalMs;
  private final OffsetLedger ledger = new OffsetLedger();
  private final AnsweredReadback readback;
  private final LinkedBlockingQueue<PendingQuery> queue = new LinkedBlockingQueue<>();
  private final Object batchLock = new Object();
  private final Thread consumerThread;
  private final Thread inferenceThread;
  private final Set<TopicPartition> owned = new HashSet<>();
  /** Assigned partitions whose takeover failed (read-back error): paused, retried every loop. */
  private final Set<TopicPartition> untaken = new HashSet<>();
  private volatile boolean subscribed;
  private volatile boolean stopping;
  /** The consumer thread reads no more: the inference thread ends once the queue is empty. */
  private volatile boolean intakeClosed;
  private volatile boolean paused;
  private volatile Throwable died;

  /**
   * @param decoder   the request checks that need no model (dead letters for the rest)
   * @param answerer  see {@link #answerer}
   */
  ServingLoop(Clients clients, String queriesTopic, String predictionsTopic, QueryDecoder decoder,
      BatchAnswerer answerer, ServingMetrics metrics, BooleanSupplier modelsCaughtUp, int batchSize, int queueSize,
      Duration commitInterval, String instanceId) {
    this.clients = clients;
    this.queriesTopic = queriesTopic;
    this.decoder = decoder;
    this.answerer = answerer;
    this.metrics = metrics;
    this.modelsCaughtUp = modelsCaughtUp;
    this.batchSize = batchSize;
    this.queueSize = queueSize;
    this.commitIntervalMs = commitInterval.toMillis();
    this.readback = new AnsweredReadback(clients.reader(), predictionsTopic, queriesTopic);
    this.consumerThread = new Thread(this::consume, "serving-consumer-" + instanceId);
    this.inferenceThread = new Thread(this::infer, "serving-inference-" + instanceId);
    consumerThread.setDaemon(true);
    inferenceThread.setDaemon(true);
  }

  /** Starts both threads; the consumer subscribes once the models are caught up. */
  public void start() {
    consumerThread.start();
    inferenceThread.start();
  }

  /** Both threads run (or have not been started yet and nothing failed). */
  public boolean live() {
    return died == null && (stopping || (consumerThread.isAlive() && inferenceThread.isAlive()));
  }

  /** Live and subscribed to the queries topic: the models were caught up. */
  public boolean ready() {
    return live() && subscribed && !stopping;
  }

  /** Requests read and not yet answered. */
  public int queueDepth() {
    return queue.size();
  }

  /** True while back-pressure pauses the consumer. */
  public boolean paused() {
    return paused;
  }

  // ------------------------------------------------------------------ consumer thread

  private void consume() {
    Consumer<byte[], byte[]> consumer = clients.consumer();
    try {
      while (!stopping && !modelsCaughtUp.getAsBoolean()) {
        Thread.sleep(20);
      }
      if (stopping) {
        return;
      }
      consumer.subscribe(List.of(queriesTopic), new Rebalance(consumer));
      subscribed = true;
      LOG.info("serving loop subscribed to {} (models caught up)", queriesTopic);
      long lastCommit = System.currentTimeMillis();
      long backoff = 100;
      while (!stopping) {
        try {
          resetFailed(consumer);
          retryTakeovers(consumer);
          backPressure(consumer);
          ConsumerRecords<byte[], byte[]> records = consumer.poll(paused ? PAUSED_POLL : POLL);
          long readAt = System.currentTimeMillis();
          long readNanos = System.nanoTime();
          for (ConsumerRecord<byte[], byte[]> r : records) {
            intake(r, readAt, readNanos);
          }
          if (readAt - lastCommit >= commitIntervalMs) {
            commit(consumer, null, false, false);
            lastCommit = readAt;
          }
          backoff = 100;
        } catch (WakeupException e) {
          // close() woke the poll up
        } catch (RuntimeException e) {
          LOG.error("serving consumer: poll failed; resuming in {} ms", backoff, e);
          Thread.sleep(backoff);
          backoff = Math.min(30_000, backoff * 2);
        }
      }
      intakeClosed = true;
      drainAndCommit(consumer);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Throwable t) {
      died = t;
      LOG.error("serving consumer thread died", t);
    } finally {
      intakeClosed = true;
      try {
        consumer.close(CLIENT_TIMEOUT);
      } catch (RuntimeException e) {
        LOG.warn("closing the serving consumer: {}", e.toString());
      }
    }
  }

  private void intake(ConsumerRecord<byte[], byte[]> r, long readAt, long readNanos) {
    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
    long epoch = ledger.epoch(tp);
    if (epoch < 0) {
      return; // no longer ours (revoked while this poll's records were fetched)
    }
    if (!ledger.read(tp, r.offset(), readAt)) {
      metrics.skipped();
      return;
    }
    Envelope envelope = new Envelope(Envelope.Kind.QUERY, r.topic(), r.partition(), r.offset(), readAt, r.key(),
        r.value());
    Decoded decoded = decoder.decode(envelope, readAt);
    if (decoded.isRejected()) {
      Outbound letter = decoded.rejected();
      PendingQuery q = new PendingQuery(tp, epoch, envelope, null, readAt, readNanos);
      send(q, List.of(BatchAnswerer.record(q, letter.topic(), r.topic(), letter.value(), readAt)));
      return;
    }
    queue.add(new PendingQuery(tp, epoch, envelope, (RequestRow) decoded.parsed(), readAt, readNanos));
  }

  private void backPressure(Consumer<byte[], byte[]> consumer) {
    int depth = queue.size();
    if (!paused && depth >= queueSize) {
      consumer.pause(consumer.assignment());
      paused = true;
    } else if (paused && depth <= queueSize / 2) {
      Set<TopicPartition> resume = new HashSet<>(consumer.paused());
      resume.removeAll(untaken);
      consumer.resume(resume);
      paused = false;
    }
  }

  private void retryTakeovers(Consumer<byte[], byte[]> consumer) {
    if (untaken.isEmpty()) {
      return;
    }
    Set<TopicPartition> retry = new HashSet<>(untaken);
    retry.retainAll(consumer.assignment());
    untaken.clear();
    takeOrPause(consumer, retry);
    if (!paused) {
      Set<TopicPartition> resume = new HashSet<>(retry);
      resume.removeAll(untaken);
      consumer.resume(resume);
    }
  }

  /** {@link #take}, or (when the read-back fails) the partitions paused and retried on the next loop. */
  private void takeOrPause(Consumer<byte[], byte[]> consumer, Collection<TopicPartition> partitions) {
    try {
      take(consumer, partitions);
    } catch (RuntimeException e) {
      LOG.error("could not take over {} (retrying): {}", partitions, e.toString());
      untaken.addAll(partitions);
      consumer.pause(partitions);
    }
  }

  /** Partitions whose writes failed for good start again from their committed position, as after a takeover. */
  private void resetFailed(Consumer<byte[], byte[]> consumer) {
    Set<TopicPartition> failed = ledger.failed();
    if (failed.isEmpty()) {
      return;
    }
    LOG.error("writes failed for {}; reading them again from their last commit", failed);
    release(consumer, failed, true);
    takeOrPause(consumer, failed);
  }

  /** Stops answering {@code partitions}, waits for what was sent, commits it and forgets them. */
  private void release(Consumer<byte[], byte[]> consumer, Collection<TopicPartition> partitions, boolean commit) {
    Set<TopicPartition> set = new HashSet<>(partitions);
    synchronized (batchLock) {
      ledger.close(set); // no batch is being sent now; later batches drop these partitions' requests
    }
    if (commit) {
      clients.producer().flush();
      commit(consumer, set, true, true);
    }
    ledger.remove(set);
    owned.removeAll(set);
    untaken.removeAll(set);
  }

  /** Starts owning {@code partitions}: from the commit, skipping what a previous owner answered since. */
  private void take(Consumer<byte[], byte[]> consumer, Collection<TopicPartition> partitions) {
    if (partitions.isEmpty()) {
      return;
    }
    Set<TopicPartition> set = new HashSet<>(partitions);
    Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>(consumer.committed(set, CLIENT_TIMEOUT));
    committed.values().removeIf(java.util.Objects::isNull);
    Set<TopicPartition> without = new HashSet<>(set);
    without.removeAll(committed.keySet());
    if (!without.isEmpty()) {
      try {
        clients.fallbackOffsets().apply(without).forEach((tp, o) -> {
          if (o != null) {
            committed.put(tp, new OffsetAndMetadata(o.offset()));
            consumer.seek(tp, o.offset());
          }
        });
      } catch (RuntimeException e) {
        LOG.warn("could not read the topology's query offsets for {}: {}", without, e.toString());
      }
    }
    long now = System.currentTimeMillis();
    Map<TopicPartition, Long> from = new HashMap<>();
    long since = now;
    for (TopicPartition tp : set) {
      OffsetAndMetadata c = committed.get(tp);
      long position = c != null ? c.offset() : consumer.position(tp, CLIENT_TIMEOUT);
      if (c != null) {
        consumer.seek(tp, position);
      }
      from.put(tp, position);
      since = Math.min(since, OffsetLedger.readAt(c, now - LOOKBACK_WITHOUT_COMMIT_MS));
    }
    Map<TopicPartition, Set<Long>> answered = readback.answered(from, since, CLIENT_TIMEOUT);
    for (TopicPartition tp : set) {
      ledger.assign(tp, from.get(tp), answered.get(tp), since);
      owned.add(tp);
    }
    LOG.info("serving {} from {}; {} requests already answered since the last commit", set, from,
        answered.values().stream().mapToInt(Set::size).sum());
    commit(consumer, set, true, true);
  }

  private void commit(Consumer<byte[], byte[]> consumer, Set<TopicPartition> partitions, boolean all, boolean sync) {
    Map<TopicPartition, OffsetAndMetadata> offsets = ledger.committable(partitions, System.currentTimeMillis(), all);
    if (offsets.isEmpty()) {
      return;
    }
    if (sync) {
      try {
        consumer.commitSync(offsets, CLIENT_TIMEOUT);
        ledger.committed(offsets);
      } catch (RuntimeException e) {
        LOG.warn("commit of {} failed: {}", offsets, e.toString());
      }
    } else {
      consumer.commitAsync(offsets, (done, e) -> {
        if (e == null) {
          ledger.committed(done);
        } else {
          LOG.warn("commit failed: {}", e.toString());
        }
      });
    }
  }

  /** On shutdown: everything read is answered by the inference thread, then flushed and committed. */
  private void drainAndCommit(Consumer<byte[], byte[]> consumer) throws InterruptedException {
    long deadline = System.nanoTime() + CLIENT_TIMEOUT.toNanos();
    while (!queue.isEmpty() && inferenceThread.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    synchronized (batchLock) { // the last batch has been sent
      ledger.close(new HashSet<>(owned)); // whatever the inference thread still holds stays unanswered
    }
    clients.producer().flush();
    commit(consumer, null, true, true);
    LOG.info("serving loop drained: {} requests left open for the next owner", ledger.open());
  }

  private final class Rebalance implements ConsumerRebalanceListener {
    private final Consumer<byte[], byte[]> consumer;

    Rebalance(Consumer<byte[], byte[]> consumer) {
      this.consumer = consumer;
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      release(consumer, partitions, true);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      release(consumer, partitions, false);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      takeOrPause(consumer, partitions);
      if (paused) {
        consumer.pause(partitions);
      }
    }
  }

  // ------------------------------------------------------------------ inference thread

  private void infer() {
    List<PendingQuery> batch = new ArrayList<>(batchSize);
    try {
      while (!(intakeClosed && queue.isEmpty())) {
        PendingQuery first = queue.poll(20, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.clear();
        batch.add(first);
        queue.drainTo(batch, batchSize - 1);
        synchronized (batchLock) {
          batch.removeIf(q -> ledger.stale(q.source(), q.epoch()));
          if (batch.isEmpty()) {
            continue;
          }
          metrics.batch(batch.size());
          List<BatchAnswerer.Reply> replies;
          try {
            replies = answerer.answer(batch);
          } catch (RuntimeException e) { // a bug, not a request's fault: read the batch again rather than die
            LOG.error("a batch of {} requests could not be answered; their partitions are read again", batch.size(),
                e);
            batch.forEach(q -> ledger.failed(q.source(), q.epoch()));
            continue;
          }
          for (BatchAnswerer.Reply reply : replies) {
            send(reply.query(), reply.records());
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Throwable t) {
      died = t;
      LOG.error("serving inference thread died", t);
    }
  }

  /** Sends every record of one request; the request is done when all are acknowledged. */
  private void send(PendingQuery q, List<ProducerRecord<String, byte[]>> records) {
    AtomicInteger remaining = new AtomicInteger(records.size());
    for (ProducerRecord<String, byte[]> record : records) {
      clients.producer().send(record, (meta, e) -> {
        if (e != null) {
          LOG.error("answer to {}-{}@{} could not be written to {}: {}", q.source().topic(),
              q.source().partition(), q.offset(), record.topic(), e.toString());
          ledger.failed(q.source(), q.epoch());
        } else if (remaining.decrementAndGet() == 0) {
          ledger.done(q.source(), q.epoch(), q.offset());
        }
      });
    }
  }

  /** Stops reading, answers what was read, flushes, commits, closes the clients; bounded in time. */
  @Override
  public void close() {
    stopping = true;
    try {
      consumerThread.join(60_000);
      inferenceThread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      clients.producer().close(Duration.ofSeconds(10));
    } catch (RuntimeException e) {
      LOG.warn("closing the serving producer: {}", e.toString());
    }
    try {
      clients.reader().close(Duration.ofSeconds(5));
    } catch (RuntimeException e) {
      LOG.warn("closing the serving reader: {}", e.toString());
    }
  }
}
