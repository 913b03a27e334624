package io.autoactivator.it.broker;

import org.testcontainers.kafka.KafkaContainer;

/**
 * Kafka in a container (Testcontainers' Kafka module, the apache/kafka image of docker/compose.yaml). Only usable
 * with a Docker engine: the scenario classes using it are {@code @Testcontainers(disabledWithoutDocker = true)} and
 * are reported as skipped without one.
 */
public final class ContainerKafkaBroker implements KafkaBroker {

  /** The image docker/compose.yaml runs by default. */
  public static final String IMAGE = "apache/kafka:4.3.1";

  private final KafkaContainer container;

  public ContainerKafkaBroker(KafkaContainer container) {
    this.container = container;
  }

  /** A container that is not started yet (declare it as a {@code @Container} field). */
  public static KafkaContainer newContainer() {
    return new KafkaContainer(IMAGE)
        .withEnv("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0")
        .withEnv("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "1");
  }

  @Override
  public String bootstrapServers() {
    return container.getBootstrapServers();
  }

  @Override
  public String describe() {
    return "container " + IMAGE + " at " + bootstrapServers();
  }

  @Override
  public void close() {
    // the @Container field's lifecycle belongs to the Testcontainers extension
  }
}
