package io.autoactivator.app.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.ServerSocket;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.ThreadMetadata;
import org.junit.jupiter.api.Test;

import io.autoactivator.app.StreamingLearnerApp;
import io.autoactivator.app.config.AppSettings;
import io.autoactivator.app.config.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * A schema registry that cannot be reached is not the record's fault: the record is neither dead-lettered nor
 * skipped, and the instance does not shut down; its stream thread is replaced and reads the same record again, on
 * the real broker, until the registry answers.
 */
class RegistryOutageBrokerTest extends BrokerTestBase {

  @Test
  void aRecordWhoseRegistryIsDownReplacesTheStreamThreadAndTheInstanceStaysLive() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    AppSettings settings = AppSettings.defaults("it-registry").withTopics(Topics.withPrefix("registry."))
        .withLearner("ncm", Map.of());
    Topics topics = settings.topics();
    Properties properties = broker.appProperties("registry-app", BrokerFixture.tempDir("registry"));
    properties.put("schema.registry.url", "http://127.0.0.1:" + closedPort);
    try (StreamingLearnerApp app = new StreamingLearnerApp(settings, properties, new SimpleMeterRegistry())) {
      app.start();
      await().atMost(WAIT).until(app::isReady);
      KafkaStreams streams = app.kafkaStreams();
      // Confluent framing: magic byte 0, schema id 7, a body; reading it needs the registry
      broker.raw(topics.samples(), "k".getBytes(), new byte[] {0, 0, 0, 0, 7, 2, 'x'});

      await().atMost(WAIT).until(() -> streams.metadataForLocalThreads().stream().map(ThreadMetadata::threadName)
          .noneMatch(name -> name.endsWith("-StreamThread-1")));
      assertThat(app.isLive()).as("the thread was replaced, the instance did not shut down").isTrue();
      assertThat(streams.state()).isNotIn(KafkaStreams.State.ERROR, KafkaStreams.State.PENDING_ERROR,
          KafkaStreams.State.NOT_RUNNING, KafkaStreams.State.PENDING_SHUTDOWN);
      assertThat(broker.readAll(topics.deadLetters())).as("nothing dropped").isEmpty();
    }
  }
}
