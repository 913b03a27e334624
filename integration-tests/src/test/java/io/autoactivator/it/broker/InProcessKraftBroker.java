package io.autoactivator.it.broker;

import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A one-node KRaft cluster (combined broker and controller) in this JVM, from Kafka's own test kit. Replication
 * factors of the internal topics are 1, or consumer groups and Kafka Streams wait forever in REBALANCING; the
 * message size limit is raised so snapshot chunks of a few MB fit.
 */
public final class InProcessKraftBroker implements KafkaBroker {

  private final KafkaClusterTestKit cluster;

  private InProcessKraftBroker(KafkaClusterTestKit cluster) {
    this.cluster = cluster;
  }

  /** Formats, starts and waits for the cluster (about 1.5 s). */
  public static InProcessKraftBroker start() {
    KafkaClusterTestKit cluster = null;
    try {
      cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
          .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build())
          .setConfigProp("offsets.topic.replication.factor", "1")
          .setConfigProp("transaction.state.log.replication.factor", "1")
          .setConfigProp("transaction.state.log.min.isr", "1")
          .setConfigProp("group.initial.rebalance.delay.ms", "0")
          .setConfigProp("num.partitions", "1")
          .build();
      cluster.format();
      cluster.startup();
      cluster.waitForReadyBrokers();
      return new InProcessKraftBroker(cluster);
    } catch (Exception e) {
      if (cluster != null) {
        try {
          cluster.close();
        } catch (Exception suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw new IllegalStateException("could not start the in-process KRaft cluster", e);
    }
  }

  @Override
  public String bootstrapServers() {
    return cluster.bootstrapServers();
  }

  @Override
  public String describe() {
    return "in-process KRaft (KafkaClusterTestKit) at " + bootstrapServers();
  }

  @Override
  public void close() {
    try {
      cluster.close();
    } catch (Exception e) {
      throw new IllegalStateException("could not stop the in-process KRaft cluster", e);
    }
  }
}
