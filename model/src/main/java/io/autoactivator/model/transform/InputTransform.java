package io.autoactivator.model.transform;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;
import java.util.Locale;

import io.autoactivator.model.api.TaskSource;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The model's own input transform {@code z = (x - shift) / scale}, fitted once on the FIRST task's training rows,
 * frozen, written into every snapshot and applied by {@code predict} exactly as during training. Nothing of a later
 * task ever reaches the statistics (class-incremental protocol), so the service and the bench transform alike.
 *
 * <p>Why a rule rather than always standardising: features in different units (a table of lengths, counts and
 * ratios) must be brought to one scale or the random feature layers see only the widest column; but features that
 * already share one scale (pixels) must not be standardised one by one on the first task, because a pixel that is
 * nearly constant on the first task's classes would be amplified many times and dominate every later task
 * (measured on split MNIST: per-pixel standardisation on task 1 costs 7 points of ACC, a floor on the scale 1.5).
 * {@link Mode#AUTO} therefore decides from the first task's per-feature ranges:
 * <ul>
 *   <li>if, among the first task's <em>dense</em> features (those whose most frequent value covers less than half
 *       of the rows), the widest range is more than {@value #COMMON_SCALE_RATIO} times the narrowest (features in
 *       different units): per-feature standardisation ({@link Kind#STANDARDIZE}; a constant feature is only
 *       centred);
 *   <li>otherwise (one common scale): ONE shift and ONE scale for every feature ({@link Kind#GLOBAL}: the mean of
 *       the features' means and the root mean square of their standard deviations), an isotropic map that keeps
 *       the input's geometry (per-pixel centring alone cost split MNIST 0.3 points of ACC).
 * </ul>
 * Why dense features only: a feature that takes one value on most rows (a background pixel, an unused category,
 * a count that is mostly zero) has a first-task range that says which values the first classes happen to use, not
 * the feature's unit, while a dense feature's range is its unit (Glass's refractive index, 1.52 +- 0.003 beside
 * oxide percentages +- 1, vanished under one common scale: standardising it gained 4.4 points of ACC over 10
 * class orders).
 * Either way the transformed features have a typical standard deviation of 1, which is what the learners' weight
 * scales ({@code scale / sqrt(dimension)}) assume. Immutable.
 */
public final class InputTransform {

  /** Dense features' ranges wider than this multiple of the narrowest mean "features in different units". */
  public static final double COMMON_SCALE_RATIO = 10.0;

  /** At most this many of the first task's rows decide which features are dense. */
  static final int DENSITY_ROWS = 4096;

  /** Standard deviations below this are treated as 0. */
  static final double MIN_STD = 1e-8;

  /** What the user asks for (learner option {@code input.transform}). */
  public enum Mode { AUTO, STANDARDIZE, GLOBAL, NONE;

    /** Parses an option value (case-insensitive). */
    public static Mode parse(String value) {
      for (Mode m : values()) {
        if (m.name().equalsIgnoreCase(value.trim())) {
          return m;
        }
      }
      throw new IllegalArgumentException("bad value '" + value + "' for option input.transform; valid values: auto,"
          + " standardize, global, none");
    }

    /** The option value. */
    public String option() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** What was fitted. */
  public enum Kind { STANDARDIZE, GLOBAL, NONE }

  private final Kind kind;
  private final float[] shift;
  private final float[] scale;

  private InputTransform(Kind kind, float[] shift, float[] scale) {
    this.kind = kind;
    this.shift = shift;
    this.scale = scale;
  }

  /** The identity on {@code dimension} features. */
  public static InputTransform identity(int dimension) {
    float[] ones = new float[dimension];
    Arrays.fill(ones, 1f);
    return new InputTransform(Kind.NONE, new float[dimension], ones);
  }

  /** Fits the transform that {@code mode} asks for on the first task's rows (at least one row). */
  public static InputTransform fit(float[][] rows, Mode mode) {
    if (rows.length == 0) {
      throw new IllegalArgumentException("cannot fit an input transform on no rows");
    }
    int d = rows[0].length;
    if (mode == Mode.NONE) {
      return identity(d);
    }
    Moments moments = new Moments(d);
    for (float[] row : rows) {
      moments.add(row);
    }
    return fitted(mode, moments, rows);
  }

  /**
   * Fits the transform that {@code mode} asks for on the first task read from {@code source}, in one pass and one
   * chunk at a time (never the whole task): the same statistics as {@link #fit(float[][], Mode)}, summed in the
   * source's order, and the same density rule on the task's first {@value #DENSITY_ROWS} rows.
   */
  public static InputTransform fit(TaskSource source, Mode mode) {
    int d = source.dimension();
    if (source.size() == 0) {
      throw new IllegalArgumentException("cannot fit an input transform on no rows");
    }
    if (mode == Mode.NONE) {
      return identity(d);
    }
    Moments moments = new Moments(d);
    float[][] first = new float[Math.min(source.size(), DENSITY_ROWS)][];
    source.read(4096, chunk -> {
      for (int i = 0; i < chunk.size(); i++) {
        moments.add(chunk.features()[i]);
        if (chunk.rows()[i] < first.length) {
          first[chunk.rows()[i]] = chunk.features()[i];
        }
      }
    });
    return fitted(mode, moments, first);
  }

  /**
   * Per-feature mean, squared deviations, minimum and maximum, from sums of the values' differences to the first
   * row. The shift is a value of the feature itself, within a few spreads of its mean, so the sums stay of the
   * spread's size even where the spread is tiny beside the value (Glass's refractive index, 1.52 +- 0.003) and the
   * variance does not cancel away; and the loop has no division per value, so a cold JVM runs it fast.
   */
  private static final class Moments {
    final double[] reference;
    final double[] sum;
    final double[] sumSquares;
    final double[] min;
    final double[] max;
    long n;

    Moments(int d) {
      reference = new double[d];
      sum = new double[d];
      sumSquares = new double[d];
      min = new double[d];
      max = new double[d];
      Arrays.fill(min, Double.POSITIVE_INFINITY);
      Arrays.fill(max, Double.NEGATIVE_INFINITY);
    }

    void add(float[] row) {
      if (n++ == 0) {
        for (int j = 0; j < reference.length; j++) {
          reference[j] = row[j];
        }
      }
      for (int j = 0; j < reference.length; j++) {
        double v = row[j];
        double delta = v - reference[j];
        sum[j] += delta;
        sumSquares[j] += delta * delta;
        min[j] = Math.min(min[j], v);
        max[j] = Math.max(max[j], v);
      }
    }

    double mean(int j) {
      return reference[j] + sum[j] / n;
    }

    /** The population variance (divided by n), never negative. */
    double variance(int j) {
      double m = sum[j] / n;
      return Math.max(0, sumSquares[j] / n - m * m);
    }
  }

  /** The transform of {@code mode} from the first task's moments; {@code densityRows} decide which features are dense. */
  private static InputTransform fitted(Mode mode, Moments moments, float[][] densityRows) {
    int d = moments.reference.length;
    double[] mean = new double[d];
    double[] min = moments.min;
    double[] max = moments.max;
    double[] std = new double[d];
    double sumSquares = 0;
    for (int j = 0; j < d; j++) {
      mean[j] = moments.mean(j);
      std[j] = Math.sqrt(moments.variance(j));
      sumSquares += std[j] * std[j];
    }
    Kind kind = switch (mode) {
      case STANDARDIZE -> Kind.STANDARDIZE;
      case GLOBAL -> Kind.GLOBAL;
      default -> differentUnits(min, max, dense(densityRows)) ? Kind.STANDARDIZE : Kind.GLOBAL;
    };
    double rms = Math.sqrt(sumSquares / d);
    double meanOfMeans = Arrays.stream(mean).average().orElse(0);
    float[] shift = new float[d];
    float[] scale = new float[d];
    for (int j = 0; j < d; j++) {
      shift[j] = (float) (kind == Kind.STANDARDIZE ? mean[j] : meanOfMeans);
      double s = kind == Kind.STANDARDIZE ? std[j] : rms;
      scale[j] = (float) (s < MIN_STD ? 1.0 : s);
    }
    return new InputTransform(kind, shift, scale);
  }

  /**
   * Whether each feature is dense: its most frequent value covers less than half of the rows (the first
   * {@value #DENSITY_ROWS} rows: enough to tell, and bounded for a large first task).
   */
  static boolean[] dense(float[][] rows) {
    int m = Math.min(rows.length, DENSITY_ROWS);
    int d = rows[0].length;
    boolean[] dense = new boolean[d];
    int[] column = new int[m];
    for (int j = 0; j < d; j++) {
      for (int i = 0; i < m; i++) {
        column[i] = Float.floatToIntBits(rows[i][j]); // equal bits: equal as Float.compare sees them
      }
      dense[j] = 2 * largestCount(column) < m;
    }
    return dense;
  }

  /**
   * How often the most frequent value occurs, when it occurs more than a third of the time (less otherwise): the
   * Misra-Gries summary with two counters keeps every value above a third of the column, and counting its two
   * candidates tells exactly whether one covers half. Two passes and no sort, so a first task's 4,096 x 784 check
   * takes milliseconds.
   */
  static int largestCount(int[] column) {
    int first = 0;
    int second = 0;
    int firstCount = 0;
    int secondCount = 0;
    for (int v : column) {
      if (firstCount > 0 && v == first) {
        firstCount++;
      } else if (secondCount > 0 && v == second) {
        secondCount++;
      } else if (firstCount == 0) {
        first = v;
        firstCount = 1;
      } else if (secondCount == 0) {
        second = v;
        secondCount = 1;
      } else {
        firstCount--;
        secondCount--;
      }
    }
    int a = 0;
    int b = 0;
    for (int v : column) {
      if (v == first) {
        a++;
      } else if (v == second) {
        b++;
      }
    }
    return Math.max(a, b);
  }

  /**
   * True when, among the dense features with a non-zero range, the widest range exceeds
   * {@link #COMMON_SCALE_RATIO} times the narrowest. Measured on the first tasks of every table and image set we
   * hold (every pair of classes; one class for iris and wine): features in different units give 67-71x (Vehicle),
   * 180-630x (Glass), over 1,000x (wine); features on one scale 1.0x (MNIST and Fashion-MNIST pixels), 1.0-2.0x
   * (digits), 2.3-2.7x (iris), 1.5-3x (Soybean codes), 6-13x (Vowel; 1 pair of 45 above 10).
   */
  static boolean differentUnits(double[] min, double[] max, boolean[] dense) {
    double widest = 0;
    double narrowest = Double.POSITIVE_INFINITY;
    int counted = 0;
    for (int j = 0; j < min.length; j++) {
      double r = max[j] - min[j];
      if (dense[j] && r > MIN_STD) {
        widest = Math.max(widest, r);
        narrowest = Math.min(narrowest, r);
        counted++;
      }
    }
    return counted >= 2 && widest > COMMON_SCALE_RATIO * narrowest;
  }


  public Kind kind() {
    return kind;
  }

  public int dimension() {
    return shift.length;
  }

  /** A copy of the shifts (per-feature means of the first task, 0 for {@link Kind#NONE}). */
  public float[] shift() {
    return shift.clone();
  }

  /** A copy of the per-feature divisors. */
  public float[] scale() {
    return scale.clone();
  }

  /** Transformed copies of {@code rows} (rows of the wrong length are rejected by the caller's checks first). */
  public float[][] apply(float[][] rows) {
    if (kind == Kind.NONE) {
      return rows;
    }
    float[][] out = new float[rows.length][];
    for (int i = 0; i < rows.length; i++) {
      float[] row = rows[i];
      if (row == null || row.length != shift.length) {
        out[i] = row; // left for the model's own dimension check to reject with its message
        continue;
      }
      float[] z = new float[row.length];
      for (int j = 0; j < row.length; j++) {
        z[j] = (row[j] - shift[j]) / scale[j];
      }
      out[i] = z;
    }
    return out;
  }

  /** The transform of an n x dimension float matrix, as a new matrix ({@code x} is not modified). */
  public INDArray apply(INDArray x) {
    if (kind == Kind.NONE) {
      return x;
    }
    return x.dup().subiRowVector(Nd4j.create(shift, new long[] {1, shift.length}, 'c'))
        .diviRowVector(Nd4j.create(scale, new long[] {1, scale.length}, 'c'));
  }

  /** Writes kind, dimension, shifts and scales. */
  public void write(DataOutput out) throws IOException {
    out.writeByte(kind.ordinal());
    out.writeInt(shift.length);
    for (float v : shift) {
      out.writeFloat(v);
    }
    for (float v : scale) {
      out.writeFloat(v);
    }
  }

  /** Reads what {@link #write} wrote; rejects unknown kinds, absurd sizes and non-positive or non-finite scales. */
  public static InputTransform read(DataInput in) throws IOException {
    int kindIndex = in.readUnsignedByte();
    if (kindIndex >= Kind.values().length) {
      throw new IOException("unknown input transform kind " + kindIndex);
    }
    int d = in.readInt();
    if (d <= 0 || d > 1 << 24) {
      throw new IOException("invalid input transform dimension " + d);
    }
    float[] shift = new float[d];
    float[] scale = new float[d];
    for (int j = 0; j < d; j++) {
      shift[j] = in.readFloat();
    }
    for (int j = 0; j < d; j++) {
      scale[j] = in.readFloat();
      if (!(scale[j] > 0) || !Float.isFinite(scale[j]) || !Float.isFinite(shift[j])) {
        throw new IOException("invalid input transform at feature " + j);
      }
    }
    return new InputTransform(Kind.values()[kindIndex], shift, scale);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof InputTransform t && kind == t.kind && Arrays.equals(shift, t.shift)
        && Arrays.equals(scale, t.scale);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * kind.hashCode() + Arrays.hashCode(shift)) + Arrays.hashCode(scale);
  }

  @Override
  public String toString() {
    return "InputTransform[" + kind.name().toLowerCase(Locale.ROOT) + ", " + shift.length + " features]";
  }
}
