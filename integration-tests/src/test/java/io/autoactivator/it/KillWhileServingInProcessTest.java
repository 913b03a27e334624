package io.autoactivator.it;

import org.junit.jupiter.api.extension.RegisterExtension;

import io.autoactivator.it.broker.KafkaBroker;

/** Scenario 9 on an in-process KRaft broker. */
class KillWhileServingInProcessTest extends KillWhileServingScenario {

  @RegisterExtension
  static final InProcessBroker BROKER = new InProcessBroker();

  @Override
  protected KafkaBroker broker() {
    return BROKER.get();
  }
}
