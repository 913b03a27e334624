package io.autoactivator.model.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A named train/test pair ready to be cut into tasks, loaded from a dataset spec:
 * {@code mnist}, {@code fashion-mnist} (IDX folders under the data root), {@code cifar100} (the binary version,
 * folder {@code cifar-100} under the data root) or {@code csv:PATH} (a table, split by a stratified seeded held-out
 * fraction; a relative PATH is looked up as given, then under the data root and its {@code tabular/} folder).
 *
 * @param name       the dataset's name for reports
 * @param train      training rows
 * @param test       test rows
 * @param imageShape the layout of each row when the rows are images ("28x28", "3x32x32": channel planes, row by
 *                   row), "none" for tables; learners that read local patches are told it (option input.shape)
 * @param csvReport  what the CSV reader skipped or encoded, null for other sources
 */
public record BenchmarkData(String name, Dataset train, Dataset test, String imageShape, CsvReader.Report csvReport) {

  /** The dataset names accepted by {@link #load}, besides {@code csv:PATH}. */
  public static final List<String> KNOWN = List.of("mnist", "fashion-mnist", "cifar100", "csv:PATH");

  private static final Logger LOG = LoggerFactory.getLogger(BenchmarkData.class);

  /**
   * Loads {@code spec}.
   *
   * @param root         the data root ({@link SharedData#root()} by default)
   * @param csvOptions   options for {@code csv:} specs
   * @param testFraction held-out fraction for CSV tables
   * @param seed         seed of the CSV split
   * @throws IllegalArgumentException for an unknown spec (the message lists the valid ones)
   * @throws java.nio.file.NoSuchFileException when a file is missing (the message says where it was looked for)
   */
  public static BenchmarkData load(String spec, Path root, CsvReader.Options csvOptions, double testFraction,
      long seed) throws IOException {
    switch (spec) {
      case "mnist", "fashion-mnist" -> {
        Path dir = root.resolve(spec);
        return new BenchmarkData(spec, IdxReader.readSplit(dir, "train"), IdxReader.readSplit(dir, "t10k"),
            IdxReader.imageShape(dir, "train"), null);
      }
      case "cifar100" -> {
        Path dir = root.resolve("cifar-100");
        return new BenchmarkData(spec, Cifar100Reader.readSplit(dir, "train", Cifar100Reader.Labels.FINE),
            Cifar100Reader.readSplit(dir, "test", Cifar100Reader.Labels.FINE), "3x32x32", null);
      }
      default -> {
        if (!spec.startsWith("csv:") || spec.length() == 4) {
          throw new IllegalArgumentException("unknown dataset '" + spec + "'; valid: " + KNOWN);
        }
        Path file = locate(spec.substring(4), root);
        CsvReader.Result read = CsvReader.read(file, csvOptions);
        TrainTestSplit split = TrainTestSplit.stratified(read.dataset(), testFraction, seed);
        LOG.info("{}: {} rows kept ({} skipped for missing values), {} features, {} classes; {} train / {} test",
            file, read.dataset().size(), read.report().rowsSkipped(), read.dataset().dimension(),
            read.dataset().classes().length, split.train().size(), split.test().size());
        return new BenchmarkData(file.getFileName().toString(), split.train(), split.test(), "none", read.report());
      }
    }
  }

  private static Path locate(String path, Path root) {
    Path given = Path.of(path);
    if (given.isAbsolute() || java.nio.file.Files.exists(given) || root == null) {
      return given;
    }
    for (Path candidate : new Path[] {root.resolve(path), root.resolve("tabular").resolve(path)}) {
      if (java.nio.file.Files.exists(candidate)) {
        return candidate;
      }
    }
    return given;
  }
}
