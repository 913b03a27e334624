package io.autoactivator.app.cli;

import io.autoactivator.app.config.AppConfig;
import io.autoactivator.model.data.ClassIncrementalSplit;
import io.autoactivator.model.data.Dataset;
import io.autoactivator.schemas.Prediction;
import io.autoactivator.schemas.PredictionStatus;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Sends test images as PredictionRequests and prints the answers and the accuracy. */
@Command(name = "query", mixinStandardHelpOptions = true,
    description = {"Send test samples of a dataset as PredictionRequests, print the predictions (label, version, "
        + "status, latency) and the accuracy.",
        "Example: query --bootstrap-servers kafka:9092 --dataset mnist --count 100"})
final class QueryCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  ConfigOptions config;

  @Mixin
  DatasetOptions dataset;

  @Option(names = "--model-id", paramLabel = "ID", defaultValue = "default", description = "Default: ${DEFAULT-VALUE}.")
  String modelId;

  @Option(names = "--count", paramLabel = "N", description = "Send only the first N test samples. Default: all of "
      + "the classes of --tasks x --classes-per-task.")
  Integer count;

  @Option(names = "--show", paramLabel = "N", defaultValue = "20",
      description = "Print the first N predictions. Default: ${DEFAULT-VALUE}.")
  int show;

  @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60",
      description = "Wait this long for the answers. Default: ${DEFAULT-VALUE}.")
  long timeoutSeconds;

  @Override
  public Integer call() {
    AppConfig settings = config.load();
    ClassIncrementalSplit split = dataset.split(DataLocator.standard(config.environment()));
    List<float[]> rows = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    for (ClassIncrementalSplit.Task task : split.tasks()) {
      Dataset test = task.test();
      for (int i = 0; i < test.size(); i++) {
        rows.add(test.features()[i]);
        labels.add(test.labels()[i]);
      }
    }
    int n = count == null ? rows.size() : Math.min(count, rows.size());
    float[][] features = rows.subList(0, n).toArray(new float[0][]);
    PrintWriter out = spec.commandLine().getOut();
    Map<String, Prediction> answers;
    String prefix = "query-" + UUID.randomUUID().toString().substring(0, 8);
    try (PredictionClient client = new PredictionClient(settings.kafkaProperties(), settings.topics());
         Progress progress = Progress.start("query", n)) {
      answers = client.ask(modelId, features, prefix, Duration.ofSeconds(timeoutSeconds), progress);
    }
    out.printf("%-22s %6s %6s %8s %-10s %10s%n", "request", "label", "pred", "version", "status", "latency ms");
    int correct = 0;
    int ok = 0;
    for (int i = 0; i < n; i++) {
      String id = prefix + "-" + i;
      Prediction p = answers.get(id);
      if (p != null && p.getStatus() == PredictionStatus.OK) {
        ok++;
        if (p.getPredictedLabel() != null && p.getPredictedLabel().equals(labels.get(i))) {
          correct++;
        }
      }
      if (i < show) {
        out.printf("%-22s %6d %6s %8s %-10s %10s%n", id, labels.get(i),
            p == null || p.getPredictedLabel() == null ? "-" : p.getPredictedLabel(),
            p == null || p.getModelVersion() == null ? "-" : p.getModelVersion(),
            p == null ? "NO ANSWER" : p.getStatus(),
            p == null ? "-" : String.format("%.1f", latencyMillis(p)));
      }
    }
    out.printf("answered %d/%d, OK %d, accuracy %.2f%% (of the answered OK)%n", answers.size(), n, ok,
        ok == 0 ? 0.0 : 100.0 * correct / ok);
    out.flush();
    return answers.size() == n ? 0 : 1;
  }

  static double latencyMillis(Prediction p) {
    return Duration.between(p.getReceivedAt(), p.getAnsweredAt()).toNanos() / 1e6;
  }
}
