package io.autoactivator.app.cli;

import io.autoactivator.app.config.AppConfig;
import io.autoactivator.model.data.ClassIncrementalSplit;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Publishes a dataset as a class-incremental stream of task boundaries and samples. */
@Command(name = "publish", mixinStandardHelpOptions = true,
    description = {"Publish a dataset as a class-incremental stream: per task, TaskBoundary START (its classes), "
        + "the samples (LabelledSample keyed by model id, ids <task>-<row>), TaskBoundary END (classes, count).",
        "Example: publish --bootstrap-servers kafka:9092 --dataset mnist --tasks 5 --classes-per-task 2"})
final class PublishCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  ConfigOptions config;

  @Mixin
  DatasetOptions dataset;

  @Option(names = "--model-id", paramLabel = "ID", defaultValue = "default",
      description = "Model the samples train. Default: ${DEFAULT-VALUE}.")
  String modelId;

  @Option(names = "--only-task", paramLabel = "K", description = "Publish only task K (0-based).")
  Integer onlyTask;

  @Override
  public Integer call() {
    AppConfig settings = config.load();
    ClassIncrementalSplit split = dataset.split(DataLocator.standard(config.environment()));
    PrintWriter out = spec.commandLine().getOut();
    if (onlyTask != null && (onlyTask < 0 || onlyTask >= split.tasks().size())) {
      throw new IllegalArgumentException("--only-task " + onlyTask + " is not one of the " + split.tasks().size()
          + " tasks (0.." + (split.tasks().size() - 1) + ")");
    }
    try (TaskPublisher publisher = new TaskPublisher(settings.kafkaProperties(), settings.topics())) {
      for (ClassIncrementalSplit.Task task : split.tasks()) {
        if (onlyTask != null && task.index() != onlyTask) {
          continue;
        }
        try (Progress progress = Progress.start("publish " + task.taskId(), task.train().size())) {
          publisher.publish(modelId, task.train(), progress);
        }
        out.printf("%s: classes %s, %d samples -> %s%n", task.taskId(), Arrays.toString(task.classes()),
            task.train().size(), settings.topics().samples());
        out.flush();
      }
    }
    return 0;
  }
}
