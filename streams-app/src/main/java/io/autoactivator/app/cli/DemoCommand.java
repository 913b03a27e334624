package io.autoactivator.app.cli;

import io.autoactivator.app.StreamingLearnerApp;
import io.autoactivator.app.config.AppConfig;
import io.autoactivator.app.embedded.EmbeddedKafka;
import io.autoactivator.app.ops.LearnerService;
import io.autoactivator.app.ops.ManagedApp;
import io.autoactivator.model.data.ClassIncrementalSplit;
import io.autoactivator.model.data.Dataset;
import io.autoactivator.schemas.Prediction;
import io.autoactivator.schemas.PredictionStatus;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The whole system on one machine: an embedded Kafka broker, the streaming learner in-process, and a dataset
 * published task by task; after each task the test images of every class seen so far are sent as queries and the
 * accuracy per task is printed and plotted.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"Run everything locally: start an embedded Kafka broker and the streaming learner, publish split "
        + "Fashion-MNIST task by task, and after each task query the test images of all classes seen so far. "
        + "Prints the accuracy per task and the serving model version, and plots it.",
        "Example: demo --dataset mnist --train-limit 500"})
final class DemoCommand implements Callable<Integer> {

  private static final Logger log = LoggerFactory.getLogger(DemoCommand.class);

  /** Training samples per class unless --train-limit says otherwise. */
  static final int DEFAULT_TRAIN_LIMIT = 1000;

  @Spec
  CommandSpec spec;

  @Mixin
  ConfigOptions config;

  @Mixin
  DatasetOptions dataset;

  @Option(names = "--learner", paramLabel = "NAME", description = "Learner (setting learner). Default: autoactivator.")
  String learner;

  @Option(names = "--test-limit", paramLabel = "N",
      description = "Test images per class to query (the first N). Default: all (1000 per class).")
  Integer testLimit;

  @Option(names = "--plot", paramLabel = "FILE", defaultValue = "autoactivator-demo.png",
      description = "Where to write the accuracy chart (PNG). Default: ${DEFAULT-VALUE}.")
  Path plot;

  @Option(names = "--task-timeout", paramLabel = "SECONDS", defaultValue = "600",
      description = "Longest wait for a task's model to be served. Default: ${DEFAULT-VALUE}.")
  long taskTimeoutSeconds;

  @Option(names = "--keep-running", description = "Leave the broker and the app serving after the demo (Ctrl-C stops).")
  boolean keepRunning;

  @Override
  public Integer call() throws Exception {
    long started = System.nanoTime();
    PrintWriter out = spec.commandLine().getOut();
    if (dataset.trainLimit == null) {
      dataset.trainLimit = DEFAULT_TRAIN_LIMIT;
    }
    ClassIncrementalSplit split = dataset.split(DataLocator.standard(config.environment()));
    String modelId = dataset.displayName();
    out.printf("Dataset %s: %d tasks x %d classes, class order %s, %d training samples per class (--train-limit)%n",
        modelId, split.tasks().size(), dataset.classesPerTask, Arrays.toString(split.classOrder()),
        dataset.trainLimit);
    out.flush();

    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      out.printf("Embedded Kafka broker at %s%n", kafka.bootstrapServers());
      out.flush();
      Path stateDir = Files.createTempDirectory("autoactivator-demo-state-");
      Map<String, String> defaults = new LinkedHashMap<>();
      defaults.put(AppConfig.APPLICATION_ID, "autoactivator-demo");
      defaults.put(AppConfig.HTTP_PORT, String.valueOf(portFree(8080) ? 8080 : 0));
      defaults.put(AppConfig.STATE_DIR, stateDir.toString());
      defaults.put("commit.interval.ms", "100");
      Map<String, String> forced = new LinkedHashMap<>();
      forced.put(AppConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
      if (learner != null) {
        forced.put(AppConfig.LEARNER, learner);
      }
      AppConfig settings = config.load(defaults, forced);
      java.util.Optional<String> shape = dataset.imageShape(DataLocator.standard(config.environment()));
      if (shape.isPresent() && settings.getString(AppConfig.LEARNER).startsWith("autoactivator")
          && !settings.learnerOptions().containsKey("input.shape")) {
        // the images' layout, declared as a user declares it (learner.option.input.shape), as bench does
        defaults.put(AppConfig.LEARNER_OPTION_PREFIX + "input.shape", shape.get());
        settings = config.load(defaults, forced);
        out.printf("Declared learner.option.input.shape=%s (the images' layout)%n", shape.get());
      }
      LearnerService service = LearnerService.start(settings, StreamingLearnerApp::new);
      try {
        if (!service.awaitReady(Duration.ofMinutes(2))) {
          throw new IllegalStateException("the streaming learner did not become ready within 2 minutes");
        }
        out.printf("Streaming learner ready; http://localhost:%d/metrics%n", service.httpPort());
        out.flush();
        DemoResult result = run(settings, service.app(), split, modelId, out);
        AccuracyPlot.write(plot, "AutoActivator on " + modelId + " (class-incremental, " + split.tasks().size()
            + " tasks)", result.taskIds, result.matrix, result.average);
        out.printf("Accuracy plot: %s%n", plot.toAbsolutePath());
        out.printf("Demo finished in %.1f s%n", (System.nanoTime() - started) / 1e9);
        out.flush();
        if (keepRunning) {
          out.printf("Still serving (--keep-running): Kafka at %s, http://localhost:%d/health/ready; Ctrl-C stops.%n",
              kafka.bootstrapServers(), service.httpPort());
          out.flush();
          service.installShutdownHook();
          service.awaitTermination();
        }
      } finally {
        service.close();
        deleteQuietly(stateDir);
      }
    }
    return 0;
  }

