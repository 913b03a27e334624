package io.autoactivator.app.ops;

import io.autoactivator.app.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates the deployment's missing topics; the snapshot and command topics are compacted. */
public final class TopicProvisioner {

  private static final Logger log = LoggerFactory.getLogger(TopicProvisioner.class);

  private TopicProvisioner() {
  }

  /** Creates every topic of {@code topics} that does not exist yet; returns the names created. */
  public static List<String> createMissing(Properties clientProperties, Topics topics, int partitions,
      short replicationFactor, Duration timeout) {
    try (Admin admin = Admin.create(adminProperties(clientProperties))) {
      Set<String> existing = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      List<NewTopic> missing = new ArrayList<>();
      for (String name : topics.all()) {
        if (existing.contains(name)) {
          continue;
        }
        NewTopic topic = new NewTopic(name, Optional.of(partitions),
            replicationFactor < 0 ? Optional.empty() : Optional.of(replicationFactor));
        if (name.equals(topics.snapshots()) || name.equals(topics.commands())) {
          topic.configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
        }
        missing.add(topic);
      }
      List<String> created = new ArrayList<>();
      var result = admin.createTopics(missing);
      for (var entry : result.values().entrySet()) {
        try {
          entry.getValue().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
          created.add(entry.getKey());
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new IllegalStateException("cannot create topic " + entry.getKey() + ": "
                + e.getCause().getMessage(), e.getCause());
          }
        }
      }
      if (!created.isEmpty()) {
        log.info("Created topics {}", created);
      }
      return created;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot list topics: " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("no answer from Kafka at " + clientProperties.get("bootstrap.servers")
          + " within " + timeout.toSeconds() + " s", e);
    }
  }

  /** The client properties minus the Streams-only keys an AdminClient would warn about. */
  static Properties adminProperties(Properties clientProperties) {
    Properties admin = new Properties();
    Set<String> adminKeys = org.apache.kafka.clients.admin.AdminClientConfig.configNames();
    clientProperties.forEach((k, v) -> {
      String key = String.valueOf(k);
      if (adminKeys.contains(key)) {
        admin.put(key, v);
      } else if (key.startsWith("admin.")) {
        admin.put(key.substring("admin.".length()), v);
      }
    });
    return admin;
  }
}
