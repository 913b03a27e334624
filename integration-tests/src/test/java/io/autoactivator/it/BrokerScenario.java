package io.autoactivator.it;

import io.autoactivator.it.broker.KafkaBroker;

/**
 * A scenario written once against {@link KafkaBroker}: each has an in-process subclass ({@code *InProcessTest},
 * a KRaft cluster from KafkaClusterTestKit, always run) and a container subclass ({@code *ContainerTest},
 * Testcontainers, skipped without a Docker engine).
 */
abstract class BrokerScenario {

  /** The broker of the concrete class, started before its first test. */
  protected abstract KafkaBroker broker();
}
