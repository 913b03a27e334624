package io.autoactivator.it;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import io.autoactivator.it.broker.InProcessKraftBroker;
import io.autoactivator.it.broker.KafkaBroker;

/**
 * JUnit extension giving each test class its own in-process KRaft broker, stopped after the class:
 * {@code @RegisterExtension static final InProcessBroker BROKER = new InProcessBroker();}.
 */
final class InProcessBroker implements BeforeAllCallback {

  private InProcessKraftBroker broker;

  @Override
  public void beforeAll(ExtensionContext context) {
    broker = InProcessKraftBroker.start();
    context.getStore(ExtensionContext.Namespace.create(InProcessBroker.class, context.getRequiredTestClass()))
        .put("broker", (AutoCloseable) broker::close);
  }

  KafkaBroker get() {
    return broker;
  }
}
