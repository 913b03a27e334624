package io.autoactivator.app.serve;

import java.io.DataOutput;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.nd4j.linalg.api.ndarray.INDArray;

import io.autoactivator.model.api.ClassIncrementalModel;
import io.autoactivator.model.api.LearnedTask;
import io.autoactivator.model.api.Learners;
import io.autoactivator.model.api.Predictions;
import io.autoactivator.model.api.TaskData;
import io.autoactivator.model.api.TrainingListener;

/** A real trained model that counts its predict calls, to prove that queries are answered in batches. */
public final class CountingModel implements ClassIncrementalModel {

  final ClassIncrementalModel real;
  public final AtomicInteger calls = new AtomicInteger();
  public final AtomicInteger rows = new AtomicInteger();

  CountingModel(ClassIncrementalModel real) {
    this.real = real;
  }

  /** An ncm model of two 2-D classes: 0 around (0,0), 1 around (5,5); {@code shift} moves the second class. */
  public static CountingModel twoClasses(float shift) {
    float[][] x = {{0f, 0f}, {0.2f, -0.1f}, {5f + shift, 5f}, {5.1f + shift, 4.9f}};
    int[] y = {0, 0, 1, 1};
    return new CountingModel(Learners.create("ncm", Map.of(), 42L)
        .learn(null, new TaskData("t1", new int[] {0, 1}, x, y), TrainingListener.NONE));
  }

  @Override
  public String learner() {
    return real.learner();
  }

  @Override
  public int inputDimension() {
    return real.inputDimension();
  }

  @Override
  public List<LearnedTask> tasks() {
    return real.tasks();
  }

  @Override
  public int[] classes() {
    return real.classes();
  }

  @Override
  public long parameterCount() {
    return real.parameterCount();
  }

  @Override
  public Predictions predict(float[][] features) {
    calls.incrementAndGet();
    rows.addAndGet(features.length);
    return real.predict(features);
  }

  @Override
  public Predictions predict(INDArray features) {
    calls.incrementAndGet();
    rows.addAndGet((int) features.rows());
    return real.predict(features);
  }

  @Override
  public Predictions predictWithTask(float[][] features, int[] taskIndex) {
    return real.predictWithTask(features, taskIndex);
  }

  @Override
  public void writeWeights(DataOutput out) throws IOException {
    real.writeWeights(out);
  }
}
