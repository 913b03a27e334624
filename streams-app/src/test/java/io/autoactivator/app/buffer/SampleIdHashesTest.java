package io.autoactivator.app.buffer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** The compact id set: no id added is ever missed, and few ids not added look added. */
class SampleIdHashesTest {

  @Test
  void everyAddedIdIsFoundAndOthersAreNotAsItGrows() {
    SampleIdHashes set = new SampleIdHashes();
    for (int i = 0; i < 100_000; i++) {
      set.add(hash("sample-" + i));
    }
    set.add(hash("sample-7")); // again: counted once
    assertThat(set.size()).isEqualTo(100_000);
    int falseHits = 0;
    for (int i = 0; i < 100_000; i++) {
      assertThat(set.mightContain(hash("sample-" + i))).isTrue();
      falseHits += set.mightContain(hash("other-" + i)) ? 1 : 0;
    }
    assertThat(falseHits).as("64-bit hashes of 10^5 ids: a collision is ~10^-9 likely").isZero();
  }

  @Test
  void theHashIsNeverTheEmptySlotsZero() {
    assertThat(SampleIdHashes.hash(new byte[0])).isNotZero();
  }

  private static long hash(String id) {
    return SampleIdHashes.hash(id.getBytes(StandardCharsets.UTF_8));
  }
}
