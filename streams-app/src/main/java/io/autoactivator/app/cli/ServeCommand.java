package io.autoactivator.app.cli;

import io.autoactivator.app.StreamingLearnerApp;
import io.autoactivator.app.config.AppConfig;
import io.autoactivator.app.ops.LearnerService;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Runs the service against a real cluster until SIGTERM. */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = {"Run the streaming learner against a Kafka cluster: learn from the samples topic, serve the "
        + "queries topic, expose /health/live, /health/ready and /metrics over HTTP. Stops gracefully on SIGTERM.",
        "Example: serve --bootstrap-servers kafka:9092 --set security.protocol=SSL"})
final class ServeCommand implements Callable<Integer> {

  private static final Logger log = LoggerFactory.getLogger(ServeCommand.class);

  @Mixin
  ConfigOptions config;

  @Option(names = "--ready-timeout", paramLabel = "SECONDS", defaultValue = "300",
      description = "Log a warning if not ready after this long. Default: ${DEFAULT-VALUE}.")
  long readyTimeoutSeconds;

  @Override
  public Integer call() throws Exception {
    AppConfig settings = config.load();
    LearnerService service = LearnerService.start(settings, StreamingLearnerApp::new);
    service.installShutdownHook();
    if (service.awaitReady(Duration.ofSeconds(readyTimeoutSeconds))) {
      log.info("Ready: http://localhost:{}/health/ready", service.httpPort());
    } else {
      log.warn("Not ready after {} s (Streams not RUNNING or snapshots not caught up yet)", readyTimeoutSeconds);
    }
    service.awaitTermination();
    return 0;
  }
}
