package io.autoactivator.it.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real executable ({@code java -jar autoactivator.jar serve}) as a child JVM, as production runs it:
 * {@link #kill()} is SIGKILL (no shutdown hook, no close), {@link #stop()} is SIGTERM. Output (stdout and stderr)
 * goes to a file; {@link #tail(int)} shows its end when a scenario fails.
 */
public final class AppProcess implements AutoCloseable {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final String instanceId;
  private final Process process;
  private final Path log;
  private final int httpPort;

  private AppProcess(String instanceId, Process process, Path log, int httpPort) {
    this.instanceId = instanceId;
    this.process = process;
    this.log = log;
    this.httpPort = httpPort;
  }

  /** The shaded jar the build made (system property {@code autoactivator.jar}). */
  public static Path jar() {
    String path = System.getProperty("autoactivator.jar", "../streams-app/target/autoactivator.jar");
    Path jar = Path.of(path);
    assertThat(jar).as("the executable (build streams-app first)").isRegularFile();
    return jar;
  }

  /**
   * Launches {@code serve} for instance {@code instanceId} of {@code deployment}, with its state in
   * {@code stateDir} (reuse it to restart "the same" instance) and a free HTTP port. Does not wait.
   */
  public static AppProcess launch(Deployment deployment, String instanceId, Path stateDir, Path logDir) {
    try {
      int port = freePort();
      Files.createDirectories(stateDir);
      Files.createDirectories(logDir);
      Path log = Files.createTempFile(logDir, instanceId + "-", ".log");
      Map<String, String> settings = deployment.settings();
      settings.put("instance.id", instanceId);
      settings.put("state.dir", stateDir.toString());
      settings.put("http.port", String.valueOf(port));
      List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
          .toString(), "-Xmx1g", "-jar", jar().toString(), "serve",
          "--bootstrap-servers", settings.remove("bootstrap.servers")));
      settings.forEach((k, v) -> {
        command.add("--set");
        command.add(k + "=" + v);
      });
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      builder.environment().keySet().removeIf(k -> k.startsWith("AUTOACTIVATOR_"));
      return new AppProcess(instanceId, builder.start(), log, port);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits for {@code /health/ready} to answer 200; fails early (with the log's tail) if the process dies. */
  public AppProcess awaitReady(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError(instanceId + " exited with " + process.exitValue() + " before ready:\n" + tail(60));
      }
      if (status("/health/ready") == 200) {
        return this;
      }
      sleep(200);
    }
    throw new AssertionError(instanceId + " not ready after " + timeout + ":\n" + tail(60));
  }

  /** HTTP status of {@code path} on the app's port; -1 when it does not answer. */
  public int status(String path) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
          .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** The Prometheus text of {@code /metrics} ("" when it does not answer). */
  public String metrics() {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/metrics"))
          .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString()).body();
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  /** The value of the first sample of metric {@code name} (any labels), if exposed. */
  public OptionalDouble metric(String name) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*})? ([-+0-9.eE]+|NaN)$").matcher(metrics());
    return m.find() ? OptionalDouble.of(Double.parseDouble(m.group(2))) : OptionalDouble.empty();
  }

  /** SIGKILL, as production loses a node: no shutdown hook runs. Returns once the process is gone. */
  public void kill() {
    process.destroyForcibly();
    waitGone(Duration.ofSeconds(30));
    assertThat(process.exitValue()).as("exit status of a SIGKILLed JVM").isEqualTo(128 + 9);
  }

  /** SIGTERM, a graceful stop (the app's shutdown hook runs); waits for the exit. */
  public void stop() {
    process.destroy();
    waitGone(Duration.ofSeconds(60));
  }

  private void waitGone(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    assertThat(process.isAlive()).as("%s still alive", instanceId).isFalse();
    assertThat(ProcessHandle.of(process.pid())).as("pid %s gone", process.pid()).isEmpty();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public String instanceId() {
    return instanceId;
  }

  public int httpPort() {
    return httpPort;
  }

  /** The whole output so far. */
  public String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(log unreadable: " + e + ")";
    }
  }

  /** How many lines of the output contain {@code text}. */
  public long countLines(String text) {
    return log().lines().filter(l -> l.contains(text)).count();
  }

  /** The last {@code lines} lines of the output, for failure messages. */
  public String tail(int lines) {
    List<String> all = log().lines().toList();
    return "---- " + instanceId + " (" + log + ") ----\n"
        + String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  /** Kills the process if it still runs (after a failed test). */
  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
