package io.autoactivator.model.autoactivator;

import io.autoactivator.model.api.ClassIncrementalModel;
import io.autoactivator.model.api.LearnerSettings;
import io.autoactivator.model.api.ModelCodec;
import io.autoactivator.model.linalg.RowFactor;

import java.io.DataInput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads what {@link AutoActivatorModel#writeWeights} wrote, for the learner named {@code learner}: weights format 5
 * with the learner's seed and options from the snapshot's header, and formats 1 to 4 of earlier builds, which carry
 * their own copy.
 */
public final class AutoActivatorCodec implements ModelCodec {

  private final String learner;

  public AutoActivatorCodec(String learner) {
    this.learner = learner;
  }

  @Override
  public String learner() {
    return learner;
  }

  @Override
  public ClassIncrementalModel readWeights(DataInput in, LearnerSettings header) throws IOException {
    int format = in.readInt();
    if (format < 1 || format > AutoActivatorModel.WEIGHTS_FORMAT) {
      throw new IOException("unsupported AutoActivator weights format " + format + " (this build reads 1 to "
          + AutoActivatorModel.WEIGHTS_FORMAT + ")");
    }
    boolean fromHeader = format >= AutoActivatorModel.SETTINGS_IN_HEADER_FORMAT;
    LearnerSettings settings = fromHeader ? header : repeated(in);
    if (!settings.learner().equals(learner)) {
      throw new IOException("the weights belong to learner '" + settings.learner() + "', this codec reads '" + learner
          + "'");
    }
    long seed = settings.seed();
    Map<String, String> options = new LinkedHashMap<>(settings.options());
    if (fromHeader) {
      // the header may record options its writer gave beside the model's own: they are not this configuration's
      options.keySet().retainAll(AutoActivatorConfig.defaultOptions().keySet());
    }
    AutoActivatorConfig config;
    try {
      config = AutoActivatorConfig.fromStoredOptions(options, format);
    } catch (IllegalArgumentException e) {
      throw new IOException("the weights carry invalid options: " + e.getMessage(), e);
    }
    int inputDimension = in.readInt();
    int taskCount = in.readInt();
    if (inputDimension <= 0 || taskCount <= 0 || taskCount > 1 << 20) {
      throw new IOException("invalid header: input dimension " + inputDimension + ", " + taskCount + " tasks");
    }
    List<String> taskIds = new ArrayList<>();
    List<Unit> units = new ArrayList<>();
    List<List<BlockRecord>> recruitment = new ArrayList<>();
    for (int t = 0; t < taskCount; t++) {
      taskIds.add(in.readUTF());
      int[] classes = ArrayIO.readInts(in, "task " + t + " classes");
      int nodeStart = in.readInt();
      int readFrom = in.readInt();
      int shared = format >= 2 ? in.readInt() : 0;
      double threshold = in.readDouble();
      float[] weights = ArrayIO.readFloats(in, "task " + t + " weights");
      float[] biases = ArrayIO.readFloats(in, "task " + t + " biases");
      float[] head = ArrayIO.readFloats(in, "task " + t + " head");
      Unit.MahalanobisStats stats = null;
      if (in.readBoolean()) {
        float[] means = ArrayIO.readFloats(in, "task " + t + " class means");
        float[] precision = ArrayIO.readFloats(in, "task " + t + " precision");
        stats = new Unit.MahalanobisStats(means, precision, in.readDouble(), in.readDouble());
      }
      Unit unit = new Unit(classes, weights, biases, nodeStart, shared, readFrom, head, threshold, stats);
      if (classes.length == 0 || weights.length != (long) inputDimension * biases.length || shared < 0
          || readFrom < 0 || readFrom > nodeStart || unit.visible() == 0 || head.length != (long) unit.visible() * classes.length) {
        throw new IOException("task " + t + ": inconsistent unit shapes");
      }
      units.add(unit);
      recruitment.add(List.of());
    }
    RidgeRouter router = null;
    if (in.readBoolean()) {
      // formats 1-2 stored a dense layer's weights and biases; format 3 a tagged feature map
      FeatureMap map = format >= 3 ? FeatureMap.read(in, inputDimension) : DenseFeatureMap.readBody(in);
      RouterGram gram = readGram(in, format, map.features());
      double[] cross = ArrayIO.readDoubles(in, "router cross terms");
      float[] readout = ArrayIO.readFloats(in, "router readout");
      double relativeRidge = format >= 2 ? in.readDouble() : Double.NaN;
      long f = map.features();
      if (map.inputDimension() != inputDimension || readout.length % f != 0 || cross.length != readout.length) {
        throw new IOException("inconsistent router shapes: " + f + " features of " + map.inputDimension()
            + " inputs, cross terms " + cross.length + ", readout " + readout.length);
      }
      router = new RidgeRouter(map, gram, cross, readout, relativeRidge);
    }
    try {
      return new AutoActivatorModel(learner, config, seed, inputDimension, taskIds, units, router, recruitment);
    } catch (RuntimeException e) {
      throw new IOException("the weights do not form a valid model: " + e.getMessage(), e);
    }
  }

  /** Formats 1 to 4: the learner's name, seed and options, repeated after the format number. */
  private static LearnerSettings repeated(DataInput in) throws IOException {
    String name = in.readUTF();
    long seed = in.readLong();
    int optionCount = in.readInt();
    if (optionCount < 0 || optionCount > 1000) {
      throw new IOException("invalid option count " + optionCount);
    }
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 0; i < optionCount; i++) {
      options.put(in.readUTF(), in.readUTF());
    }
    return new LearnerSettings(name, seed, options);
  }

  /** The router's Gram: packed up to format 3; from format 4 tagged with its form. */
  private static RouterGram readGram(DataInput in, int format, int features) throws IOException {
    byte form = format >= 4 ? in.readByte() : AutoActivatorModel.PACKED_GRAM;
    if (form == AutoActivatorModel.FACTORED_GRAM) {
      int rows = in.readInt();
      double[] values = ArrayIO.readDoubles(in, "router gram factor");
      try {
        return new RouterGram.Factored(RowFactor.of(features, rows, values));
      } catch (IllegalArgumentException e) {
        throw new IOException("invalid router gram factor: " + e.getMessage(), e);
      }
    }
    if (form != AutoActivatorModel.PACKED_GRAM) {
      throw new IOException("unknown router gram form " + form);
    }
    double[] packed = ArrayIO.readDoubles(in, "router gram");
    if (packed.length != (long) features * (features + 1) / 2) {
      throw new IOException("inconsistent router shapes: gram " + packed.length + " for " + features + " features");
    }
    return new RouterGram.Packed(packed, features);
  }
}
