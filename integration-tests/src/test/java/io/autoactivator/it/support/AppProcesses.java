package io.autoactivator.it.support;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Launches {@link AppProcess}es for one test and cleans up after it: on failure prints the tail of every
 * process's output, then kills whatever still runs (a test never leaves a JVM behind).
 */
public final class AppProcesses implements AfterEachCallback {

  private final List<AppProcess> launched = new ArrayList<>();
  private final Path workDir;

  public AppProcesses() {
    try {
      this.workDir = java.nio.file.Files.createTempDirectory("it-apps");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Launches instance {@code instanceId} (its state in workDir/state/instanceId, kept across restarts). */
  public AppProcess launch(Deployment deployment, String instanceId) {
    AppProcess p = AppProcess.launch(deployment, instanceId, workDir.resolve("state").resolve(instanceId),
        workDir.resolve("logs"));
    launched.add(p);
    return p;
  }

  @Override
  public void afterEach(ExtensionContext context) {
    if (context.getExecutionException().isPresent()) {
      launched.forEach(p -> System.err.println(p.tail(80)));
    }
    launched.forEach(AppProcess::close);
    launched.clear();
  }
}
