package io.autoactivator.model.transform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** The density rule's count agrees with sorting the column wherever it decides something (half of the rows). */
class LargestCountProperties {

  @Property(tries = 500)
  void tellsExactlyWhetherOneValueCoversHalfTheColumn(
      @ForAll @Size(min = 1, max = 60) int[] raw, @ForAll @IntRange(min = 1, max = 5) int alphabet) {
    int[] column = Arrays.stream(raw).map(v -> Math.floorMod(v, alphabet)).toArray();
    int sortedLongest = longestRunSorted(column);
    int counted = InputTransform.largestCount(column);
    assertThat(2 * counted >= column.length).isEqualTo(2 * sortedLongest >= column.length);
    if (3 * sortedLongest > column.length) {
      assertThat(counted).isEqualTo(sortedLongest);
    }
  }

  private static int longestRunSorted(int[] column) {
    int[] sorted = column.clone();
    Arrays.sort(sorted);
    int longest = 0;
    for (int i = 0, run = 0; i < sorted.length; i++) {
      run = i > 0 && sorted[i] == sorted[i - 1] ? run + 1 : 1;
      longest = Math.max(longest, run);
    }
    return longest;
  }
}
