package io.autoactivator.app.serve;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Waiting requests are keyed by partition and offset, zero-padded so that the store iterates in arrival order. */
class ServingStoreKeyTest {

  @Test
  void keysAreThePaddedPartitionAndOffset() {
    int[] partitions = {-1, 0, 7, 12_345, 123_456};
    long[] offsets = {-1, 0, 9, 1_234_567, Long.MAX_VALUE};
    for (int partition : partitions) {
      for (long offset : offsets) {
        assertThat(ServingProcessor.storeKey(partition, offset))
            .isEqualTo(String.format("%05d/%020d", Math.max(0, partition), offset));
      }
    }
  }

  @Test
  void keysSortInOffsetOrder() {
    assertThat(ServingProcessor.storeKey(0, 99)).isLessThan(ServingProcessor.storeKey(0, 100));
    assertThat(ServingProcessor.storeKey(1, 0)).isGreaterThan(ServingProcessor.storeKey(0, Long.MAX_VALUE));
  }
}
