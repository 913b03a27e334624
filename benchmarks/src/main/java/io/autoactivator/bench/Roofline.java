package io.autoactivator.bench;

import io.autoactivator.model.api.ClassIncrementalModel;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The physical limit of a model's inference on this machine: the same GEMM shapes run back to back in ND4J with
 * preallocated outputs and an in-place sigmoid, and nothing else (no validation, no routing, no per-row Java work,
 * no result objects). For a one-hidden-layer model (every learner here) the shapes are
 * {@code X[b x D] . W1[D x H]} then {@code sigmoid(.) . W2[H x C]}, where
 * <ul>
 *   <li>autoactivator: H = total units + the ridge router's random features (one gemm computes both in the model
 *       too), C = classes; the per-task heads read at most all units, so H x C bounds them from above;</li>
 *   <li>analytic: H = its random features, C = classes.</li>
 * </ul>
 * The weights are random: GEMM time does not depend on values.
 */
public final class Roofline implements AutoCloseable {

  private final int dimension;
  private final int hidden;
  private final int classes;
  private final INDArray w1;
  private final INDArray w2;
  private INDArray x;
  private INDArray h;
  private INDArray y;

  public Roofline(int dimension, int hidden, int classes, int batch) {
    this.dimension = dimension;
    this.hidden = hidden;
    this.classes = classes;
    // column-major, as the model's fused first layer: the faster layout for a few rows (BENCHMARKS.md, issue 12
    // session 6), the same at 256; the roofline is the faster of the two
    this.w1 = Nd4j.rand(DataType.FLOAT, dimension, hidden).subi(0.5).dup('f');
    this.w2 = Nd4j.rand(DataType.FLOAT, hidden, classes).subi(0.5);
    resize(batch);
  }

  /** The roofline of {@code model}: see the class comment; {@code extraHidden} = router features (0 if none). */
  public static Roofline of(ClassIncrementalModel model, int extraHidden, int batch) {
    return new Roofline(model.inputDimension(), Math.max(1, model.units() + extraHidden), model.classes().length,
        batch);
  }

  /** Hidden width H used for {@link #of}: autoactivator units + router features, analytic features. */
  public static int routerFeatures(String learner, java.util.Map<String, String> options) {
    if (learner.startsWith("autoactivator")) {
      String router = options.getOrDefault("router", learner.equals("autoactivator") ? "ridge" : "paper");
      return router.equals("ridge") ? Integer.parseInt(options.getOrDefault("router.features", "2500")) : 0;
    }
    if (learner.equals("analytic") || learner.equals("joint")) {
      return Integer.parseInt(options.getOrDefault("features", "2500"));
    }
    return 0;
  }

  /** Sets the batch size (reallocates the activations). */
  public void resize(int batch) {
    x = Nd4j.rand(DataType.FLOAT, batch, dimension);
    h = Nd4j.create(DataType.FLOAT, batch, hidden);
    y = Nd4j.create(DataType.FLOAT, batch, classes);
  }

  /** One batch through the GEMM chain; returns the output (so JMH can consume it). */
  public INDArray forward() {
    x.mmul(w1, h);
    Transforms.sigmoid(h, false);
    h.mmul(w2, y);
    return y;
  }

  /** Multiply-adds per prediction (for GFLOP/s: 2 x this). */
  public long macsPerRow() {
    return (long) dimension * hidden + (long) hidden * classes;
  }

  public int hidden() {
    return hidden;
  }

  @Override
  public void close() {
    w1.close();
    w2.close();
    x.close();
    h.close();
    y.close();
  }
}
