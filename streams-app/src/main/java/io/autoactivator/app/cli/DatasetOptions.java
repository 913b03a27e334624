package io.autoactivator.app.cli;

import io.autoactivator.model.data.ClassIncrementalSplit;
import io.autoactivator.model.data.CsvReader;
import io.autoactivator.model.data.Dataset;
import io.autoactivator.model.data.IdxReader;
import io.autoactivator.model.data.TrainTestSplit;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options that choose a dataset and cut it into a class-incremental sequence. */
public final class DatasetOptions {

  @Option(names = "--dataset", paramLabel = "NAME", defaultValue = "fashion-mnist",
      description = "fashion-mnist, mnist, or csv:PATH (a labelled table). Default: ${DEFAULT-VALUE}.")
  String dataset;

  @Option(names = "--data", paramLabel = "DIR",
      description = "Folder with the IDX files (or holding <dataset>/). Default: AUTOACTIVATOR_DATA, "
          + "/usr/share/datasets, ../shared/data, ./shared/data.")
  Path data;

  @Option(names = "--label-column", paramLabel = "COLUMN",
      description = "CSV only: the label column, by name or index (-1 = last). Default: the last column.")
  String labelColumn;

  @Option(names = "--tasks", paramLabel = "N", defaultValue = "5", description = "Tasks. Default: ${DEFAULT-VALUE}.")
  int tasks;

  @Option(names = "--classes-per-task", paramLabel = "K", defaultValue = "2",
      description = "Classes per task. Default: ${DEFAULT-VALUE}.")
  int classesPerTask;

  @Option(names = "--order-seed", paramLabel = "SEED",
      description = "Shuffle the class order with this seed. Default: natural order (0, 1, 2, ...).")
  Long orderSeed;

  @Option(names = "--train-limit", paramLabel = "N",
      description = "Training samples per class (the first N of each class). Default: all.")
  Integer trainLimit;

  /** The name used for model ids and titles. */
  public String displayName() {
    return dataset.startsWith("csv:") ? Path.of(dataset.substring(4)).getFileName().toString()
        .replaceAll("\\.csv(\\.gz)?$", "") : dataset;
  }

  /** Reads the train and test data (CSV tables are split 80/20, stratified). */
  public TrainTestSplit load(DataLocator locator) {
    try {
      if (dataset.startsWith("csv:")) {
        Path file = Path.of(dataset.substring(4));
        CsvReader.Options options = CsvReader.Options.defaults();
        if (labelColumn != null) {
          options = options.withLabelColumn(labelColumn);
        }
        Dataset all = CsvReader.read(file, options).dataset();
        TrainTestSplit split = TrainTestSplit.stratified(all, TrainTestSplit.DEFAULT_TEST_FRACTION, 42L);
        return new TrainTestSplit(limit(split.train()), split.test());
      }
      if (!dataset.equals("mnist") && !dataset.equals("fashion-mnist")) {
        throw new IllegalArgumentException("unknown dataset '" + dataset + "'; use fashion-mnist, mnist or csv:PATH");
      }
      Path dir = locator.locate(dataset, data);
      return new TrainTestSplit(limit(IdxReader.readSplit(dir, "train")), IdxReader.readSplit(dir, "t10k"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + dataset + ": " + e.getMessage(), e);
    }
  }

  /** The declared layout of an image dataset's rows ("28x28"), empty for tables. */
  public java.util.Optional<String> imageShape(DataLocator locator) {
    if (!dataset.equals("mnist") && !dataset.equals("fashion-mnist")) {
      return java.util.Optional.empty();
    }
    try {
      return java.util.Optional.of(IdxReader.imageShape(locator.locate(dataset, data), "train"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + dataset + ": " + e.getMessage(), e);
    }
  }

  private Dataset limit(Dataset train) {
    return trainLimit == null ? train : train.firstPerClass(trainLimit);
  }

  /** Loads the data and cuts it into {@link #tasks} tasks of {@link #classesPerTask} classes. */
  public ClassIncrementalSplit split(DataLocator locator) {
    TrainTestSplit data = load(locator);
    int[] order = ClassIncrementalSplit.naturalOrder(data.train());
    if (orderSeed != null) {
      order = ClassIncrementalSplit.seededOrder(order, orderSeed);
    }
    return ClassIncrementalSplit.split(data.train(), data.test(), tasks, classesPerTask, order);
  }
}
