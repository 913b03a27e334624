package io.autoactivator.app.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;

import io.autoactivator.app.config.AppSettings;
import io.autoactivator.app.config.Topics;
import io.autoactivator.app.kafka.KafkaClientConfigs;
import io.autoactivator.app.kafka.TopicProvisioner;

/**
 * On a cluster of several brokers, a topic with one replica keeps the only copy of every model (or rollout decision,
 * or buffered task) on one disk: every start says so, topic by topic, and says nothing of topics with two replicas.
 * Its own two-broker cluster, since the other scenarios run on one broker, where one replica is all there can be.
 */
class ReplicationWarningBrokerTest {

  @Test
  void onTwoBrokersTheTopicsCreatedWithTheDefaultReplicationAreReportedAndReplicatedOnesAreNot() throws Exception {
    try (BrokerFixture two = new BrokerFixture(2);
        Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
            two.cluster.bootstrapServers()))) {
      await().atMost(Duration.ofSeconds(40)).until(() -> admin.describeCluster().nodes().get().size() == 2);

      AppSettings settings = AppSettings.defaults("it-rf").withTopics(Topics.withPrefix("rf1."));
      TopicProvisioner.provision(settings, KafkaClientConfigs.forService(
          two.appProperties("rf-app", BrokerFixture.tempDir("rf"))));
      Topics single = settings.topics();
      assertThat(TopicProvisioner.check(admin, single)).hasSize(4).allSatisfy(w -> assertThat(w)
          .contains("replication factor 1 on a cluster of 2 brokers", "topics.replication.factor"));
      assertThat(String.join("\n", TopicProvisioner.check(admin, single))).contains(single.snapshots(),
          single.commands(), single.samples(), single.taskEvents());

      Topics replicated = Topics.withPrefix("rf2.");
      admin.createTopics(List.of(
          new NewTopic(replicated.snapshots(), 1, (short) 2).configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG,
              TopicConfig.CLEANUP_POLICY_COMPACT)),
          new NewTopic(replicated.commands(), 1, (short) 2).configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1")),
          new NewTopic(replicated.samples(), 1, (short) 2),
          new NewTopic(replicated.taskEvents(), 1, (short) 2))).all().get();
      assertThat(TopicProvisioner.check(admin, replicated)).isEmpty();
    }
  }
}
