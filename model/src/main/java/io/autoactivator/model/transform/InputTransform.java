package io.autoactivator.model.transform;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;
import java.util.Locale;

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
 *   <li>if the widest feature range is more than {@value #COMMON_SCALE_RATIO} times the lower quartile of the
 *       ranges (features in different units): per-feature standardisation ({@link Kind#STANDARDIZE}; a constant feature is only centred);
 *   <li>otherwise (one common scale): ONE shift and ONE scale for every feature ({@link Kind#GLOBAL}: the mean of
 *       the features' means and the root mean square of their standard deviations), an isotropic map that keeps
 *       the input's geometry (per-pixel centring alone cost split MNIST 0.3 points of ACC).
 * </ul>
 * Either way the transformed features have a typical standard deviation of 1, which is what the learners' weight
 * scales ({@code scale / sqrt(dimension)}) assume. Immutable.
 */
public final class InputTransform {

  /** Ranges wider than this multiple of the median range mean "features in different units". */
  public static final double COMMON_SCALE_RATIO = 10.0;

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
    double[] mean = new double[d];
    double[] m2 = new double[d];
    double[] min = new double[d];
    double[] max = new double[d];
    Arrays.fill(min, Double.POSITIVE_INFINITY);
    Arrays.fill(max, Double.NEGATIVE_INFINITY);
    long n = 0;
    for (float[] row : rows) {
      n++;
      for (int j = 0; j < d; j++) {
        double v = row[j];
        double delta = v - mean[j];
        mean[j] += delta / n;
        m2[j] += delta * (v - mean[j]);
        min[j] = Math.min(min[j], v);
        max[j] = Math.max(max[j], v);
      }
    }
    double[] std = new double[d];
    double sumSquares = 0;
    for (int j = 0; j < d; j++) {
      std[j] = Math.sqrt(m2[j] / n);
      sumSquares += std[j] * std[j];
    }
    Kind kind = switch (mode) {
      case STANDARDIZE -> Kind.STANDARDIZE;
      case GLOBAL -> Kind.GLOBAL;
      default -> differentUnits(min, max) ? Kind.STANDARDIZE : Kind.GLOBAL;
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
   * True when the widest range exceeds {@link #COMMON_SCALE_RATIO} times the lower quartile of the non-zero ranges.
   * The quartile, not the median or the smallest: measured on the first task of every table and image set we hold,
   * it separates tables with columns in different units (Vehicle 27x, Glass 27x, wine 580x) from features on one
   * scale (MNIST and Fashion-MNIST pixels 1.0x, digits 1.3x, iris 2.4x, Soybean codes 6x, Vowel 6.5x), where a
   * few nearly unused pixels must not count as a unit of their own.
   */
  static boolean differentUnits(double[] min, double[] max) {
    double[] ranges = new double[min.length];
    int k = 0;
    for (int j = 0; j < min.length; j++) {
      double r = max[j] - min[j];
      if (r > MIN_STD) {
        ranges[k++] = r;
      }
    }
    if (k < 2) {
      return false;
    }
    double[] nonZero = Arrays.copyOf(ranges, k);
    Arrays.sort(nonZero);
    double lowerQuartile = nonZero[(int) Math.floor(0.25 * (k - 1))];
    return nonZero[k - 1] > COMMON_SCALE_RATIO * lowerQuartile;
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
