package io.autoactivator.app.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** A chunk of accepted samples reads back as written, goes on after a restore, and is never a per-sample value. */
class AcceptedChunkTest {

  @Test
  void entriesReadBackInTheOrderTheyWereAddedAndAHandedOutCopyDoesNotChange() {
    AcceptedChunk.Builder chunk = new AcceptedChunk.Builder().add(id("a"), new AcceptedSample(0, 1, 10, 3));
    byte[] first = chunk.toBytes();
    chunk.add(id("zé-2"), new AcceptedSample(2, 1L << 40, 3_300, -1));
    assertThat(AcceptedChunk.decode(first)).extracting(AcceptedChunk.Entry::sampleId).containsExactly("a");
    assertThat(AcceptedChunk.decode(chunk.toBytes())).containsExactly(
        new AcceptedChunk.Entry(id("a"), new AcceptedSample(0, 1, 10, 3)),
        new AcceptedChunk.Entry(id("zé-2"), new AcceptedSample(2, 1L << 40, 3_300, -1)));
    assertThat(AcceptedChunk.count(chunk.toBytes())).isEqualTo(2);
    assertThat(chunk.entries()).isEqualTo(2);
  }

  @Test
  void aRestoredChunkGoesOnWhereItStopped() {
    byte[] stored = new AcceptedChunk.Builder().add(id("a"), new AcceptedSample(0, 1, 10, 3)).toBytes();
    AcceptedChunk.Builder reopened = new AcceptedChunk.Builder(stored).add(id("b"), new AcceptedSample(0, 2, 10, 3));
    assertThat(reopened.entries()).isEqualTo(2);
    assertThat(AcceptedChunk.decode(reopened.toBytes())).extracting(AcceptedChunk.Entry::sampleId)
        .containsExactly("a", "b");
  }

  @Test
  void aLongIdFitsAndAPerSampleValueOfAnEarlierReleaseIsNotAChunk() {
    byte[] longId = "x".repeat(100_000).getBytes(StandardCharsets.UTF_8);
    byte[] chunk = new AcceptedChunk.Builder().add(longId, new AcceptedSample(0, 1, 10, 3)).toBytes();
    assertThat(AcceptedChunk.decode(chunk).get(0).id()).isEqualTo(longId);
    assertThatThrownBy(() -> AcceptedChunk.decode(new AcceptedSample(0, 1, 10, 3).encode()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not an accepted-samples chunk");
    assertThat(StoreNames.isChunkKey(StoreNames.chunkKey("m", "t", 12))).isTrue();
    assertThat(StoreNames.chunkKey("m", "t", 12)).isEqualTo("m/t//0000000012");
    assertThat(StoreNames.isChunkKey(StoreNames.sampleKey("m", "t", "12"))).isFalse();
  }

  private static byte[] id(String sampleId) {
    return sampleId.getBytes(StandardCharsets.UTF_8);
  }
}
