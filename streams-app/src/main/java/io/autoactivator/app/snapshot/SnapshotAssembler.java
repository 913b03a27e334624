package io.autoactivator.app.snapshot;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.autoactivator.model.snapshot.SnapshotBytes;
import io.autoactivator.schemas.ModelSnapshot;

/**
 * Collects the chunks of snapshots and gives back a payload once all chunks of one copy are in, its size matches and
 * its checksum verifies. Nothing is allocated from a chunk's claims before they are checked ({@link #problem}): the
 * chunk count and byte size come from whoever wrote the record. A copy is identified by model, version and checksum
 * (content-addressed), so two copies of one version with different bytes (a rebalance while the old owner still
 * trains, a rolling upgrade) assemble side by side instead of corrupting each other; a chunk seen twice replaces the
 * earlier copy; a snapshot that fails its checksum is dropped with an error, never loaded.
 *
 * <p>What waits is bounded: at most {@link #MAX_PARTIAL} incomplete copies holding at most
 * {@code snapshot.pending.max.bytes} together (the copy least recently added to is forgotten first), and a copy whose
 * last chunk is {@code snapshot.pending.max.age.ms} older, in record time, than the newest chunk read is forgotten
 * (its publisher died mid-snapshot; the same snapshot published again assembles afresh). Record time, not the
 * clock, so an instance replaying the topic from the beginning forgets exactly what a live one forgot.
 */
public final class SnapshotAssembler {

  private static final Logger LOG = LoggerFactory.getLogger(SnapshotAssembler.class);
  /** Smallest chunk a publisher writes ({@code snapshot.chunk.bytes} is at least 1024). */
  static final int MIN_CHUNK_BYTES = 1024;
  /** Incomplete snapshot copies kept at once. */
  static final int MAX_PARTIAL = 64;

  /**
   * A verified snapshot: its metadata (from the final chunk, payload emptied) and its whole payload, opened once by
   * the codec (the checksum it verified with; the provenance check and the decoding read the same opened bytes).
   */
  public record Assembled(ModelSnapshot header, SnapshotBytes snapshot) {

    /** The payload bytes. */
    public byte[] payload() {
      return snapshot.bytes();
    }
  }

  /** The chunks of one copy received so far. */
  private static final class Partial {
    final int count;
    final long byteSize;
    final Map<Integer, byte[]> chunks = new HashMap<>();
    ModelSnapshot last;
    long bytes;
    long lastTimestamp;

    Partial(int count, long byteSize) {
      this.count = count;
      this.byteSize = byteSize;
    }
  }

  private final SnapshotCodec codec;
  private final long maxSnapshotBytes;
  private final long maxPendingBytes;
  private final long maxPendingAgeMs;
  /** In access order: the first entry is the copy least recently added to. */
  private final Map<String, Partial> partial = new LinkedHashMap<>(16, 0.75f, true);
  private long pendingBytes;
  private long newestTimestamp = Long.MIN_VALUE;

  public SnapshotAssembler(SnapshotCodec codec) {
    this(codec, Integer.MAX_VALUE - 8L);
  }

  /** @param maxSnapshotBytes largest payload a chunk may announce ({@code snapshot.max.bytes}) */
  public SnapshotAssembler(SnapshotCodec codec, long maxSnapshotBytes) {
    this(codec, maxSnapshotBytes, Long.MAX_VALUE, Long.MAX_VALUE);
  }

  /**
   * @param maxSnapshotBytes largest payload a chunk may announce ({@code snapshot.max.bytes})
   * @param maxPendingBytes  bytes all incomplete copies may hold together ({@code snapshot.pending.max.bytes})
   * @param maxPendingAgeMs  record time an incomplete copy waits for its next chunk
   *                         ({@code snapshot.pending.max.age.ms})
   */
  public SnapshotAssembler(SnapshotCodec codec, long maxSnapshotBytes, long maxPendingBytes, long maxPendingAgeMs) {
    this.codec = codec;
    this.maxSnapshotBytes = Math.min(maxSnapshotBytes, Integer.MAX_VALUE - 8L);
    this.maxPendingBytes = maxPendingBytes;
    this.maxPendingAgeMs = maxPendingAgeMs;
  }

  /**
   * What is impossible about this chunk's metadata, or null: the checks that need nothing but the record, shared by
   * the follower (before it allocates) and the topology (which dead-letters such a chunk once per deployment).
   */
  public static String problem(ModelSnapshot chunk, long maxSnapshotBytes) {
    long size = chunk.getByteSize();
    int count = chunk.getChunkCount();
    int index = chunk.getChunkIndex();
    int payload = chunk.getPayload() == null ? 0 : chunk.getPayload().remaining();
    if (chunk.getModelId() == null || chunk.getModelId().isEmpty() || chunk.getVersion() < 1) {
      return "model id empty or version " + chunk.getVersion() + " below 1";
    }
    if (size < 0 || size > Math.min(maxSnapshotBytes, Integer.MAX_VALUE - 8L)) {
      return "byte size " + size + " outside [0, " + maxSnapshotBytes + "] (snapshot.max.bytes)";
    }
    long maxChunks = Math.max(1, (size + MIN_CHUNK_BYTES - 1) / MIN_CHUNK_BYTES);
    if (count < 1 || count > maxChunks) {
      return "chunk count " + count + " impossible for " + size + " bytes (at most " + maxChunks + ")";
    }
    if (index < 0 || index >= count) {
      return "chunk index " + index + " outside [0, " + count + ")";
    }
    if (payload > size) {
      return "chunk of " + payload + " bytes in a snapshot of " + size;
    }
    if (chunk.getChecksum() == null || chunk.getChecksum().isEmpty()) {
      return "no checksum";
    }
    return null;
  }

