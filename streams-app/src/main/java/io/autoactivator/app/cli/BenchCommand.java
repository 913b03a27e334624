package io.autoactivator.app.cli;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.autoactivator.model.api.Learners;
import io.autoactivator.model.bench.BenchmarkConfig;
import io.autoactivator.model.bench.BenchmarkListener;
import io.autoactivator.model.bench.BenchmarkReport;
import io.autoactivator.model.bench.BenchmarkResult;
import io.autoactivator.model.bench.BenchmarkRunner;
import io.autoactivator.model.bench.BenchmarkSuite;
import io.autoactivator.model.bench.SuiteReport;
import io.autoactivator.model.data.BenchmarkData;
import io.autoactivator.model.data.CsvReader;
import io.autoactivator.model.data.SharedData;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bench}: runs learners over class-incremental splits and prints ACC, AIA, BWT, forgetting, task-id accuracy,
 * units, parameters and training time (mean ± std over class orders). A stable interface for scripts; exit code 0 on
 * success, 1 on a runtime failure, 2 on a usage error (unknown dataset/method/option, missing file).
 *
 * <pre>
 * java -jar streams-app/target/autoactivator.jar bench --dataset mnist --tasks 5 --orders 3 \
 *     --methods ncm,analytic,finetune --json /tmp/bench.json --plot /tmp/bench.png
 * java -jar streams-app/target/autoactivator.jar bench --suite     # every dataset, one table, JSON and PNG
 * </pre>
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Benchmark class-incremental learners: accuracy matrix, ACC/AIA/BWT/forgetting over class orders.")
public final class BenchCommand implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(BenchCommand.class);

  @Spec
  CommandSpec spec;

  @Option(names = "--dataset",
      description = "mnist | fashion-mnist | cifar100 | csv:PATH (relative paths also under --data and --data/tabular)")
  String dataset;

  @Option(names = "--label-column", description = "CSV label column: header name or 0-based index (default: last)")
  String labelColumn;

  @Option(names = "--csv-format", defaultValue = "AUTO",
      description = "CSV first line: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
  CsvReader.Format csvFormat;

  @Option(names = "--test-fraction", defaultValue = "0.2",
      description = "held-out stratified fraction for CSV tables (default: ${DEFAULT-VALUE})")
  double testFraction;

  @Option(names = "--data", description = "data root (default: the shared data folder, or $AUTOACTIVATOR_DATA)")
  Path data;

  @Option(names = "--tasks", description = "number of tasks (required)")
  int tasks;

  @Option(names = "--classes-per-task", defaultValue = "0",
      description = "classes per task (default: all classes / tasks)")
  int classesPerTask;

  @Option(names = "--orders", defaultValue = "1", description = "class orders; 0 is the natural order (default: 1)")
  int orders;

  @Option(names = "--methods", split = ",", defaultValue = "ncm,analytic",
      description = "comma-separated learners (default: ${DEFAULT-VALUE}); known: see --list-methods")
  List<String> methods;

  @Option(names = "--seed", defaultValue = "42", description = "seed of learners and class orders (default: 42)")
  long seed;

  @Option(names = "--option", description = "learner option learner.key=value, repeatable (e.g. analytic.features=2500)")
  List<String> options = new ArrayList<>();

  @Option(names = "--train-limit", defaultValue = "0",
      description = "use only the first N training rows per class (0 = all)")
  int trainLimit;

  @Option(names = "--standardize", arity = "1", description = "true/false: also standardise with task 0's"
      + " statistics before the learners, which fit their own input transform on task 0 as in the service (learner"
      + " option input.transform; default false)")
  Boolean standardize;

  @Option(names = "--json", description = "write the results as JSON here")
  Path json;

  @Option(names = "--plot", description = "write a PNG plot of accuracy after each task here")
  Path plot;

  @Option(names = "--list-methods", description = "list the learners and their options, then exit")
  boolean listMethods;

  @Option(names = "--suite", description = "run every dataset under the data root with default options (split MNIST"
      + " and Fashion-MNIST 5x2, each table in tabular/ as tasks of 2 classes) and methods "
      + "autoactivator,autoactivator-paper,analytic,joint,ncm (or --methods); one table, JSON (--json, default"
      + " bench-suite.json) and PNG (--plot, default bench-suite.png)")
  boolean suite;

  @Override
  public Integer call() {
    if (listMethods) {
      Learners.providers().forEach((name, provider) -> {
        out().println(name + ": " + provider.description());
        provider.optionDocs().forEach((k, v) -> out().println("    " + name + "." + k + "  " + v));
      });
      return 0;
    }
    if (suite) {
      return runSuite();
    }
    try {
      if (dataset == null || tasks < 1) {
        throw new IllegalArgumentException("--dataset and --tasks (>= 1) are required; datasets: "
            + BenchmarkData.KNOWN);
      }
      BenchmarkConfig config = config();
      Path root = data != null ? data : SharedData.root().orElseThrow(() -> new IllegalArgumentException(
          "no data root: pass --data DIR or set AUTOACTIVATOR_DATA (looked for ../shared/data and ../../shared/data)"));
      CsvReader.Options csv = CsvReader.Options.defaults().withFormat(csvFormat).withLabelColumn(labelColumn);
      BenchmarkData loaded = BenchmarkData.load(dataset, root, csv, testFraction, seed);
      BenchmarkResult result;
      try (Progress progress = System.console() != null ? new BarProgress() : new LogProgress()) {
        result = BenchmarkRunner.run(loaded, config, progress);
      }
      out().print(BenchmarkReport.table(result));
      out().flush(); // print() does not flush picocli's writer, and main() exits right after
      if (json != null) {
        BenchmarkReport.writeJson(result, json);
        out().println("JSON written to " + json.toAbsolutePath());
      }
      if (plot != null) {
        BenchmarkReport.writePlot(result, plot);
        out().println("plot written to " + plot.toAbsolutePath());
      }
      return 0;
    } catch (NoSuchFileException e) {
      err().println("bench: missing file: " + (e.getReason() != null ? e.getReason() : e.getFile()));
      return 2;
    } catch (IllegalArgumentException e) {
      err().println("bench: " + e.getMessage());
      return 2;
    } catch (IOException | RuntimeException e) {
      LOG.error("bench failed", e);
      err().println("bench failed: " + e);
      return 1;
    }
  }

  /** {@code --suite}: the logic is {@link BenchmarkSuite}; this only picks methods, paths and prints. */
  private int runSuite() {
    try {
      List<String> suiteMethods = spec.commandLine().getParseResult().hasMatchedOption("--methods") ? methods
          : BenchmarkSuite.METHODS;
      suiteMethods.forEach(Learners::provider); // fail fast, listing the known learners
      Path root = data != null ? data : SharedData.root().orElseThrow(() -> new IllegalArgumentException(
          "no data root: pass --data DIR or set AUTOACTIVATOR_DATA (looked for ../shared/data and ../../shared/data)"));
      List<BenchmarkSuite.Entry> entries;
      try (Progress progress = System.console() != null ? new BarProgress() : new LogProgress()) {
        entries = BenchmarkSuite.run(root, suiteMethods, orders, seed, progress);
      }
      out().print(SuiteReport.table(entries));
      Path jsonFile = json != null ? json : Path.of("bench-suite.json");
      Path plotFile = plot != null ? plot : Path.of("bench-suite.png");
      SuiteReport.writeJson(entries, jsonFile);
      SuiteReport.writePlot(entries, plotFile);
      out().println("JSON written to " + jsonFile.toAbsolutePath());
      out().println("plot written to " + plotFile.toAbsolutePath());
      return 0;
    } catch (IllegalArgumentException e) {
      err().println("bench: " + e.getMessage());
      return 2;
    } catch (IOException | RuntimeException e) {
      LOG.error("bench --suite failed", e);
      err().println("bench failed: " + e);
      return 1;
    }
  }

  /** The run configuration from the options; IllegalArgumentException names what is wrong. */
  BenchmarkConfig config() {
    List<String> known = Learners.names();
    for (String method : methods) {
      if (!known.contains(method)) {
        throw new IllegalArgumentException("unknown method '" + method + "'; valid: " + known);
      }
    }
    Map<String, Map<String, String>> perLearner = new LinkedHashMap<>();
    for (String option : options) {
      int dot = option.indexOf('.');
      int eq = option.indexOf('=');
      if (dot <= 0 || eq <= dot + 1) {
        throw new IllegalArgumentException("--option must look like learner.key=value, got '" + option + "'");
      }
      String learner = option.substring(0, dot);
      if (!known.contains(learner)) {
        throw new IllegalArgumentException("--option " + option + ": unknown learner '" + learner + "'; valid: "
            + known);
      }
      perLearner.computeIfAbsent(learner, k -> new LinkedHashMap<>())
          .put(option.substring(dot + 1, eq), option.substring(eq + 1));
    }
    perLearner.forEach((learner, values) -> Learners.create(learner, values, seed)); // validates option names
    return new BenchmarkConfig(tasks, classesPerTask, orders, methods, seed, perLearner, trainLimit, standardize);
  }

  private java.io.PrintWriter out() {
    return spec.commandLine().getOut();
  }

  private java.io.PrintWriter err() {
    return spec.commandLine().getErr();
  }

  private interface Progress extends BenchmarkListener, AutoCloseable {
    @Override
    void close();
  }

  /** A terminal progress bar, one tick per trained task. */
  private static final class BarProgress implements Progress {
    private ProgressBar bar;

    @Override
    public void started(int totalSteps) {
      if (bar != null) {
        bar.close(); // the suite starts one run per dataset
      }
      bar = new ProgressBarBuilder().setTaskName("bench").setInitialMax(totalSteps)
          .setStyle(ProgressBarStyle.ASCII).build();
    }

    @Override
    public void stepStarted(String method, int order, String taskId) {
      bar.setExtraMessage(method + " order " + order + " " + taskId);
    }

    @Override
    public void stepFinished(String method, int order, String taskId, double seconds, double accuracySoFar) {
      bar.step();
    }

    @Override
    public void close() {
      if (bar != null) {
        bar.close();
      }
    }
  }

  /** Without a terminal: a log line per step (at most every 10 s, plus the last one). */
  private static final class LogProgress implements Progress {
    private int total;
    private int done;
    private long lastLog;

    @Override
    public void started(int totalSteps) {
      total = totalSteps;
      done = 0; // the suite starts one run per dataset
      lastLog = System.nanoTime();
      LOG.info("bench: {} steps", totalSteps);
    }

    @Override
    public void stepFinished(String method, int order, String taskId, double seconds, double accuracySoFar) {
      done++;
      long now = System.nanoTime();
      if (done == total || now - lastLog > 10_000_000_000L) {
        lastLog = now;
        LOG.info("bench: {}/{} steps; {} order {} {} trained in {} s, accuracy on seen classes {}", done, total,
            method, order, taskId, String.format(java.util.Locale.ROOT, "%.1f", seconds),
            String.format(java.util.Locale.ROOT, "%.3f", accuracySoFar));
      }
    }

    @Override
    public void close() {
    }
  }
}
