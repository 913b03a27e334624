package io.autoactivator.model.autoactivator;

import io.autoactivator.model.linalg.MatrixProduct;

import java.util.List;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A ridge-routed model's inference as two products over concatenated weights instead of a dozen small ones per unit:
 * <ol>
 *   <li>{@code Z = [act_r(x Wr + br) | act(x W + b)]}: the router's shared features (act_r: the dense map's
 *       activation) and every unit's nodes from ONE gemm over {@code [Wr | W]} (with a dense feature map; a
 *       convolutional map computes its features itself);</li>
 *   <li>{@code Y = Z H}: every unit's head outputs and the router's class scores from ONE gemm over a block matrix
 *       whose column block of unit t holds its head in the rows of the features and nodes it reads (zeros
 *       elsewhere) and whose last block holds the router's readout in the rows of the shared features.</li>
 * </ol>
 * Each ND4J call has a fixed cost that dominates small ones (issue 12: a predict call issued dozens of them, 5 units
 * x 2-3 products, views, copies); this way a batch costs two gemms, a bias, an activation and one copy out, so a
 * model's predict approaches its GEMM roofline. The zero blocks cost {@code (F + N) x (sum C_t + K)} multiply-adds
 * per row, a few percent of the first product's {@code D x (F + N)}.
 *
 * <p>Built once from a model's frozen arrays (the snapshot's weights layout is untouched: this is a derived view);
 * immutable and thread-safe. {@link #outputs} returns, per row, unit t's head logits at columns
 * {@code [unitColumn(t), unitColumn(t) + C_t)} and the router's class scores at {@code [routerColumn(), +K)}.
 */
final class FusedInference {

  private final FeatureMap map;
  private final int features;
  private final int nodes;
  private final Activation activation;
  /** The dense map's activation of the shared features (null with a convolutional map). */
  private final Activation featureActivation;
  /** d x (F + N) with a dense map, else d x N (nodes only); null when there is no first product. */
  private final INDArray first;
  private final INDArray firstBiases;
  private final boolean denseMap;
  /** (F + N) x columns. */
  private final INDArray second;
  /** With a convolutional map: the rows of {@link #second} read by the features and by the nodes. */
  private final INDArray secondShared;
  private final INDArray secondNodes;
  private final int[] unitColumns;
  private final int routerColumn;
  private final int columns;

  FusedInference(int inputDimension, List<Unit> units, RidgeRouter router, Activation activation,
      INDArray nodeWeights, INDArray nodeBiases) {
    this.map = router.map();
    this.features = router.features();
    this.activation = activation;
    int n = 0;
    for (Unit unit : units) {
      n += unit.nodes();
    }
    this.nodes = n;
    this.denseMap = map instanceof DenseFeatureMap;
    this.featureActivation = denseMap ? ((DenseFeatureMap) map).activation() : null;
    if (denseMap) {
      DenseFeatureMap dense = (DenseFeatureMap) map;
      float[] mapWeights = dense.weights();
      float[] mapBiases = dense.biases();
      int width = features + nodes;
      // column-major (each column's d weights contiguous): OpenBLAS then streams the weights once for a batch of
      // one or a few rows, 2-4x less CPU than the row-major layout at 1-8 rows and the same at 256 (probe, session 6)
      float[] w = new float[inputDimension * width];
      float[] b = new float[width];
      for (int i = 0; i < inputDimension; i++) {
        for (int j = 0; j < features; j++) {
          w[j * inputDimension + i] = mapWeights[i * features + j];
        }
      }
      System.arraycopy(mapBiases, 0, b, 0, features);
      for (Unit unit : units) {
        int own = unit.nodes();
        float[] unitWeights = unit.weights();
        for (int i = 0; i < inputDimension; i++) {
          for (int j = 0; j < own; j++) {
            w[(features + unit.nodeStart() + j) * inputDimension + i] = unitWeights[i * own + j];
          }
        }
        System.arraycopy(unit.biases(), 0, b, features + unit.nodeStart(), own);
      }
      this.first = Nd4j.create(w, new long[] {inputDimension, width}, 'f');
      this.firstBiases = Nd4j.create(b, new long[] {1, width}, 'c');
    } else {
      this.first = nodeWeights;
      this.firstBiases = nodeBiases;
    }

    this.unitColumns = new int[units.size()];
    int column = 0;
    for (int t = 0; t < units.size(); t++) {
      unitColumns[t] = column;
      column += units.get(t).classes().length;
    }
    this.routerColumn = column;
    this.columns = column + router.classes();
    int rows = features + nodes;
    float[] h = new float[rows * columns];
    for (int t = 0; t < units.size(); t++) {
      Unit unit = units.get(t);
      int c = unit.classes().length;
      float[] head = unit.head();
      // head rows: the shared features first (all F of them, or none), then nodes readFrom .. nodeStart + nodes
      for (int r = 0; r < unit.visible(); r++) {
        int target = r < unit.shared() ? r : features + unit.readFrom() + (r - unit.shared());
        System.arraycopy(head, r * c, h, target * columns + unitColumns[t], c);
      }
    }
    float[] readout = router.readout();
    int k = router.classes();
    for (int r = 0; r < features; r++) {
      System.arraycopy(readout, r * k, h, r * columns + routerColumn, k);
    }
    this.second = Nd4j.create(h, new long[] {rows, columns}, 'c');
    if (denseMap || nodes == 0) {
      this.secondShared = denseMap ? null : second;
      this.secondNodes = null;
    } else {
      this.secondShared = second.get(NDArrayIndex.interval(0, features), NDArrayIndex.all()).dup('c');
      this.secondNodes = second.get(NDArrayIndex.interval(features, rows), NDArrayIndex.all()).dup('c');
    }
  }

  /** Whether a model with this router can be served this way (the ridge router reads the shared features). */
  static boolean applies(AutoActivatorConfig config, RidgeRouter router) {
    return router != null && config.router() == AutoActivatorConfig.Router.RIDGE;
  }

  /** Columns of {@link #outputs}' rows. */
  int columns() {
    return columns;
  }

  /** First column of unit {@code t}'s head logits. */
  int unitColumn(int t) {
    return unitColumns[t];
  }

  /** First column of the router's class scores (model class order). */
  int routerColumn() {
    return routerColumn;
  }

  /** Every head's logits and the router's class scores of the rows of {@code x}, row-major n x {@link #columns}. */
  float[] outputs(INDArray x) {
    INDArray y;
    if (denseMap) {
      INDArray z = MatrixProduct.times(x, first).addiRowVector(firstBiases);
      if (activation == featureActivation || nodes == 0) {
        featureActivation.applyInPlace(z);
      } else {
        featureActivation.applyInPlace(z.get(NDArrayIndex.all(), NDArrayIndex.interval(0, features)));
        activation.applyInPlace(z.get(NDArrayIndex.all(), NDArrayIndex.interval(features, features + nodes)));
      }
      y = MatrixProduct.times(z, second);
      z.close();
    } else {
      INDArray phi = map.apply(x);
      y = MatrixProduct.times(phi, secondShared);
      phi.close();
      if (nodes > 0) {
        INDArray hidden = activation.applyInPlace(x.mmul(first).addiRowVector(firstBiases));
        y.addi(hidden.mmul(secondNodes));
        hidden.close();
      }
    }
    INDArray rowMajor = y.ordering() == 'c' && !y.isView() ? y : y.dup('c');
    float[] out = rowMajor.data().asFloat();
    if (rowMajor != y) {
      rowMajor.close();
    }
    y.close();
    return out;
  }
}
