package io.autoactivator.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

import io.autoactivator.it.broker.ContainerKafkaBroker;
import io.autoactivator.it.support.Counting;
import io.autoactivator.it.support.Deployment;
import io.autoactivator.it.support.InProcessApp;
import io.autoactivator.it.support.Learning;
import io.autoactivator.it.support.MnistSlices;
import io.autoactivator.it.support.Wire;
import io.autoactivator.schemas.Prediction;
import io.autoactivator.schemas.PredictionStatus;

/**
 * Scenario 9: the Confluent wire format against a real Confluent Schema Registry (the image docker/compose.yaml
 * runs). Producers, app and readers all register and look up schemas there; a task trains and every query is
 * answered once. Needs Docker: skipped without it (there is no registry to run in-process).
 */
@Testcontainers(disabledWithoutDocker = true)
class ConfluentFramingContainerTest {

  static final Network NETWORK = Network.newNetwork();

  @Container
  static final KafkaContainer KAFKA = ContainerKafkaBroker.newContainer().withNetwork(NETWORK)
      .withListener("kafka:19092");

  @Container
  static final GenericContainer<?> REGISTRY = new GenericContainer<>("confluentinc/cp-schema-registry:8.0.0")
      .withNetwork(NETWORK).dependsOn(KAFKA).withExposedPorts(8081)
      .withEnv("SCHEMA_REGISTRY_HOST_NAME", "schema-registry")
      .withEnv("SCHEMA_REGISTRY_LISTENERS", "http://0.0.0.0:8081")
      .withEnv("SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS", "PLAINTEXT://kafka:19092")
      .waitingFor(Wait.forHttp("/subjects").forStatusCode(200));

  @Test
  void learnsAndAnswersWithConfluentFramingThroughARealRegistry() {
    String registry = "http://" + REGISTRY.getHost() + ":" + REGISTRY.getMappedPort(8081);
    Deployment deployment = Learning.withDefaultLearner(Deployment.on(new ContainerKafkaBroker(KAFKA), "confluent"))
        .withSchemaRegistry(registry);
    try (InProcessApp app = InProcessApp.start(deployment, "confluent-1"); Wire wire = new Wire(deployment)) {
      byte[] framed = wire.encode(deployment.topics().samples(),
          Wire.sample("m", "t", "s", 0, MnistSlices.train(1, 0).features()[0]));
      assertThat(framed[0]).as("Confluent magic byte").isZero();

      wire.publishTask("m", "t0", new int[] {0, 1}, MnistSlices.train(40, 0, 1));
      app.awaitServing("m", 1, Duration.ofMinutes(3));
      List<String> ids = wire.query("m", "cf", MnistSlices.heldOut(5, 0, 1));
      wire.predictions(l -> l.size() >= ids.size(), Duration.ofMinutes(1));
      List<Prediction> answers = wire.readAll(deployment.topics().predictions(), Prediction.class,
          Duration.ofSeconds(2));
      Counting.assertExactlyOnce("answers", ids, answers, p -> p.getRequestId().toString());
      assertThat(answers).allSatisfy(p -> assertThat(p.getStatus()).isEqualTo(PredictionStatus.OK));
    }
  }
}
