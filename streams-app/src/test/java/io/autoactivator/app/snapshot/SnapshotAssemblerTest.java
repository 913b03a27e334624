package io.autoactivator.app.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.autoactivator.schemas.ModelSnapshot;
import io.autoactivator.schemas.Provenance;

/** Chunks in any order reassemble; a wrong checksum or size is never loaded. */
class SnapshotAssemblerTest {

  private final SnapshotFormatCodec codec = new SnapshotFormatCodec();

  private ModelSnapshot chunk(byte[] payload, int index, int count, int chunkBytes, String checksum) {
    byte[] slice = Arrays.copyOfRange(payload, index * chunkBytes, Math.min(payload.length, (index + 1) * chunkBytes));
    return ModelSnapshot.newBuilder().setModelId("m").setVersion(3).setParentVersion(2L).setLearner("ncm")
        .setTasks(List.of()).setClasses(List.of()).setParameterCount(0).setByteSize(payload.length)
        .setChecksum(checksum).setProvenance(new Provenance(1L, "h", Map.of(), "dev")).setCreatedAt(Instant.EPOCH)
        .setChunkIndex(index).setChunkCount(count).setPayload(ByteBuffer.wrap(slice)).build();
  }

  @Test
  void chunksInAnyOrderGiveBackThePayload() {
    byte[] payload = new byte[2500];
    for (int i = 0; i < payload.length; i++) {
      payload[i] = (byte) (i * 31);
    }
    String sum = codec.checksum(payload);
    SnapshotAssembler assembler = new SnapshotAssembler(codec);
    assertThat(assembler.add(chunk(payload, 2, 3, 1000, sum))).isEmpty();
    assertThat(assembler.add(chunk(payload, 0, 3, 1000, sum))).isEmpty();
    assertThat(assembler.add(chunk(payload, 0, 3, 1000, sum))).as("a duplicate chunk").isEmpty();
    Optional<SnapshotAssembler.Assembled> done = assembler.add(chunk(payload, 1, 3, 1000, sum));
    assertThat(done).get().satisfies(a -> {
      assertThat(a.payload()).isEqualTo(payload);
      assertThat(a.header().getVersion()).isEqualTo(3);
      assertThat(a.header().getPayload().remaining()).isZero();
    });
  }

  @Test
  void wrongChecksumIsRejected() {
    byte[] payload = new byte[1500];
    SnapshotAssembler assembler = new SnapshotAssembler(codec);
    assembler.add(chunk(payload, 0, 2, 1000, "sha256:00"));
    assertThat(assembler.add(chunk(payload, 1, 2, 1000, "sha256:00"))).isEmpty();
  }

  private ModelSnapshot forged(long byteSize, int index, int count, int payloadBytes) {
    return ModelSnapshot.newBuilder(chunk(new byte[0], 0, 1, 1000, "sha256:00")).setByteSize(byteSize)
        .setChunkIndex(index).setChunkCount(count).setPayload(ByteBuffer.allocate(payloadBytes)).build();
  }

  @Test
  void impossibleChunkMetadataIsRejectedBeforeAnythingIsAllocated() {
    SnapshotAssembler assembler = new SnapshotAssembler(codec, 1L << 20);
    assertThat(assembler.add(forged(1000, 0, Integer.MAX_VALUE, 10))).as("2^31-1 chunks").isEmpty();
    assertThat(assembler.add(forged(-1, 0, 1, 0))).as("a negative size").isEmpty();
    assertThat(assembler.add(forged(Integer.MAX_VALUE, 0, 1, 0))).as("above snapshot.max.bytes").isEmpty();
    assertThat(assembler.add(forged(1000, 0, 1, 2000))).as("a chunk larger than its snapshot").isEmpty();
    assertThat(assembler.add(forged(5000, 7, 3, 10))).as("index out of range").isEmpty();
    assertThat(assembler.pending()).isZero();
    assertThat(SnapshotAssembler.problem(forged(1000, 0, Integer.MAX_VALUE, 10), 1L << 20)).contains("chunk count");
  }

  @Test
  void twoCopiesOfOneVersionWithDifferentBytesDoNotCorruptEachOther() {
    byte[] a = new byte[1500];
    byte[] b = new byte[1500];
    java.util.Arrays.fill(b, (byte) 7);
    SnapshotAssembler assembler = new SnapshotAssembler(codec);
    assertThat(assembler.add(chunk(a, 0, 2, 1000, codec.checksum(a)))).isEmpty();
    assertThat(assembler.add(chunk(b, 0, 2, 1000, codec.checksum(b)))).isEmpty();
    assertThat(assembler.add(chunk(a, 1, 2, 1000, codec.checksum(a)))).get()
        .satisfies(done -> assertThat(done.payload()).isEqualTo(a));
    assertThat(assembler.add(chunk(b, 1, 2, 1000, codec.checksum(b)))).get()
        .satisfies(done -> assertThat(done.payload()).isEqualTo(b));
  }
}
