package io.autoactivator.bench;

import io.autoactivator.model.api.ClassIncrementalModel;
import io.autoactivator.model.api.IncrementalLearner;
import io.autoactivator.model.api.Learners;
import io.autoactivator.model.api.TaskData;
import io.autoactivator.model.api.TrainingListener;
import io.autoactivator.model.snapshot.Provenance;
import io.autoactivator.model.snapshot.SnapshotFormat;
import io.autoactivator.model.snapshot.SnapshotFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Trains task sequences with the project's learners (by name, through {@link Learners}) and times them. */
public final class Models {

  private Models() {
  }

  /** A trained sequence: the final model and the seconds each task took. */
  public record Trained(ClassIncrementalModel model, List<Double> secondsPerTask) {
    public double totalSeconds() {
      return secondsPerTask.stream().mapToDouble(Double::doubleValue).sum();
    }
  }

  /** Learns {@code tasks} in order with learner {@code name}; times each {@code learn} call. */
  public static Trained train(String name, Map<String, String> options, long seed, List<TaskData> tasks) {
    IncrementalLearner learner = Learners.create(name, options, seed);
    ClassIncrementalModel model = null;
    List<Double> seconds = new ArrayList<>();
    for (TaskData task : tasks) {
      long start = System.nanoTime();
      model = learner.learn(model, task, TrainingListener.NONE);
      seconds.add((System.nanoTime() - start) / 1e9);
    }
    return new Trained(model, seconds);
  }

  /**
   * The model of {@code key}, read from {@code cacheDir} if it was trained before (a whole snapshot: the weights
   * alone do not carry the learner's settings), else trained by {@code trainer} and cached: JMH forks then do not
   * retrain the same model for every benchmark.
   */
  public static ClassIncrementalModel cached(Path cacheDir, String key, String learner,
      java.util.function.Supplier<ClassIncrementalModel> trainer) {
    Path file = cacheDir.resolve(key.replaceAll("[^A-Za-z0-9_.=-]", "_") + ".snapshot");
    try {
      if (Files.isRegularFile(file)) {
        ClassIncrementalModel model = SnapshotFormat.read(Files.readAllBytes(file)).model();
        if (!model.learner().equals(learner)) {
          throw new IOException("the cached model is of learner " + model.learner() + ", not " + learner);
        }
        return model;
      }
      ClassIncrementalModel model = trainer.get();
      Files.createDirectories(cacheDir);
      Path tmp = Files.createTempFile(cacheDir, "model", ".tmp");
      Files.write(tmp, SnapshotFormat.write(model, Provenance.of(model, key, 1, null, 0L, Map.of(), "bench-cache",
          Map.of(), SnapshotFormat.codeVersion())));
      Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      return model;
    } catch (IOException | SnapshotFormatException e) {
      throw new java.io.UncheckedIOException("model cache " + file,
          e instanceof IOException io ? io : new IOException(e.getMessage(), e));
    }
  }

  /** Parses {@code k=v;k=v} (empty string: no options; ';' because values such as lambdas hold commas). */
  public static Map<String, String> options(String spec) {
    Map<String, String> options = new TreeMap<>();
    if (spec == null || spec.isBlank()) {
      return options;
    }
    for (String pair : spec.split(";")) {
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("option '" + pair + "' is not key=value");
      }
      options.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
    }
    return options;
  }
}
