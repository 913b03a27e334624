package io.autoactivator.model.autoactivator;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.SplittableRandom;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Random convolutional features for inputs with a declared {@link ImageShape}: K random k x k filters (over every
 * channel) slide over the image with a stride, each response goes through an activation ({@code conv.activation}:
 * relu by default, sigmoid as first built), and the responses are averaged
 * over a g x g grid of regions, giving g*g*K features that each see one region through local patches, plus one
 * constant feature: the pooled features are standardised, so the readout needs it for each class's offset (without
 * it, split Fashion-MNIST lost half a point: prototype 0.886 against 0.891). Such maps are
 * far better per parameter than a dense random layer on images (random-filter networks: Jarrett et al. 2009, Saxe et
 * al. 2011; receptive-field closed-form nets: McDonnell et al. 2015). Measured with the same ridge readout and 2,500
 * features: the joint ridge on MNIST goes from 0.962 (dense) to 0.987, and split MNIST / Fashion-MNIST 5x2 class-IL
 * in {@code bench} from 0.961 / 0.863 (dense, 2.0 M parameters) to 0.986 / 0.883 (59 k parameters). Stride 2 lost 2
 * points on Fashion-MNIST, 3x3 or 7x7 filters and 4x4 or 6x6 grids 0.3-0.6 ({@code
 * benchmarks/reference/prototype/exp4.py}).
 *
 * <p>Filters: {@code lambda * U[-sqrt(3/(C k^2)), sqrt(3/(C k^2))]} (fan-in rule on the model's transformed input),
 * biases {@code U[-1,1]}, drawn from the learner's seed. The pooled features are standardised with the FIRST task's
 * mean and standard deviation per feature (frozen like every other part of the map), each deviation floored at
 * {@value #SCALE_FLOOR} times their root mean square, so a region that is constant on the first task (an image's
 * blank corner) does not blow up when later classes draw there. (One shift and one scale for all features measured the
 * same at the best ridge, MNIST 0.9870 / Fashion-MNIST 0.8944 against 0.9869 / 0.8953, but lost more away from it:
 * per-feature standardisation keeps the validated ridge's choice flat.)
 *
 * <p>Work is done in chunks of rows so the filter responses stay near {@value #CHUNK_VALUES} floats whatever the batch:
 * few, large native calls (each ND4J call has a fixed threading cost that dominates small ones).
 */
final class ConvolutionFeatureMap implements FeatureMap {

  /** Kind tag of a map with sigmoid responses (the first format, no activation field). */
  static final int KIND = 2;
  /** Kind tag of a map whose activation follows the tag. */
  static final int KIND_WITH_ACTIVATION = 3;
  static final double SCALE_FLOOR = 0.1;
  static final int CHUNK_VALUES = 1 << 25;
  /**
   * Largest chunk (in response floats) whose work arrays a thread keeps between calls: a serving loop's small batches
   * then reuse the same native pages instead of fresh ones per batch (which cost about as much as a one-row predict's
   * arithmetic), while a training pass over large chunks does not pin hundreds of megabytes per thread.
   */
  static final int RETAINED_VALUES = 1 << 21;

  private final ImageShape shape;
  private final int kernel;
  private final int stride;
  private final int grid;
  private final Activation activation;
  private final float[] filterWeights;
  private final float[] filterBiases;
  private final float[] shift;
  private final float[] scale;
  private final int outHeight;
  private final int outWidth;
  private final int[] rowEdges;
  private final int[] columnEdges;
  private final INDArray w;
  private final INDArray b;
  private final INDArray shiftRow;
  private final INDArray scaleRow;
  /** grid x outWidth: row c averages the responses of region column c. */
  private final INDArray columnPool;
  /** grid x outHeight: row r averages the responses of region row r. */
  private final INDArray rowPool;
  /** Per thread, the work arrays of the last small chunk size it used (see {@link #RETAINED_VALUES}). */
  private final ThreadLocal<Buffers> retained = new ThreadLocal<>();

  private ConvolutionFeatureMap(ImageShape shape, int kernel, int stride, int grid, Activation activation,
      float[] filterWeights, float[] filterBiases, float[] shift, float[] scale) {
    checkGeometry(shape, kernel, stride, grid);
    int filters = filterBiases.length;
    int patch = shape.channels() * kernel * kernel;
    int features = grid * grid * filters;
    if (filters == 0 || filterWeights.length != (long) patch * filters || shift.length != features
        || scale.length != features) {
      throw new IllegalArgumentException("convolution feature map: " + filterWeights.length + " filter weights, "
          + filters + " filters of " + patch + " inputs, " + shift.length + "/" + scale.length
          + " calibration values for " + features + " features");
    }
    for (float s : scale) {
      if (!(s > 0) || !Float.isFinite(s)) {
        throw new IllegalArgumentException("convolution feature map: a feature scale is " + s);
      }
    }
    this.shape = shape;
    this.kernel = kernel;
    this.stride = stride;
    this.grid = grid;
    this.activation = java.util.Objects.requireNonNull(activation, "activation");
    this.filterWeights = filterWeights;
    this.filterBiases = filterBiases;
    this.shift = shift;
    this.scale = scale;
    this.outHeight = (shape.height() - kernel) / stride + 1;
    this.outWidth = (shape.width() - kernel) / stride + 1;
    this.rowEdges = edges(outHeight, grid);
    this.columnEdges = edges(outWidth, grid);
    this.w = Nd4j.create(filterWeights, new long[] {patch, filters}, 'c');
    this.b = Nd4j.create(filterBiases, new long[] {1, filters}, 'c');
    this.shiftRow = Nd4j.create(shift, new long[] {1, features}, 'c');
    this.scaleRow = Nd4j.create(scale, new long[] {1, features}, 'c');
    this.columnPool = averaging(columnEdges, outWidth);
    this.rowPool = averaging(rowEdges, outHeight);
  }

  /** Whether the geometry fits: the kernel inside the image and at least one response per grid region. */
  static boolean fits(ImageShape shape, int kernel, int stride, int grid) {
    return kernel >= 1 && stride >= 1 && grid >= 1 && kernel <= shape.height() && kernel <= shape.width()
        && (shape.height() - kernel) / stride + 1 >= grid && (shape.width() - kernel) / stride + 1 >= grid;
  }

  /**
   * Draws the filters from {@code seed} and calibrates the standardisation on {@code firstTask} (the first task's
   * transformed rows), returning the map with the first task's (standardised) features.
   *
   * @param features the wanted feature count; the map has grid*grid*ceil(features/grid^2)
   */
  static Drawn draw(ImageShape shape, int kernel, int stride, int grid, Activation activation, int features,
      double lambda, long seed, INDArray firstTask) {
    checkGeometry(shape, kernel, stride, grid);
    int filters = Math.max(1, (features + grid * grid - 1) / (grid * grid));
    int patch = shape.channels() * kernel * kernel;
    SplittableRandom random = new SplittableRandom(seed);
    double a = lambda * Math.sqrt(3.0 / patch);
    float[] weights = new float[patch * filters];
    for (int i = 0; i < weights.length; i++) {
      weights[i] = (float) ((2 * random.nextDouble() - 1) * a);
    }
    float[] biases = new float[filters];
    for (int j = 0; j < filters; j++) {
      biases[j] = (float) (2 * random.nextDouble() - 1);
    }
    int count = grid * grid * filters;
    float[] zero = new float[count];
    float[] one = new float[count];
    java.util.Arrays.fill(one, 1f);
    ConvolutionFeatureMap raw = new ConvolutionFeatureMap(shape, kernel, stride, grid, activation, weights, biases,
        zero, one);
    INDArray features0 = raw.apply(firstTask);
    INDArray pooled0 = features0.get(NDArrayIndex.all(), NDArrayIndex.interval(0, count));
    float[] mean = pooled0.mean(0).castTo(DataType.FLOAT).dup('c').data().asFloat();
    float[] std = pooled0.std(false, 0).castTo(DataType.FLOAT).dup('c').data().asFloat();
    double meanSquare = 0;
    for (float s : std) {
      meanSquare += Double.isFinite(s) ? (double) s * s : 0;
    }
    double floor = Math.max(1e-6, SCALE_FLOOR * Math.sqrt(meanSquare / count));
    float[] scale = new float[count];
    for (int j = 0; j < count; j++) {
      scale[j] = (float) (Double.isFinite(std[j]) ? Math.max(floor, std[j]) : floor);
      if (!Float.isFinite(mean[j])) {
        mean[j] = 0f;
      }
    }
    ConvolutionFeatureMap map = new ConvolutionFeatureMap(shape, kernel, stride, grid, activation, weights, biases,
        mean, scale);
    pooled0.subiRowVector(map.shiftRow).diviRowVector(map.scaleRow);
    return new Drawn(map, features0);
  }

  /** A freshly drawn map and the first task's features through it (computed once, for calibration). */
  record Drawn(ConvolutionFeatureMap map, INDArray firstTaskFeatures) {
  }

  @Override
  public int inputDimension() {
    return (int) shape.size();
  }

  @Override
  public int features() {
    return shift.length + 1;
  }

  int filters() {
    return filterBiases.length;
  }

  /** Copies of the arrays, for tests: filters row-major (C k k) x K, biases, per-feature shift and scale. */
  float[] filterWeights() {
    return filterWeights.clone();
  }

  float[] filterBiases() {
    return filterBiases.clone();
  }

  float[] shift() {
    return shift.clone();
  }

  float[] scale() {
    return scale.clone();
  }

  @Override
  public INDArray apply(INDArray x) {
    int n = (int) x.rows();
    if (n == 0) {
      return Nd4j.create(DataType.FLOAT, 0, features());
    }
    int positions = outHeight * outWidth;
    int patch = shape.channels() * kernel * kernel;
    int chunk = Math.max(1, Math.min(n, CHUNK_VALUES / (positions * Math.max(filters(), patch))));
    INDArray out = Nd4j.create(DataType.FLOAT, n, features());
    Buffers full = null;
    for (int start = 0; start < n; start += chunk) {
      int m = Math.min(chunk, n - start);
      // native buffers are reused by every full chunk: fresh pages for each would cost as much as the arithmetic
      Buffers buffers = m == chunk ? (full == null ? full = buffers(m) : full) : buffers(m);
      float[] rows = x.get(NDArrayIndex.interval(start, start + m), NDArrayIndex.all()).castTo(DataType.FLOAT)
          .dup('c').data().asFloat();
      fillPatches(rows, m, buffers.patchesView);
      Nd4j.gemm(buffers.patches, w, buffers.responses, false, false, 1.0, 0.0);
      activation.applyInPlace(buffers.responses.addiRowVector(b));
      out.get(NDArrayIndex.interval(start, start + m), NDArrayIndex.interval(0, shift.length))
          .assign(pool(buffers, m).reshape('c', m, shift.length));
    }
    out.get(NDArrayIndex.all(), NDArrayIndex.interval(0, shift.length)).subiRowVector(shiftRow).diviRowVector(scaleRow);
    out.getColumn(shift.length).assign(1.0);
    return out;
  }

  /** Work arrays for a chunk of {@code m} rows: this thread's retained ones when small and of that size. */
  private Buffers buffers(int m) {
    long values = (long) outHeight * outWidth * m * Math.max(filters(), shape.channels() * kernel * kernel);
    if (values > RETAINED_VALUES) {
      return new Buffers(m);
    }
    Buffers kept = retained.get();
    if (kept == null || kept.rows != m) {
      kept = new Buffers(m);
      retained.set(kept);
    }
    return kept;
  }

  /**
   * Separable average pooling of one chunk's responses (rows ordered column, row, sample): one product over the
   * columns, then one per region column over the rows; m x grid x grid x filters.
   */
  private INDArray pool(Buffers buffers, int m) {
    int filters = filters();
    Nd4j.gemm(columnPool, buffers.responses.reshape('c', outWidth, (long) outHeight * m * filters), buffers.byColumn,
        false, false, 1.0, 0.0);
    INDArray pooled = buffers.pooled;
    for (int c = 0; c < grid; c++) {
      Nd4j.gemm(rowPool, buffers.byColumn.getRow(c).reshape('c', outHeight, (long) m * filters), buffers.regions,
          false, false, 1.0, 0.0);
      pooled.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(c), NDArrayIndex.all())
          .assign(buffers.regions.reshape('c', grid, m, filters).permute(1, 0, 2));
    }
    return pooled;
  }

  /** One chunk's native work arrays (row-major, so every reshape is a view). */
  private final class Buffers {
    final int rows;
    final INDArray patches;
    final java.nio.FloatBuffer patchesView;
    final INDArray responses;
    final INDArray byColumn;
    final INDArray regions;
    final INDArray pooled;

    Buffers(int m) {
      rows = m;
      int positions = outHeight * outWidth;
      int patch = shape.channels() * kernel * kernel;
      patches = Nd4j.createUninitialized(DataType.FLOAT, new long[] {(long) positions * m, patch}, 'c');
      patchesView = patches.data().asNioFloat();
      responses = Nd4j.createUninitialized(DataType.FLOAT, new long[] {(long) positions * m, filters()}, 'c');
      byColumn = Nd4j.createUninitialized(DataType.FLOAT, new long[] {grid, (long) outHeight * m * filters()}, 'c');
      regions = Nd4j.createUninitialized(DataType.FLOAT, new long[] {grid, (long) m * filters()}, 'c');
      pooled = Nd4j.createUninitialized(DataType.FLOAT, new long[] {m, grid, grid, filters()}, 'c');
    }
  }

  /**
   * im2col, straight into native memory: row {@code (column * outHeight + row) * m + sample} holds that sample's
   * patch at that filter position, channel by channel.
   */
  private void fillPatches(float[] rows, int m, java.nio.FloatBuffer patches) {
    int d = inputDimension();
    int plane = shape.height() * shape.width();
    int patch = shape.channels() * kernel * kernel;
    int imageWidth = shape.width();
    for (int i = 0; i < m; i++) {
      int base = i * d;
      for (int oy = 0; oy < outHeight; oy++) {
        for (int ox = 0; ox < outWidth; ox++) {
          int dst = ((ox * outHeight + oy) * m + i) * patch;
          for (int ch = 0; ch < shape.channels(); ch++) {
            int src = base + ch * plane + oy * stride * imageWidth + ox * stride;
            for (int u = 0; u < kernel; u++) {
              patches.put(dst, rows, src + u * imageWidth, kernel);
              dst += kernel;
            }
          }
        }
      }
    }
  }

  @Override
  public long parameterCount() {
    return (long) filterWeights.length + filterBiases.length + shift.length + scale.length;
  }

  @Override
  public void write(DataOutput out) throws IOException {
    if (activation == Activation.SIGMOID) {
      out.writeByte(KIND);
    } else {
      out.writeByte(KIND_WITH_ACTIVATION);
      out.writeByte(activation.ordinal());
    }
    out.writeInt(shape.channels());
    out.writeInt(shape.height());
    out.writeInt(shape.width());
    out.writeInt(kernel);
    out.writeInt(stride);
    out.writeInt(grid);
    ArrayIO.writeFloats(out, filterWeights);
    ArrayIO.writeFloats(out, filterBiases);
    ArrayIO.writeFloats(out, shift);
    ArrayIO.writeFloats(out, scale);
  }

  /** Reads a map written with tag {@link #KIND} (sigmoid) or {@link #KIND_WITH_ACTIVATION}. */
  static ConvolutionFeatureMap readBody(DataInput in, int kind) throws IOException {
    Activation activation = Activation.SIGMOID;
    if (kind == KIND_WITH_ACTIVATION) {
      int ordinal = in.readByte();
      if (ordinal < 0 || ordinal >= Activation.values().length) {
        throw new IOException("invalid convolution feature map: unknown activation " + ordinal);
      }
      activation = Activation.values()[ordinal];
    }
    try {
      ImageShape shape = new ImageShape(in.readInt(), in.readInt(), in.readInt());
      int kernel = in.readInt();
      int stride = in.readInt();
      int grid = in.readInt();
      checkGeometry(shape, kernel, stride, grid);
      return new ConvolutionFeatureMap(shape, kernel, stride, grid, activation, ArrayIO.readFloats(in, "router filters"),
          ArrayIO.readFloats(in, "router filter biases"), ArrayIO.readFloats(in, "router feature shift"),
          ArrayIO.readFloats(in, "router feature scale"));
    } catch (IllegalArgumentException e) {
      throw new IOException("invalid convolution feature map: " + e.getMessage(), e);
    }
  }

  private static void checkGeometry(ImageShape shape, int kernel, int stride, int grid) {
    if (shape.size() > Integer.MAX_VALUE || !fits(shape, kernel, stride, grid)) {
      throw new IllegalArgumentException("a " + kernel + "x" + kernel + " kernel with stride " + stride + " and a "
          + grid + "x" + grid + " grid do not fit a " + shape + " image");
    }
  }

  /** The grid x length matrix whose row g averages positions edges[g] (inclusive) to edges[g+1] (exclusive). */
  private static INDArray averaging(int[] edges, int length) {
    int grid = edges.length - 1;
    float[] values = new float[grid * length];
    for (int g = 0; g < grid; g++) {
      for (int i = edges[g]; i < edges[g + 1]; i++) {
        values[g * length + i] = 1f / (edges[g + 1] - edges[g]);
      }
    }
    return Nd4j.create(values, new long[] {grid, length}, 'c');
  }

  /** g+1 region boundaries over {@code length} responses, as even as integers allow. */
  private static int[] edges(int length, int grid) {
    int[] edges = new int[grid + 1];
    for (int i = 0; i <= grid; i++) {
      edges[i] = (int) Math.round((double) i * length / grid);
    }
    return edges;
  }
}
