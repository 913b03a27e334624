package io.autoactivator.app.ops;

import io.autoactivator.app.config.AppConfig;
import io.autoactivator.app.config.AppSettings;
import io.autoactivator.model.engine.BackendReport;
import io.autoactivator.model.engine.ComputeBackend;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service skeleton around the streaming learner: reports the compute backend, starts the app (which creates
 * missing topics),
 * exposes health and metrics over HTTP, and stops everything within a bounded time (also from a SIGTERM shutdown
 * hook).
 *
 * <pre>{@code
 * try (LearnerService service = LearnerService.start(config, StreamingLearnerApp::new)) {
 *   service.installShutdownHook();
 *   service.awaitReady(Duration.ofMinutes(2));
 *   service.awaitTermination();
 * }
 * }</pre>
 */
public final class LearnerService implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(LearnerService.class);

  private final AppConfig config;
  private final OpsMetrics metrics;
  private final ManagedApp app;
  private final OpsHttpServer http;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile boolean closing;
  private Thread hook;

  private LearnerService(AppConfig config, OpsMetrics metrics, ManagedApp app, OpsHttpServer http) {
    this.config = config;
    this.metrics = metrics;
    this.app = app;
    this.http = http;
  }

  /** Starts the app described by {@code config}; on failure, whatever was started is stopped again. */
  public static LearnerService start(AppConfig config, ManagedApp.Factory factory) {
    AppSettings settings = config.appSettings();
    Properties kafka = config.kafkaProperties();
    logBackend();
    OpsMetrics metrics = new OpsMetrics(settings.instanceId());
    ManagedApp app = null;
    try {
      app = factory.create(settings, kafka, metrics.registry());
      app.start();
      if (app.kafkaStreams() != null) {
        metrics.bind(app.kafkaStreams());
      }
      ManagedApp started = app;
      OpsHttpServer http = OpsHttpServer.start(config.httpBindAddress(), config.httpPort(), config.httpThreads(),
          config.httpRequestTimeoutMs(), started::isLive, started::isReady, metrics::scrape);
      log.info("Instance {} started: application.id={}, bootstrap.servers={}, learner={}", settings.instanceId(),
          kafka.getProperty(AppConfig.APPLICATION_ID), kafka.getProperty(AppConfig.BOOTSTRAP_SERVERS),
          settings.learner());
      return new LearnerService(config, metrics, app, http);
    } catch (RuntimeException e) {
      if (app != null) {
        app.close();
      }
      metrics.close();
      throw e;
    }
  }

  private static void logBackend() {
    try {
      BackendReport report = ComputeBackend.initialise();
      log.debug("Compute backend: {}", report);
    } catch (IllegalStateException e) {
      throw e;
    } catch (RuntimeException | LinkageError e) {
      log.warn("Could not report the ND4J backend: {}", e.toString());
    }
  }

  public ManagedApp app() {
    return app;
  }

  public int httpPort() {
    return http.port();
  }

  /** Waits until the app is ready; false after {@code timeout} or if it stopped being live. */
  public boolean awaitReady(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (app.isReady()) {
        return true;
      }
      if (closing) {
        return false;
      }
      Thread.sleep(100);
    }
    return app.isReady();
  }

  /** Closes this service when the JVM is asked to stop (SIGTERM, Ctrl-C). */
  public synchronized void installShutdownHook() {
    if (hook == null) {
      hook = new Thread(() -> {
        log.info("Shutdown requested; stopping within {} ms", config.shutdownTimeout().toMillis());
        close();
      }, "autoactivator-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
    }
  }

  /** Blocks until {@link #close()} has run (e.g. from the shutdown hook). */
  public void awaitTermination() throws InterruptedException {
    stopped.await();
  }

  /**
   * Stops consuming and lets the app abandon training, closes the HTTP server; gives up waiting after
   * {@code shutdown.timeout.ms}.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closing) {
        return;
      }
      closing = true;
    }
    try {
      CompletableFuture<Void> closeApp = CompletableFuture.runAsync(app::close);
      closeApp.get(config.shutdownTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      log.warn("The app did not stop within {} ms; giving up waiting", config.shutdownTimeout().toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      log.warn("Error while stopping the app: {}", e.toString());
    } finally {
      http.close();
      metrics.close();
      removeHook();
      stopped.countDown();
      log.info("Stopped");
    }
  }

  private synchronized void removeHook() {
    if (hook != null && Thread.currentThread() != hook) {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException alreadyShuttingDown) {
        // the hook is running or has run
      }
    }
  }
}
