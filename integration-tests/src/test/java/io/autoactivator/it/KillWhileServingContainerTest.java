package io.autoactivator.it;

import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

import io.autoactivator.it.broker.ContainerKafkaBroker;
import io.autoactivator.it.broker.KafkaBroker;

/** Scenario 9 on a Kafka container; skipped without a Docker engine. */
@Testcontainers(disabledWithoutDocker = true)
class KillWhileServingContainerTest extends KillWhileServingScenario {

  @Container
  static final KafkaContainer KAFKA = ContainerKafkaBroker.newContainer();

  @Override
  protected KafkaBroker broker() {
    return new ContainerKafkaBroker(KAFKA);
  }
}
