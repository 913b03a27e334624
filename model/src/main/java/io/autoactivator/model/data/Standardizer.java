package io.autoactivator.model.data;

import java.util.Arrays;

/**
 * Per-feature standardisation {@code (x - mean) / std} with statistics fitted once, on the FIRST task's training
 * rows only, and then applied unchanged to every later task and to all test rows: nothing of a later task leaks into
 * the statistics (the class-incremental protocol would otherwise see future data). Immutable.
 *
 * <p>A feature that is constant on the fitting rows (std below {@value #MIN_STD}) keeps std 1, i.e. it is only
 * centred. Note that such a feature can take large values on later tasks; for pixel data already in [0,1] the
 * benchmark therefore does not standardise by default.
 */
public final class Standardizer {

  /** Standard deviations below this are treated as 0 (the feature is then only centred). */
  public static final double MIN_STD = 1e-8;

  private final double[] mean;
  private final double[] std;

  private Standardizer(double[] mean, double[] std) {
    this.mean = mean;
    this.std = std;
  }

  /** Fits mean and (population) std of each column of {@code rows}. */
  public static Standardizer fit(float[][] rows) {
    if (rows.length == 0) {
      throw new IllegalArgumentException("cannot fit a standardizer on no rows");
    }
    int d = rows[0].length;
    double[] mean = new double[d];
    double[] m2 = new double[d];
    long n = 0;
    for (float[] row : rows) {
      n++;
      for (int j = 0; j < d; j++) {
        double delta = row[j] - mean[j];
        mean[j] += delta / n;
        m2[j] += delta * (row[j] - mean[j]);
      }
    }
    double[] std = new double[d];
    for (int j = 0; j < d; j++) {
      double s = Math.sqrt(m2[j] / n);
      std[j] = s < MIN_STD ? 1.0 : s;
    }
    return new Standardizer(mean, std);
  }

  /** Standardised copies of {@code rows}. */
  public float[][] apply(float[][] rows) {
    float[][] out = new float[rows.length][];
    for (int i = 0; i < rows.length; i++) {
      float[] row = rows[i];
      if (row.length != mean.length) {
        throw new IllegalArgumentException("row " + i + " has " + row.length + " features, expected " + mean.length);
      }
      float[] z = new float[row.length];
      for (int j = 0; j < row.length; j++) {
        z[j] = (float) ((row[j] - mean[j]) / std[j]);
      }
      out[i] = z;
    }
    return out;
  }

  /** A standardised copy of {@code data}. */
  public Dataset apply(Dataset data) {
    return new Dataset(data.name(), apply(data.features()), data.labels(), data.classNames());
  }

  /** The fitted means (a copy). */
  public double[] mean() {
    return mean.clone();
  }

  /** The fitted standard deviations, 1 for constant features (a copy). */
  public double[] std() {
    return std.clone();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Standardizer s && Arrays.equals(mean, s.mean) && Arrays.equals(std, s.std);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(mean) + Arrays.hashCode(std);
  }
}
