package io.autoactivator.model.transform;

import java.io.ByteArrayInputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import io.autoactivator.model.api.ClassIncrementalModel;
import io.autoactivator.model.api.IncrementalLearner;
import io.autoactivator.model.api.LearnerProvider;
import io.autoactivator.model.api.LearnerSettings;
import io.autoactivator.model.api.ModelCodec;

/**
 * A learner provider whose learners sit behind the model's own input transform ({@link TransformingLearner}). It
 * adds one option, {@value #OPTION} (auto by default: see {@link InputTransform}), passes every other option to the
 * wrapped provider, and reads both transformed snapshots and the plain snapshots of builds before the transform
 * (identity transform).
 */
public final class TransformingProvider implements LearnerProvider {

  /** The option naming the transform mode. */
  public static final String OPTION = "input.transform";
  static final String DEFAULT = "auto";
  private static final String DOC = "the model's input transform, fitted on the first task's training rows and"
      + " frozen: auto (per-feature standardisation when, among the features whose most frequent value covers less"
      + " than half of the rows, the widest range is over 10x the narrowest; else one shift and one scale for all"
      + " features), standardize, global or none";

  private final LearnerProvider inner;

  private TransformingProvider(LearnerProvider inner) {
    this.inner = Objects.requireNonNull(inner, "inner");
  }

  /** {@code provider}'s learners behind the input transform. */
  public static LearnerProvider wrap(LearnerProvider provider) {
    return provider instanceof TransformingProvider ? provider : new TransformingProvider(provider);
  }

  @Override
  public String name() {
    return inner.name();
  }

  @Override
  public String description() {
    return inner.description();
  }

  @Override
  public IncrementalLearner create(Map<String, String> options, long seed) {
    Map<String, String> rest = new LinkedHashMap<>(options);
    String value = rest.remove(OPTION);
    InputTransform.Mode mode = InputTransform.Mode.parse(value == null ? DEFAULT : value);
    return new TransformingLearner(inner.create(rest, seed), mode);
  }

  @Override
  public Map<String, String> optionDocs() {
    Map<String, String> docs = new LinkedHashMap<>();
    docs.put(OPTION, DOC + " (default " + DEFAULT + ")");
    docs.putAll(inner.optionDocs());
    return docs;
  }

  @Override
  public ModelCodec codec() {
    return new Codec(inner.codec());
  }

  /** Reads a transformed model, or an untransformed one of an earlier build as a model behind the identity. */
  private record Codec(ModelCodec inner) implements ModelCodec {
    @Override
    public String learner() {
      return inner.learner();
    }

    @Override
    public ClassIncrementalModel readWeights(DataInput in, LearnerSettings header) throws IOException {
      int first = in.readInt();
      if (first != TransformedModel.MAGIC) {
        InputStream replay = new SequenceInputStream(
            new ByteArrayInputStream(ByteBuffer.allocate(4).putInt(first).array()), new DataInputAsStream(in));
        ClassIncrementalModel model = inner.readWeights(new DataInputStream(replay), header);
        return new TransformedModel(InputTransform.identity(model.inputDimension()), model);
      }
      int format = in.readInt();
      if (format != TransformedModel.FORMAT) {
        throw new IOException("unsupported input-transform format " + format + " (this build reads "
            + TransformedModel.FORMAT + ")");
      }
      InputTransform transform = InputTransform.read(in);
      ClassIncrementalModel model = inner.readWeights(in, header);
      if (model.inputDimension() != transform.dimension()) {
        throw new IOException("the input transform has " + transform.dimension() + " features, the model "
            + model.inputDimension());
      }
      return new TransformedModel(transform, model);
    }
  }

  /** The rest of a {@link DataInput} as a stream (byte by byte; used only for snapshots of earlier builds). */
  private static final class DataInputAsStream extends InputStream {
    private final DataInput in;

    DataInputAsStream(DataInput in) {
      this.in = in;
    }

    @Override
    public int read() throws IOException {
      try {
        return in.readUnsignedByte();
      } catch (EOFException end) {
        return -1;
      }
    }
  }
}
