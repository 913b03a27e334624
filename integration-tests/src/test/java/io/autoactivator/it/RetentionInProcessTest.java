package io.autoactivator.it;

import org.junit.jupiter.api.extension.RegisterExtension;

import io.autoactivator.it.broker.KafkaBroker;

/** Scenario 10 on an in-process KRaft broker. */
class RetentionInProcessTest extends RetentionScenario {

  @RegisterExtension
  static final InProcessBroker BROKER = new InProcessBroker();

  @Override
  protected KafkaBroker broker() {
    return BROKER.get();
  }
}
