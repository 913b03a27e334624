package io.autoactivator.app.serve;

import java.util.HashMap;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Which query offsets may be committed: per owned partition, the offsets read and not yet done (every record
 * written for them acknowledged by the broker), and the offsets found already answered when the partition was
 * taken over. The committable position is the first open offset (or the next to read), so a crash replays every
 * request whose answer the broker may not have, and nothing else is lost.
 *
 * <p>The commit's metadata carries {@code readAt}: the moment the oldest open request was read (or the commit time
 * when none is open). Every answer to a request at or after the committed offset was written after it, so the next
 * owner reads the predictions back from there ({@link AnsweredReadback}) and skips what was answered.
 *
 * <p>Each ownership of a partition has an epoch; a request carries the epoch it was read under and is stale once
 * the partition was revoked or reset, so that it is left to the partition's next owner instead of being answered
 * twice. Thread-safe: the consumer thread reads and commits, the producer's thread marks requests done.
 */
final class OffsetLedger {

  static final String METADATA_PREFIX = "readAt=";

  private final Map<TopicPartition, Track> tracks = new HashMap<>();
  private long epochs;

  private static final class Track {
    final long epoch;
    /** Open offsets -> wall-clock ms they were read. */
    final TreeMap<Long, Long> open = new TreeMap<>();
    /** Offsets at or after the start that a previous owner already answered. */
    final NavigableSet<Long> answered;
    /** The readAt the answered set was read back from (kept in commits until the set is passed). */
    final long answeredSince;
    long next;
    long committed = -1;
    boolean closing;
    boolean failed;

    Track(long epoch, long position, Set<Long> answered, long answeredSince) {
      this.epoch = epoch;
      this.next = position;
      this.answered = new TreeSet<>(answered);
      this.answeredSince = answeredSince;
    }
  }

  /** Starts owning {@code tp} at {@code position}; {@code answered} are offsets not to answer again. */
  synchronized long assign(TopicPartition tp, long position, Set<Long> answered, long answeredSince) {
    long epoch = ++epochs;
    tracks.put(tp, new Track(epoch, position, answered, answeredSince));
    return epoch;
  }

  /** The epoch of the current ownership of {@code tp}, or -1 when not owned. */
  synchronized long epoch(TopicPartition tp) {
    Track t = tracks.get(tp);
    return t == null ? -1 : t.epoch;
  }

  /**
   * Records that {@code offset} was read at {@code readAt}. Returns false when a previous owner already answered
   * it: the request is done, not to be answered.
   */
  synchronized boolean read(TopicPartition tp, long offset, long readAt) {
    Track t = tracks.get(tp);
    if (t == null) {
      return false;
    }
    t.next = Math.max(t.next, offset + 1);
    if (t.answered.remove(offset)) {
      t.answered.headSet(offset, false).clear();
      return false;
    }
    t.open.put(offset, readAt);
    return true;
  }

  /** Every record written for {@code offset} is acknowledged. */
  synchronized void done(TopicPartition tp, long epoch, long offset) {
    Track t = tracks.get(tp);
    if (t != null && t.epoch == epoch) {
      t.open.remove(offset);
    }
  }

  /** A record written for {@code offset} failed for good: the partition must be read again from its commit. */
  synchronized void failed(TopicPartition tp, long epoch) {
    Track t = tracks.get(tp);
    if (t != null && t.epoch == epoch) {
      t.failed = true;
      t.closing = true;
    }
  }

  /** True when a request read under {@code epoch} must not be answered any more. */
  synchronized boolean stale(TopicPartition tp, long epoch) {
    Track t = tracks.get(tp);
    return t == null || t.epoch != epoch || t.closing;
  }

  /** Stops answering the requests of {@code partitions} (revocation); what was sent may still complete. */
  synchronized void close(Set<TopicPartition> partitions) {
    for (TopicPartition tp : partitions) {
      Track t = tracks.get(tp);
      if (t != null) {
        t.closing = true;
      }
    }
  }

  /** Forgets {@code partitions}. */
  synchronized void remove(Set<TopicPartition> partitions) {
    partitions.forEach(tracks::remove);
  }

  /** Partitions whose writes failed, to be reset. */
  synchronized Set<TopicPartition> failed() {
    Set<TopicPartition> out = new TreeSet<>(java.util.Comparator.comparing(TopicPartition::toString));
    tracks.forEach((tp, t) -> {
      if (t.failed) {
        out.add(tp);
      }
    });
    return out;
  }

  /** Requests read and not done, over every partition. */
  synchronized int open() {
    return tracks.values().stream().mapToInt(t -> t.open.size()).sum();
  }

  /**
   * The offsets to commit for {@code partitions} (every owned one when null): the first open offset, or the next
   * to read; only those that moved since the last commit unless {@code all}.
   */
  synchronized Map<TopicPartition, OffsetAndMetadata> committable(Set<TopicPartition> partitions, long now,
      boolean all) {
    Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
    tracks.forEach((tp, t) -> {
      if (partitions != null && !partitions.contains(tp)) {
        return;
      }
      long position = t.open.isEmpty() ? t.next : t.open.firstKey();
      long readAt = t.open.isEmpty() ? now : t.open.firstEntry().getValue();
      if (!t.answered.isEmpty() && t.answered.last() >= position) {
        readAt = Math.min(readAt, t.answeredSince);
      }
      if (all || position != t.committed) {
        out.put(tp, new OffsetAndMetadata(position, METADATA_PREFIX + readAt));
      }
    });
    return out;
  }

  /** The commits in {@code offsets} succeeded. */
  synchronized void committed(Map<TopicPartition, OffsetAndMetadata> offsets) {
    offsets.forEach((tp, o) -> {
      Track t = tracks.get(tp);
      if (t != null) {
        t.committed = o.offset();
      }
    });
  }

  /** The readAt of a commit's metadata, or {@code fallback} when it has none. */
  static long readAt(OffsetAndMetadata committed, long fallback) {
    if (committed == null || committed.metadata() == null || !committed.metadata().startsWith(METADATA_PREFIX)) {
      return fallback;
    }
    try {
      return Long.parseLong(committed.metadata().substring(METADATA_PREFIX.length()));
    } catch (NumberFormatException e) {
      return fallback;
    }
  }
}
