package io.autoactivator.model.metrics;

import java.util.Arrays;
import java.util.Locale;

/**
 * Mean and sample standard deviation (n-1; 0 for a single value) of a figure over runs (class orders). NaN values
 * (a figure that does not apply to a run) are ignored; a Stat of only NaNs is NaN.
 *
 * @param mean the mean
 * @param std  the sample standard deviation
 * @param n    how many values were not NaN
 */
public record Stat(double mean, double std, int n) {

  /** The statistic of {@code values}. */
  public static Stat of(double... values) {
    double[] finite = Arrays.stream(values).filter(v -> !Double.isNaN(v)).toArray();
    if (finite.length == 0) {
      return new Stat(Double.NaN, Double.NaN, 0);
    }
    double mean = Arrays.stream(finite).average().orElseThrow();
    double ss = Arrays.stream(finite).map(v -> (v - mean) * (v - mean)).sum();
    double std = finite.length > 1 ? Math.sqrt(ss / (finite.length - 1)) : 0.0;
    return new Stat(mean, std, finite.length);
  }

  /** "mean ± std" with {@code scale} applied (100 for percentages), or "n/a". */
  public String format(double scale, int decimals) {
    if (Double.isNaN(mean)) {
      return "n/a";
    }
    String pattern = "%." + decimals + "f ± %." + decimals + "f";
    return String.format(Locale.ROOT, pattern, mean * scale, std * scale);
  }
}
