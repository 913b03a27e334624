package io.autoactivator.app.snapshot;

import java.io.ByteArrayOutputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.autoactivator.schemas.ModelSnapshot;

/**
 * Collects the chunks of snapshots and gives back a payload once all chunks of one (model, version) are in, its
 * size matches and its checksum verifies. A chunk seen twice (a snapshot republished after a crash) replaces the
 * earlier copy; a snapshot that fails its checksum is dropped with an error, never loaded.
 */
public final class SnapshotAssembler {

  private static final Logger LOG = LoggerFactory.getLogger(SnapshotAssembler.class);

  /** A verified snapshot: its metadata (from the final chunk, payload emptied) and its whole payload. */
  public record Assembled(ModelSnapshot header, byte[] payload) {
  }

  private final SnapshotCodec codec;
  private final Map<String, byte[][]> partial = new HashMap<>();

  public SnapshotAssembler(SnapshotCodec codec) {
    this.codec = codec;
  }

  /** Adds a chunk; returns the snapshot when it is complete and verified. */
  public Optional<Assembled> add(ModelSnapshot chunk) {
    String id = chunk.getModelId() + "/" + chunk.getVersion();
    int count = chunk.getChunkCount();
    if (count < 1 || chunk.getChunkIndex() < 0 || chunk.getChunkIndex() >= count) {
      LOG.error("snapshot {} chunk {}/{} is out of range, ignored", id, chunk.getChunkIndex(), count);
      return Optional.empty();
    }
    byte[][] chunks = partial.get(id);
    if (chunks == null || chunks.length != count) {
      chunks = new byte[count][];
      partial.put(id, chunks);
    }
    ByteBufferBytes.copy(chunk.getPayload(), chunks, chunk.getChunkIndex());
    for (byte[] c : chunks) {
      if (c == null) {
        return Optional.empty();
      }
    }
    partial.remove(id);
    ByteArrayOutputStream all = new ByteArrayOutputStream((int) Math.min(Integer.MAX_VALUE - 8, chunk.getByteSize()));
    for (byte[] c : chunks) {
      all.writeBytes(c);
    }
    byte[] payload = all.toByteArray();
    if (payload.length != chunk.getByteSize()) {
      LOG.error("snapshot {} has {} bytes, its header says {}: not loaded", id, payload.length, chunk.getByteSize());
      return Optional.empty();
    }
    String checksum = codec.checksum(payload);
    if (!checksum.equals(chunk.getChecksum())) {
      LOG.error("snapshot {} checksum {} differs from its header's {}: not loaded", id, checksum,
          chunk.getChecksum());
      return Optional.empty();
    }
    return Optional.of(new Assembled(ModelSnapshot.newBuilder(chunk)
        .setPayload(java.nio.ByteBuffer.allocate(0)).build(), payload));
  }

  /** Forgets partial snapshots of versions already loaded. */
  public void forget(String modelId, long version) {
    partial.remove(modelId + "/" + version);
  }

  private static final class ByteBufferBytes {
    static void copy(java.nio.ByteBuffer buffer, byte[][] into, int index) {
      java.nio.ByteBuffer b = buffer.duplicate();
      byte[] bytes = new byte[b.remaining()];
      b.get(bytes);
      into[index] = bytes;
    }
  }
}
