package io.autoactivator.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;

import org.awaitility.Awaitility;

import io.autoactivator.app.StreamingLearnerApp;
import io.autoactivator.app.config.AppConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The app inside the test JVM, configured through the same keys as the executable (app-ops' {@link AppConfig}):
 * faster than a child process, for the scenarios that do not kill anything.
 */
public final class InProcessApp implements AutoCloseable {

  private final StreamingLearnerApp app;
  private final Path stateDir;

  private InProcessApp(StreamingLearnerApp app, Path stateDir) {
    this.app = app;
    this.stateDir = stateDir;
  }

  /** Starts instance {@code instanceId} of {@code deployment} and waits until it is ready. */
  public static InProcessApp start(Deployment deployment, String instanceId) {
    try {
      Path stateDir = Files.createTempDirectory("it-state-" + instanceId);
      Map<String, String> settings = deployment.settings();
      settings.put("instance.id", instanceId);
      settings.put("state.dir", stateDir.toString());
      AppConfig config = new AppConfig(settings);
      StreamingLearnerApp app = new StreamingLearnerApp(config.appSettings(), config.kafkaProperties(),
          new SimpleMeterRegistry());
      InProcessApp started = new InProcessApp(app, stateDir);
      app.start();
      Awaitility.await("instance " + instanceId + " ready").atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(100)).until(app::isReady);
      return started;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public StreamingLearnerApp app() {
    return app;
  }

  /** The version serving {@code modelId} on this instance, 0 if none. */
  public long servingVersion(String modelId) {
    OptionalLong v = app.models().servingVersion(modelId);
    return v.orElse(0);
  }

  /** Waits until this instance serves {@code version} of {@code modelId}. */
  public void awaitServing(String modelId, long version, Duration timeout) {
    Awaitility.await("serving version " + version + " of " + modelId).atMost(timeout)
        .pollInterval(Duration.ofMillis(100)).until(() -> servingVersion(modelId) == version);
  }

  @Override
  public void close() {
    app.close();
    try (var files = Files.walk(stateDir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a temp dir left behind is harmless
    }
  }
}
