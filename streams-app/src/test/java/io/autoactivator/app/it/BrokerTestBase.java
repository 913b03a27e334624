package io.autoactivator.app.it;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import io.autoactivator.model.data.Dataset;
import io.autoactivator.model.data.IdxReader;
import io.autoactivator.model.data.SharedData;

/**
 * What every real-broker scenario of this package starts from: one in-process KRaft broker per test class and the
 * MNIST test split to publish from, both closed or dropped after the class.
 */
abstract class BrokerTestBase {

  /** How long a scenario waits for the app to reach a state. */
  static final Duration WAIT = Duration.ofSeconds(40);
  static BrokerFixture broker;
  static Dataset mnist;

  @BeforeAll
  static void startBroker() throws Exception {
    Path root = SharedData.root().orElseThrow(() -> new IllegalStateException("no shared data"));
    mnist = IdxReader.readSplit(root.resolve("mnist"), "t10k");
    broker = new BrokerFixture();
  }

  @AfterAll
  static void stopBroker() throws Exception {
    if (broker != null) {
      broker.close();
      broker = null;
    }
  }
}
