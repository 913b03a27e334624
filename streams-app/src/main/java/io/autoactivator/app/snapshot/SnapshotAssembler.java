package io.autoactivator.app.snapshot;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.autoactivator.schemas.ModelSnapshot;

/**
 * Collects the chunks of snapshots and gives back a payload once all chunks of one copy are in, its size matches and
 * its checksum verifies. Nothing is allocated from a chunk's claims before they are checked ({@link #problem}): the
 * chunk count and byte size come from whoever wrote the record. A copy is identified by model, version and checksum
 * (content-addressed), so two copies of one version with different bytes (a rebalance while the old owner still
 * trains, a rolling upgrade) assemble side by side instead of corrupting each other; a chunk seen twice replaces the
 * earlier copy; a snapshot that fails its checksum is dropped with an error, never loaded. At most
 * {@link #MAX_PARTIAL} incomplete copies are kept (the oldest is forgotten first).
 */
public final class SnapshotAssembler {

  private static final Logger LOG = LoggerFactory.getLogger(SnapshotAssembler.class);
  /** Smallest chunk a publisher writes ({@code snapshot.chunk.bytes} is at least 1024). */
  static final int MIN_CHUNK_BYTES = 1024;
  /** Incomplete snapshot copies kept at once. */
  static final int MAX_PARTIAL = 64;

  /** A verified snapshot: its metadata (from the final chunk, payload emptied) and its whole payload. */
  public record Assembled(ModelSnapshot header, byte[] payload) {
  }

  /** The chunks of one copy received so far. */
  private static final class Partial {
    final int count;
    final long byteSize;
    final Map<Integer, byte[]> chunks = new HashMap<>();
    ModelSnapshot last;
    long bytes;

    Partial(int count, long byteSize) {
      this.count = count;
      this.byteSize = byteSize;
    }
  }

  private final SnapshotCodec codec;
  private final long maxSnapshotBytes;
  private final Map<String, Partial> partial = new LinkedHashMap<>();

  public SnapshotAssembler(SnapshotCodec codec) {
    this(codec, Integer.MAX_VALUE - 8L);
  }

  /** @param maxSnapshotBytes largest payload a chunk may announce ({@code snapshot.max.bytes}) */
  public SnapshotAssembler(SnapshotCodec codec, long maxSnapshotBytes) {
    this.codec = codec;
    this.maxSnapshotBytes = Math.min(maxSnapshotBytes, Integer.MAX_VALUE - 8L);
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

  /** Adds a chunk; returns the snapshot when it is complete and verified. */
  public Optional<Assembled> add(ModelSnapshot chunk) {
    String id = chunk.getModelId() + "/" + chunk.getVersion();
    String problem = problem(chunk, maxSnapshotBytes);
    if (problem != null) {
      LOG.error("snapshot {} chunk {}/{} ignored: {}", id, chunk.getChunkIndex(), chunk.getChunkCount(), problem);
      return Optional.empty();
    }
    String copy = id + "/" + chunk.getChecksum() + "/" + chunk.getByteSize() + "/" + chunk.getChunkCount();
    Partial p = partial.get(copy);
    if (p == null) {
      p = new Partial(chunk.getChunkCount(), chunk.getByteSize());
      partial.put(copy, p);
      evictOldest();
    }
    byte[] bytes = bytes(chunk.getPayload());
    byte[] previous = p.chunks.put(chunk.getChunkIndex(), bytes);
    p.bytes += bytes.length - (previous == null ? 0 : previous.length);
    if (chunk.getChunkIndex() == p.count - 1) {
      p.last = chunk;
    }
    if (p.bytes > p.byteSize) {
      partial.remove(copy);
      LOG.error("snapshot {} has more bytes than its header's {}: dropped", id, p.byteSize);
      return Optional.empty();
    }
    if (p.chunks.size() < p.count) {
      return Optional.empty();
    }
    partial.remove(copy);
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
    String checksum = codec.checksum(payload);
    if (!checksum.equals(chunk.getChecksum())) {
      LOG.error("snapshot {} checksum {} differs from its header's {}: not loaded", id, checksum,
          chunk.getChecksum());
      return Optional.empty();
    }
    ModelSnapshot header = p.last != null ? p.last : chunk;
    return Optional.of(new Assembled(ModelSnapshot.newBuilder(header).setPayload(ByteBuffer.allocate(0)).build(),
        payload));
  }

  /** Forgets partial snapshots of versions already loaded. */
  public void forget(String modelId, long version) {
    String prefix = modelId + "/" + version + "/";
    partial.keySet().removeIf(k -> k.startsWith(prefix));
  }

  /** Incomplete copies held now. */
  int pending() {
    return partial.size();
  }

  private void evictOldest() {
    Iterator<String> it = partial.keySet().iterator();
    while (partial.size() > MAX_PARTIAL && it.hasNext()) {
      String oldest = it.next();
      LOG.warn("snapshot copy {} still incomplete after {} newer ones: forgotten", oldest, MAX_PARTIAL);
      it.remove();
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
