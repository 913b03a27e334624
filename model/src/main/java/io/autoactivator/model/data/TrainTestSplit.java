package io.autoactivator.model.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A stratified, seeded held-out split for tables that come without their own test file: within each class the rows
 * are shuffled with the seed and the first {@code round(fraction * n_class)} become test rows (at least one, and at
 * least one left for training, when the class has two rows or more). Rows keep their file order inside each part.
 *
 * @param train the training rows
 * @param test  the held-out rows
 */
public record TrainTestSplit(Dataset train, Dataset test) {

  /** The default held-out fraction. */
  public static final double DEFAULT_TEST_FRACTION = 0.2;

  /** Splits {@code data}, holding out {@code testFraction} of each class. */
  public static TrainTestSplit stratified(Dataset data, double testFraction, long seed) {
    if (!(testFraction > 0 && testFraction < 1)) {
      throw new IllegalArgumentException("test fraction must be in (0,1), got " + testFraction);
    }
    SplittableRandom random = new SplittableRandom(seed);
    boolean[] isTest = new boolean[data.size()];
    for (int label : data.classes()) {
      List<Integer> rows = new ArrayList<>();
      for (int i = 0; i < data.size(); i++) {
        if (data.labels()[i] == label) {
          rows.add(i);
        }
      }
      int n = rows.size();
      for (int i = n - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        Integer swap = rows.get(i);
        rows.set(i, rows.get(j));
        rows.set(j, swap);
      }
      int held = (int) Math.round(testFraction * n);
      if (n >= 2) {
        held = Math.max(1, Math.min(n - 1, held));
      }
      for (int i = 0; i < held; i++) {
        isTest[rows.get(i)] = true;
      }
    }
    int[] train = indices(isTest, false);
    int[] test = indices(isTest, true);
    return new TrainTestSplit(data.select(train, data.name() + "/train"), data.select(test, data.name() + "/test"));
  }

  private static int[] indices(boolean[] isTest, boolean wanted) {
    int[] out = new int[isTest.length];
    int n = 0;
    for (int i = 0; i < isTest.length; i++) {
      if (isTest[i] == wanted) {
        out[n++] = i;
      }
    }
    return Arrays.copyOf(out, n);
  }
}