  private record DemoResult(List<String> taskIds, double[][] matrix, double[] average) {
  }

  private DemoResult run(AppConfig settings, ManagedApp app, ClassIncrementalSplit split, String modelId,
      PrintWriter out) throws InterruptedException {
    int tasks = split.tasks().size();
    double[][] matrix = new double[tasks][tasks];
    double[] average = new double[tasks];
    long[] versions = new long[tasks];
    List<String> taskIds = split.tasks().stream().map(ClassIncrementalSplit.Task::taskId).toList();
    List<Dataset> tests = split.tasks().stream()
        .map(t -> testLimit == null ? t.test() : t.test().firstPerClass(testLimit)).toList();
    long previous = 0;
    try (TaskPublisher publisher = new TaskPublisher(settings.kafkaProperties(), settings.topics());
         PredictionClient client = new PredictionClient(settings.kafkaProperties(), settings.topics())) {
      for (ClassIncrementalSplit.Task task : split.tasks()) {
        int t = task.index();
        long taskStart = System.nanoTime();
        try (Progress progress = Progress.start("publish " + task.taskId(), task.train().size())) {
          publisher.publish(modelId, task.train(), progress);
        }
        long version = awaitNewVersion(app, modelId, previous, Duration.ofSeconds(taskTimeoutSeconds), task.taskId());
        double trainSeconds = (System.nanoTime() - taskStart) / 1e9;
        versions[t] = version;
        previous = version;
        long correctAll = 0;
        long totalAll = 0;
        for (int j = 0; j <= t; j++) {
          Dataset test = tests.get(j);
          Map<String, Prediction> answers;
          try (Progress progress = Progress.start("query " + taskIds.get(j), test.size())) {
            answers = client.ask(modelId, test.features(), "demo-" + t + "-" + j, Duration.ofMinutes(5), progress);
          }
          long correct = 0;
          for (int i = 0; i < test.size(); i++) {
            Prediction p = answers.get("demo-" + t + "-" + j + "-" + i);
            if (p != null && p.getStatus() == PredictionStatus.OK && p.getPredictedLabel() != null
                && p.getPredictedLabel() == test.labels()[i]) {
              correct++;
            }
          }
          if (answers.size() < test.size()) {
            log.warn("{} of {} queries on {} got no answer", test.size() - answers.size(), test.size(), taskIds.get(j));
          }
          matrix[t][j] = test.size() == 0 ? 0 : (double) correct / test.size();
          correctAll += correct;
          totalAll += test.size();
        }
        average[t] = totalAll == 0 ? 0 : (double) correctAll / totalAll;
        out.printf("%s learned (classes %s, %d samples) -> model v%d served after %.1f s; accuracy on %d classes "
                + "seen: %.2f%%%n", task.taskId(), Arrays.toString(task.classes()), task.train().size(), version,
            trainSeconds, (t + 1) * task.classes().length, 100 * average[t]);
        out.flush();
      }
    }
    printTable(out, taskIds, versions, matrix, average);
    return new DemoResult(taskIds, matrix, average);
  }

  /** Waits until the app serves a version of {@code modelId} other than {@code previous}. */
  private static long awaitNewVersion(ManagedApp app, String modelId, long previous, Duration timeout, String taskId)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!app.isLive()) {
        throw new IllegalStateException("the streaming learner stopped while learning " + taskId);
      }
      OptionalLong serving = app.models().servingVersion(modelId);
      if (serving.isPresent() && serving.getAsLong() != previous) {
        return serving.getAsLong();
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("no new model version of " + modelId + " was served within "
        + timeout.toSeconds() + " s after " + taskId + " (see the dead-letter topic and the log)");
  }

  static void printTable(PrintWriter out, List<String> taskIds, long[] versions, double[][] matrix, double[] avg) {
    StringBuilder header = new StringBuilder(String.format("%-12s %8s", "after", "version"));
    taskIds.forEach(id -> header.append(String.format(" %8s", id)));
    header.append(String.format(" %9s", "all seen"));
    out.println();
    out.println("Accuracy (%) on the test images of each task, after learning each task:");
    out.println(header);
    for (int t = 0; t < taskIds.size(); t++) {
      StringBuilder row = new StringBuilder(String.format("%-12s %8s", taskIds.get(t), "v" + versions[t]));
      for (int j = 0; j < taskIds.size(); j++) {
        row.append(j <= t ? String.format(" %8.2f", 100 * matrix[t][j]) : String.format(" %8s", ""));
      }
      row.append(String.format(" %9.2f", 100 * avg[t]));
      out.println(row);
    }
    out.println();
    out.flush();
  }

  private static boolean portFree(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static void deleteQuietly(Path dir) {
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a temporary folder
    }
  }
}
