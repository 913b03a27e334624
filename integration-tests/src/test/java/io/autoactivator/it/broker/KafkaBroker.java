package io.autoactivator.it.broker;

import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * A real Kafka cluster a scenario runs against: an in-process KRaft cluster ({@link InProcessKraftBroker}) or a
 * container ({@link ContainerKafkaBroker}). Scenarios only see the bootstrap servers and an admin client.
 */
public interface KafkaBroker extends AutoCloseable {

  /** host:port[,host:port] of the cluster, reachable from this JVM and from child processes on this host. */
  String bootstrapServers();

  /** What kind of broker this is, for logs and failure messages. */
  String describe();

  /** A new admin client; the caller closes it. */
  default Admin admin() {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
  }

  @Override
  void close();
}
