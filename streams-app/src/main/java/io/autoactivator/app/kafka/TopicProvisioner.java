package io.autoactivator.app.kafka;

import io.autoactivator.app.config.AppSettings;
import io.autoactivator.app.config.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the deployment's topics when they are missing, so a fresh cluster (or the embedded broker) works
 * without a setup script. Existing topics are left exactly as they are. The snapshot topic is compacted (the log
 * is the model store: the newest copy of every chunk key is kept) and accepts records of one chunk plus headroom.
 */
public final class TopicProvisioner {

  private static final Logger LOG = LoggerFactory.getLogger(TopicProvisioner.class);
  /** Room for the Avro metadata, key and batch overhead around one chunk's payload. */
  public static final int HEADROOM_BYTES = 256 * 1024;

  private final Admin admin;
  private final int partitions;
  private final short replicationFactor;

  /**
   * @param admin             a client for the cluster (not closed here)
   * @param partitions        partitions of every created topic
   * @param replicationFactor replicas of every created topic
   */
  private TopicProvisioner(Admin admin, int partitions, short replicationFactor) {
    this.admin = admin;
    this.partitions = partitions;
    this.replicationFactor = replicationFactor;
  }

  /**
   * The one provisioning step of a start: when {@code settings.createTopics()}, creates the missing topics with
   * {@code topics.partitions} partitions and {@code topics.replication.factor} replicas (-1 meaning 1), through an
   * admin client configured like every other client ({@code admin.} keys honoured).
   */
  public static void provision(AppSettings settings, KafkaClientConfigs clients) {
    if (!settings.createTopics()) {
      return;
    }
    Map<String, Object> config = clients.admin();
    config.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "60000");
    short replication = settings.topicReplicationFactor();
    try (Admin admin = Admin.create(config)) {
      new TopicProvisioner(admin, settings.topicPartitions(), replication < 1 ? 1 : replication)
          .ensure(settings.topics(), settings.snapshotChunkBytes());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot create the topics on "
          + config.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG) + ": " + e.getCause().getMessage(), e.getCause());
    }
  }

  /** Creates the missing topics of {@code topics}; returns the names it created. */
  List<String> ensure(Topics topics, int snapshotChunkBytes) throws InterruptedException, ExecutionException {
    Set<String> existing = admin.listTopics().names().get();
    List<NewTopic> missing = new ArrayList<>();
    for (String name : topics.all()) {
      if (existing.contains(name)) {
        continue;
      }
      NewTopic topic = new NewTopic(name, partitions, replicationFactor);
      if (name.equals(topics.snapshots())) {
        topic.configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
            TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(snapshotChunkBytes + HEADROOM_BYTES)));
      }
      missing.add(topic);
    }
    List<String> created = new ArrayList<>();
    for (var entry : admin.createTopics(missing).values().entrySet()) {
      try {
        entry.getValue().get();
        created.add(entry.getKey());
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw e;
        }
      }
    }
    if (!created.isEmpty()) {
      LOG.info("created topics {} ({} partitions, replication {})", created, partitions, replicationFactor);
    }
    return created;
  }
}
