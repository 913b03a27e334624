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
  void aSnapshotWhoseHeaderCarriesTheChecksumEarlierBuildsWroteAssemblesOpenedOnceAndLoads() throws Exception {
    var model = io.autoactivator.model.api.Learners.create("ncm", Map.of(), 1L).learn(null,
        new io.autoactivator.model.api.TaskData("t", new int[] {0, 1}, new float[][] {{0f}, {1f}}, new int[] {0, 1}),
        io.autoactivator.model.api.TrainingListener.NONE);
    byte[] payload = io.autoactivator.model.snapshot.SnapshotFormat.write(model,
        io.autoactivator.model.snapshot.Provenance.of(model, "m", 3, 2L, 1L, Map.of(), "h", Map.of(), "dev"));
    String earlier = "sha256:" + java.util.HexFormat.of().formatHex(
        java.security.MessageDigest.getInstance("SHA-256").digest(payload)); // the whole payload, as before
    SnapshotAssembler assembler = new SnapshotAssembler(codec);
    SnapshotAssembler.Assembled done = assembler.add(chunk(payload, 0, 1, payload.length, earlier)).orElseThrow();
    assertThat(done.snapshot().checksum()).isEqualTo(earlier);
    codec.checkProvenance(done.snapshot(), "m", 3);
    assertThat(codec.read(done.snapshot()).classes()).containsExactly(0, 1);
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

  private ModelSnapshot chunkOf(long version, byte[] payload, int index, int count) {
    return ModelSnapshot.newBuilder(chunk(payload, index, count, 1000, codec.checksum(payload))).setVersion(version)
        .build();
  }

  @Test
  void incompleteCopiesTogetherHoldAtMostThePendingBytes() {
    SnapshotAssembler assembler = new SnapshotAssembler(codec, 1L << 20, 2500, Long.MAX_VALUE);
    byte[] payload = new byte[3000];
    assembler.add(chunkOf(1, payload, 0, 3), 1);
    assembler.add(chunkOf(2, payload, 0, 3), 2);
    assertThat(assembler.pendingBytes()).isEqualTo(2000);
    assembler.add(chunkOf(3, payload, 0, 3), 3);
    assertThat(assembler.pending()).as("the copy least recently added to is forgotten").isEqualTo(2);
    assertThat(assembler.pendingBytes()).isEqualTo(2000);
    assertThat(assembler.add(chunkOf(3, payload, 1, 3), 4)).isEmpty();
    assertThat(assembler.add(chunkOf(3, payload, 2, 3), 5)).as("the newest copy still completes").isPresent();
    assertThat(assembler.add(chunkOf(1, payload, 1, 3), 6)).isEmpty();
    assertThat(assembler.add(chunkOf(1, payload, 2, 3), 7)).as("version 1 lost its first chunk").isEmpty();
  }

  @Test
  void aCopyWithoutAChunkForTheMaximumAgeIsForgotten() {
    SnapshotAssembler assembler = new SnapshotAssembler(codec, 1L << 20, Long.MAX_VALUE, 60_000);
    byte[] payload = new byte[2000];
    assembler.add(chunkOf(1, payload, 0, 2), 1_000);
    assembler.add(chunkOf(2, payload, 0, 2), 50_000);
    assertThat(assembler.pending()).isEqualTo(2);
    assembler.add(chunkOf(3, payload, 0, 2), 61_001);
    assertThat(assembler.pending()).as("version 1's publisher died an age ago (record time)").isEqualTo(2);
    assertThat(assembler.pendingBytes()).isEqualTo(2000);
    assertThat(assembler.add(chunkOf(2, payload, 1, 2), 61_002)).isPresent();
    assertThat(assembler.pendingBytes()).isEqualTo(1000);
  }
}
