package io.autoactivator.app.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.autoactivator.app.StreamingLearnerApp;
import io.autoactivator.app.config.AppConfig;
import io.autoactivator.app.kafka.KafkaClientConfigs;
import io.autoactivator.app.kafka.TopicProvisioner;
import io.autoactivator.app.ops.LearnerService;
import io.autoactivator.schemas.ModelAction;

/**
 * What an orchestrator sees of the snapshot follower, through the service's own HTTP endpoints on the real broker:
 * {@code /health/ready} stays 503 while the follower has not yet applied the snapshot and command records present at
 * start, although Kafka Streams is RUNNING (an instance that served before would answer with no model or an old
 * one), and turns 200 once it has; {@code /health/live} turns 503 when the follower's thread has died for good (an
 * Error), so the instance is restarted instead of serving a catalog that no longer follows the topics.
 *
 * <p>The follower's real consumer is slowed down or killed by {@link FollowerGate}, an interceptor that acts on the
 * follower's consumer only.
 */
class HealthBrokerTest extends BrokerTestBase {

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @AfterEach
  void openTheGate() {
    FollowerGate.set(FollowerGate.Mode.PASS);
  }

  private int status(LearnerService service, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.httpPort() + path))
        .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private static AppConfig config(String name) throws Exception {
    Map<String, Object> settings = new HashMap<>();
    settings.put(AppConfig.BOOTSTRAP_SERVERS, broker.cluster.bootstrapServers());
    settings.put(AppConfig.APPLICATION_ID, name + "-app");
    settings.put(AppConfig.INSTANCE_ID, name);
    settings.put(AppConfig.STATE_DIR, BrokerFixture.tempDir(name).toString());
    settings.put(AppConfig.TOPIC_PREFIX, name + ".");
    settings.put(AppConfig.HTTP_PORT, "0");
    settings.put(AppConfig.HTTP_BIND_ADDRESS, "127.0.0.1");
    settings.put(AppConfig.LEARNER, "ncm");
    settings.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, "1");
    settings.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), "10000");
    settings.put(StreamsConfig.consumerPrefix(ConsumerConfig.INTERCEPTOR_CLASSES_CONFIG),
        FollowerGate.class.getName());
    return new AppConfig(settings);
  }

  @Test
  void readinessWaitsForTheFollowerToCatchUpAndLivenessEndsWithItsThread() throws Exception {
    AppConfig config = config("health");
    var topics = config.appSettings().topics();
    TopicProvisioner.provision(config.appSettings(), KafkaClientConfigs.forService(config.kafkaProperties()));
    // a command present at start: the follower must apply it before the instance is ready
    broker.command(topics, "mnist", ModelAction.PIN, 1L);
    FollowerGate.set(FollowerGate.Mode.HOLD);

    try (LearnerService service = LearnerService.start(config, StreamingLearnerApp::new)) {
      KafkaStreams streams = service.app().kafkaStreams();
      await().dontCatchUncaughtExceptions().atMost(WAIT).until(() -> streams.state() == KafkaStreams.State.RUNNING && FollowerGate.holding());
      // Streams runs, the follower has fetched the command but not applied it: not ready, still live
      await().dontCatchUncaughtExceptions().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
          .until(() -> status(service, "/health/ready") == 503 && status(service, "/health/live") == 200);
      assertThat(service.app().isReady()).isFalse();

      FollowerGate.set(FollowerGate.Mode.PASS);
      await().dontCatchUncaughtExceptions().atMost(WAIT).until(() -> status(service, "/health/ready") == 200);
      assertThat(status(service, "/health/live")).isEqualTo(200);

      // the follower's next poll throws an Error: its thread ends, for good
      FollowerGate.set(FollowerGate.Mode.DIE);
      broker.command(topics, "mnist", ModelAction.UNPIN, null);
      await().dontCatchUncaughtExceptions().atMost(WAIT).until(() -> status(service, "/health/live") == 503);
      assertThat(status(service, "/health/ready")).isEqualTo(503);
      assertThat(streams.state()).as("only the follower died").isEqualTo(KafkaStreams.State.RUNNING);
    }
  }
}
