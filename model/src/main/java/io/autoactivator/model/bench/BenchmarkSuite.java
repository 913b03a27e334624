package io.autoactivator.model.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.autoactivator.model.data.BenchmarkData;
import io.autoactivator.model.data.CsvReader;

/**
 * {@code bench --suite}: every dataset under a data root, each with default options and the same methods, one
 * result per dataset. Split MNIST and Fashion-MNIST run as 5 tasks x 2 classes; every table in {@code tabular/}
 * (CSV, gzipped or not) is split into tasks of 2 classes, {@code floor(classes / 2)} of them (an odd class out is
 * left out, as in split MNIST's fixed task size), or into tasks of 1 class when it has fewer than 4 (iris and wine:
 * 3 tasks; 2 classes: 2 tasks), so that every table is a class-incremental sequence. A table's label is its
 * {@code Class} column when it has one (mlbench's Soybean has it first), else its last column.
 *
 * <p>A dataset that cannot be read or run becomes an error entry; the suite goes on with the next.
 */
public final class BenchmarkSuite {

  /** The methods of a suite run, in run order: AutoActivator (and the paper's rule), then the baselines. */
  public static final List<String> METHODS = List.of("autoactivator", "autoactivator-paper", "analytic", "joint",
      "ncm");

  private static final Logger LOG = LoggerFactory.getLogger(BenchmarkSuite.class);
  private static final double TEST_FRACTION = 0.2;

  private BenchmarkSuite() {
  }

  /**
   * One dataset's outcome.
   *
   * @param dataset        the dataset spec ({@code mnist}, {@code csv:tabular/...})
   * @param tasks          tasks it was split into (0 when it could not be read)
   * @param classesPerTask classes per task
   * @param result         the bench result, null when it failed
   * @param error          why it failed, null when it did not
   * @param seconds        wall time of the dataset, loading and evaluation included
   */
  public record Entry(String dataset, int tasks, int classesPerTask, BenchmarkResult result, String error,
      double seconds) {
  }

  /** The dataset specs found under {@code root}, in run order (images first, then tables by name). */
  public static List<String> datasets(Path root) throws IOException {
    List<String> specs = new ArrayList<>();
    for (String images : List.of("mnist", "fashion-mnist")) {
      if (Files.isDirectory(root.resolve(images))) {
        specs.add(images);
      }
    }
    Path tabular = root.resolve("tabular");
    if (Files.isDirectory(tabular)) {
      try (Stream<Path> files = Files.list(tabular)) {
        files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".csv") || n.endsWith(".csv.gz")).sorted()
            .forEach(n -> specs.add("csv:tabular/" + n));
      }
    }
    return specs;
  }

  /** Runs {@code methods} on every dataset under {@code root}, {@code orders} class orders each, seed {@code seed}. */
  public static List<Entry> run(Path root, List<String> methods, int orders, long seed, BenchmarkListener listener)
      throws IOException {
    List<Entry> entries = new ArrayList<>();
    for (String spec : datasets(root)) {
      long start = System.nanoTime();
      int tasks = 0;
      int perTask = 0;
      try {
        BenchmarkData data = load(spec, root, seed);
        int classes = data.train().classes().length;
        // tables: tasks of 2 classes (an odd class out), or of 1 class where there are fewer than 4 (iris, wine: 3
        // tasks), so every table is a class-incremental sequence of at least 2 tasks
        perTask = spec.startsWith("csv:") ? (classes >= 4 ? 2 : 1) : 2;
        tasks = spec.startsWith("csv:") ? Math.max(1, classes / perTask) : 5;
        LOG.info("suite: {} as {} tasks x {} classes", data.name(), tasks, perTask);
        BenchmarkConfig config = new BenchmarkConfig(tasks, perTask, orders, methods, seed, Map.of(), 0, null);
        BenchmarkResult result = BenchmarkRunner.run(data, config, listener);
        entries.add(new Entry(spec, tasks, perTask, result, null, (System.nanoTime() - start) / 1e9));
      } catch (IOException | RuntimeException | OutOfMemoryError e) {
        LOG.error("suite: {} failed; going on with the next dataset", spec, e);
        entries.add(new Entry(spec, tasks, perTask, null, e.getClass().getSimpleName() + ": " + e.getMessage(),
            (System.nanoTime() - start) / 1e9));
      }
    }
    return entries;
  }

  /** Reads {@code spec}; tables take their {@code Class} column as the label when they have one. */
  static BenchmarkData load(String spec, Path root, long seed) throws IOException {
    if (!spec.startsWith("csv:")) {
      return BenchmarkData.load(spec, root, CsvReader.Options.defaults(), TEST_FRACTION, seed);
    }
    try {
      return BenchmarkData.load(spec, root, CsvReader.Options.defaults().withLabelColumn("Class"), TEST_FRACTION,
          seed);
    } catch (IOException e) {
      if (e.getMessage() == null || !e.getMessage().contains("has no label column")) {
        throw e;
      }
      return BenchmarkData.load(spec, root, CsvReader.Options.defaults(), TEST_FRACTION, seed);
    }
  }
}
