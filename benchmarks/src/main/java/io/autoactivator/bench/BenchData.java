package io.autoactivator.bench;

import io.autoactivator.model.api.TaskData;
import io.autoactivator.model.data.ClassIncrementalSplit;
import io.autoactivator.model.data.CsvReader;
import io.autoactivator.model.data.Dataset;
import io.autoactivator.model.data.IdxReader;
import io.autoactivator.model.data.SharedData;
import io.autoactivator.model.data.Standardizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The benchmark inputs: class-incremental task sequences built with the model module's own readers and splitter
 * ({@link IdxReader}, {@link CsvReader}, {@link ClassIncrementalSplit}), plus synthetic rows for shape-only kernels.
 */
public final class BenchData {

  private BenchData() {
  }

  /** The shared data root: {@code --data}/{@code -Dautoactivator.data}, else the model module's search. */
  public static Path root(String override) {
    if (override != null && !override.isBlank()) {
      return Path.of(override);
    }
    return SharedData.root().orElseThrow(() -> new IllegalStateException(
        "no data root: pass --data /work/shared/data or -Dautoactivator.data=..."));
  }

  /** MNIST train split, optionally only the first {@code perClass} rows of each class (0 = all). */
  public static Dataset mnistTrain(Path root, int perClass) throws IOException {
    Dataset train = IdxReader.readSplit(root.resolve("mnist"), "train");
    return perClass > 0 ? train.firstPerClass(perClass) : train;
  }

  /** MNIST test split, optionally sliced like {@link #mnistTrain}. */
  public static Dataset mnistTest(Path root, int perClass) throws IOException {
    Dataset test = IdxReader.readSplit(root.resolve("mnist"), "t10k");
    return perClass > 0 ? test.firstPerClass(perClass) : test;
  }

  /** {@code tasks} tasks of {@code classesPerTask} MNIST classes in natural order (0,1 | 2,3 | ...). */
  public static List<TaskData> mnistTasks(Path root, int tasks, int classesPerTask, int perClass) throws IOException {
    Dataset train = mnistTrain(root, perClass);
    return split(train, tasks, classesPerTask);
  }

  /** A tabular table of {@code /tabular} split into one task per class (standardized on all rows). */
  public static List<TaskData> tabularTasks(Path root, String file, String labelColumn) throws IOException {
    CsvReader.Options options = CsvReader.Options.defaults();
    if (labelColumn != null) {
      options = options.withLabelColumn(labelColumn);
    }
    Dataset data = CsvReader.read(root.resolve("tabular").resolve(file), options).dataset();
    data = Standardizer.fit(data.features()).apply(data);
    int[] classes = data.classes();
    return split(data, classes.length, 1);
  }

  private static List<TaskData> split(Dataset train, int tasks, int classesPerTask) {
    ClassIncrementalSplit split = ClassIncrementalSplit.split(train, train, tasks, classesPerTask,
        ClassIncrementalSplit.naturalOrder(train));
    return split.tasks().stream().map(ClassIncrementalSplit.Task::train).toList();
  }

  /** Uniform [0,1) rows, deterministic. */
  public static float[][] randomRows(int rows, int dimension, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[][] out = new float[rows][dimension];
    for (float[] row : out) {
      for (int j = 0; j < dimension; j++) {
        row[j] = (float) random.nextDouble();
      }
    }
    return out;
  }

  /** A synthetic two-class task of {@code rows} x {@code dimension} (class = which half has the larger mean). */
  public static TaskData syntheticTask(String taskId, int[] classes, int rows, int dimension, long seed) {
    float[][] x = randomRows(rows, dimension, seed);
    int[] labels = new int[rows];
    for (int i = 0; i < rows; i++) {
      int k = i % classes.length;
      labels[i] = classes[k];
      for (int j = k; j < dimension; j += classes.length) {
        x[i][j] += 0.5f;
      }
    }
    return new TaskData(taskId, classes, x, labels);
  }
}