  /** Adds a chunk read without a record timestamp (tools); returns the snapshot when complete and verified. */
  public Optional<Assembled> add(ModelSnapshot chunk) {
    return add(chunk, Long.MIN_VALUE);
  }

  /**
   * Adds a chunk whose record has {@code timestamp}; returns the snapshot when it is complete and verified.
   */
  public Optional<Assembled> add(ModelSnapshot chunk, long timestamp) {
    String id = chunk.getModelId() + "/" + chunk.getVersion();
    String problem = problem(chunk, maxSnapshotBytes);
    if (problem != null) {
      LOG.error("snapshot {} chunk {}/{} ignored: {}", id, chunk.getChunkIndex(), chunk.getChunkCount(), problem);
      return Optional.empty();
    }
    String copy = id + "/" + chunk.getChecksum() + "/" + chunk.getByteSize() + "/" + chunk.getChunkCount();
    if (timestamp > newestTimestamp) {
      newestTimestamp = timestamp;
      forgetStale();
    }
    Partial p = partial.get(copy);
    if (p == null) {
      p = new Partial(chunk.getChunkCount(), chunk.getByteSize());
      p.lastTimestamp = timestamp;
      partial.put(copy, p);
      evictOldest();
    }
    p.lastTimestamp = Math.max(p.lastTimestamp, timestamp);
    byte[] bytes = bytes(chunk.getPayload());
    byte[] previous = p.chunks.put(chunk.getChunkIndex(), bytes);
    long grown = bytes.length - (previous == null ? 0 : previous.length);
    p.bytes += grown;
    pendingBytes += grown;
    if (chunk.getChunkIndex() == p.count - 1) {
      p.last = chunk;
    }
    if (p.bytes > p.byteSize) {
      remove(copy);
      LOG.error("snapshot {} has more bytes than its header's {}: dropped", id, p.byteSize);
      return Optional.empty();
    }
    if (p.chunks.size() < p.count) {
      evictForBytes(copy);
      return Optional.empty();
    }
    remove(copy);
    if (p.bytes != p.byteSize) {
      LOG.error("snapshot {} has {} bytes, its header says {}: not loaded", id, p.bytes, p.byteSize);
      return Optional.empty();
    }
    byte[] payload = new byte[(int) p.byteSize];
    int at = 0;
    for (int i = 0; i < p.count; i++) {
      byte[] c = p.chunks.get(i);
      System.arraycopy(c, 0, payload, at, c.length);
      at += c.length;
    }
    SnapshotBytes opened = codec.open(payload);
    if (!opened.checksum().equals(chunk.getChecksum())) {
      LOG.error("snapshot {} checksum {} differs from its header's {}: not loaded", id, opened.checksum(),
          chunk.getChecksum());
      return Optional.empty();
    }
    ModelSnapshot header = p.last != null ? p.last : chunk;
    return Optional.of(new Assembled(ModelSnapshot.newBuilder(header).setPayload(ByteBuffer.allocate(0)).build(),
        opened));
  }

  /** Forgets partial snapshots of versions already loaded. */
  public void forget(String modelId, long version) {
    String prefix = modelId + "/" + version + "/";
    List<String> copies = partial.keySet().stream().filter(k -> k.startsWith(prefix)).toList();
    copies.forEach(this::remove);
  }

  /** Incomplete copies held now. */
  int pending() {
    return partial.size();
  }

  /** Bytes the incomplete copies hold now. */
  long pendingBytes() {
    return pendingBytes;
  }

  private void remove(String copy) {
    Partial p = partial.remove(copy);
    if (p != null) {
      pendingBytes -= p.bytes;
    }
  }

  private void evictOldest() {
    Iterator<Map.Entry<String, Partial>> it = partial.entrySet().iterator();
    while (partial.size() > MAX_PARTIAL && it.hasNext()) {
      Map.Entry<String, Partial> oldest = it.next();
      LOG.warn("snapshot copy {} still incomplete after {} newer ones: forgotten", oldest.getKey(), MAX_PARTIAL);
      pendingBytes -= oldest.getValue().bytes;
      it.remove();
    }
  }

  /** Forgets the copies least recently added to (never {@code current} while others remain) beyond the bytes bound. */
  private void evictForBytes(String current) {
    Iterator<Map.Entry<String, Partial>> it = partial.entrySet().iterator();
    while (pendingBytes > maxPendingBytes && it.hasNext()) {
      Map.Entry<String, Partial> oldest = it.next();
      if (oldest.getKey().equals(current) && partial.size() > 1) {
        continue;
      }
      LOG.warn("snapshot copy {} forgotten: incomplete copies hold {} bytes, snapshot.pending.max.bytes={}",
          oldest.getKey(), pendingBytes, maxPendingBytes);
      pendingBytes -= oldest.getValue().bytes;
      it.remove();
    }
  }

  /** Forgets the copies whose last chunk is older than the age bound, in record time. */
  private void forgetStale() {
    if (maxPendingAgeMs == Long.MAX_VALUE) {
      return;
    }
    Iterator<Map.Entry<String, Partial>> it = partial.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<String, Partial> e = it.next();
      long last = e.getValue().lastTimestamp;
      if (last != Long.MIN_VALUE && newestTimestamp - last > maxPendingAgeMs) {
        LOG.warn("snapshot copy {} forgotten: no chunk of it for {} ms of record time (snapshot.pending.max.age.ms)",
            e.getKey(), newestTimestamp - last);
        pendingBytes -= e.getValue().bytes;
        it.remove();
      }
    }
  }

  private static byte[] bytes(ByteBuffer buffer) {
    if (buffer == null) {
      return new byte[0];
    }
    ByteBuffer b = buffer.duplicate();
    byte[] bytes = new byte[b.remaining()];
    b.get(bytes);
    return bytes;
  }
}
