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
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the deployment's topics when they are missing, so a fresh cluster (or the embedded broker) works
 * without a setup script. Existing topics are left exactly as they are. The snapshot topic is compacted (the log
 * is the model store: the newest copy of every chunk key is kept) and accepts records of one chunk plus headroom.
 * The command topic keeps every record forever ({@code retention.ms=-1}): the serving decision is a fold over the
 * whole command log, so a command lost to retention would change what a restarted instance serves.
 *
 * <p>At every start the topics are checked ({@link #check}); what would lose models, rollout decisions or buffered
 * tasks is logged as a WARN: a snapshot topic that is not compacted, a command topic with finite retention,
 * replication factor 1 on a cluster of several brokers, a samples topic whose retention could delete a task's
 * samples before it trains (the samples topic is the task buffer: below {@link #MIN_SAMPLES_RETENTION_MS}, or
 * bounded by size), and samples, task-events and snapshot topics with different partition counts (samples keyed by
 * model id then land elsewhere than where their model is processed, and cost a repartition copy).
 */
public final class TopicProvisioner {

  private static final Logger LOG = LoggerFactory.getLogger(TopicProvisioner.class);
  /** Room for the Avro metadata, key and batch overhead around one chunk's payload. */
  public static final int HEADROOM_BYTES = 256 * 1024;
  /**
   * The shortest retention of the samples topic that is not reported (7 days, the broker's default): a task's
   * samples must stay on the topic from its first sample until its snapshot is committed, restarts included.
   */
  public static final long MIN_SAMPLES_RETENTION_MS = 7L * 24 * 3600 * 1000;

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
   *
   * @return the partitions a model's records are spread over: the largest partition count of the samples,
   *         task-events and snapshot topics, which Kafka Streams gives the by-model repartition topic (0 when they
   *         cannot be described: then every record is repartitioned)
   */
  public static int provision(AppSettings settings, KafkaClientConfigs clients) {
    Map<String, Object> config = clients.admin();
    config.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "60000");
    short replication = settings.topicReplicationFactor();
    try (Admin admin = Admin.create(config)) {
      TopicProvisioner provisioner = new TopicProvisioner(admin, settings.topicPartitions(),
          replication < 1 ? 1 : replication);
      if (settings.createTopics()) {
        provisioner.ensure(settings.topics(), settings.snapshotChunkBytes());
      }
      try {
        provisioner.check(settings.topics()).forEach(w -> LOG.warn("TOPIC CONFIGURATION: {}", w));
      } catch (ExecutionException | RuntimeException e) {
        LOG.warn("could not check the configuration of the snapshot and command topics: {}", e.toString());
      }
      try {
        return modelPartitions(admin, settings.topics());
      } catch (ExecutionException | RuntimeException e) {
        LOG.warn("could not count the partitions of the input topics ({}): every sample is repartitioned",
            e.toString());
        return 0;
      }
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
      } else if (name.equals(topics.commands())) {
        topic.configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1", TopicConfig.RETENTION_BYTES_CONFIG, "-1"));
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

  /**
   * What about the existing snapshot and command topics would lose models or rollout decisions: one sentence per
   * problem, empty when none.
   */
  List<String> check(Topics topics) throws InterruptedException, ExecutionException {
    List<String> warnings = new ArrayList<>();
    int brokers = admin.describeCluster().nodes().get().size();
    List<String> names = List.of(topics.snapshots(), topics.commands(), topics.samples(), topics.taskEvents());
    Set<String> existing = admin.listTopics().names().get();
    List<String> present = names.stream().filter(existing::contains).toList();
    if (present.isEmpty()) {
      return warnings;
    }
    Map<String, TopicDescription> descriptions = admin.describeTopics(present).allTopicNames().get();
    List<ConfigResource> resources = present.stream()
        .map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).toList();
    Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all().get();
    for (String name : present) {
      Config config = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, name));
      String policy = value(config, TopicConfig.CLEANUP_POLICY_CONFIG, "delete");
      String retention = value(config, TopicConfig.RETENTION_MS_CONFIG, "604800000");
      if (name.equals(topics.snapshots()) && !policy.contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
        warnings.add("snapshot topic " + name + " has cleanup.policy=" + policy + ": models are deleted after "
            + "retention.ms=" + retention + "; set cleanup.policy=compact");
      }
      if (name.equals(topics.commands()) && !"-1".equals(retention)) {
        warnings.add("command topic " + name + " has retention.ms=" + retention + ": rollout commands (PIN, "
            + "ROLLBACK) older than that are forgotten at the next restart; set retention.ms=-1");
      }
      if (name.equals(topics.samples())) {
        long ms = Long.parseLong(retention);
        String bytes = value(config, TopicConfig.RETENTION_BYTES_CONFIG, "-1");
        if ((ms >= 0 && ms < MIN_SAMPLES_RETENTION_MS) || !"-1".equals(bytes)
            || policy.contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
          warnings.add("samples topic " + name + " has retention.ms=" + retention + ", retention.bytes=" + bytes
              + ", cleanup.policy=" + policy + ": it is the task buffer, and a task whose samples are deleted before"
              + " it trains is quarantined (SAMPLES_EXPIRED); set retention.ms to at least "
              + MIN_SAMPLES_RETENTION_MS + " (or -1), retention.bytes=-1, cleanup.policy=delete");
        }
      }
      int replicas = descriptions.get(name).partitions().stream().mapToInt(p -> p.replicas().size()).min()
          .orElse(0);
      if (brokers > 1 && replicas < 2) {
        warnings.add("topic " + name + " has replication factor " + replicas + " on a cluster of " + brokers
            + " brokers: one broker's disk is the only copy; set topics.replication.factor (e.g. 3) and "
            + "reassign its partitions");
      }
    }
    List<String> copartitioned = List.of(topics.samples(), topics.taskEvents(), topics.snapshots());
    Map<String, Integer> counts = new java.util.TreeMap<>();
    for (String name : copartitioned) {
      if (descriptions.containsKey(name)) {
        counts.put(name, descriptions.get(name).partitions().size());
      }
    }
    if (counts.values().stream().distinct().count() > 1) {
      warnings.add("topics " + counts + " have different partition counts: a model's records are processed on the"
          + " partition its id hashes to among the largest count, so samples keyed by model id on another partition"
          + " cross the repartition topic (one more write and read each); give them the same partition count");
    }
    return warnings;
  }

  /**
   * The largest partition count of the samples, task-events and snapshot topics that exist: the count Kafka Streams
   * gives the by-model repartition topic, so the partition a model id hashes to among them is where the model's
   * records are processed.
   */
  public static int modelPartitions(Admin admin, Topics topics) throws InterruptedException, ExecutionException {
    Set<String> existing = admin.listTopics().names().get();
    List<String> inputs = List.of(topics.samples(), topics.taskEvents(), topics.snapshots()).stream()
        .filter(existing::contains).toList();
    if (inputs.isEmpty()) {
      return 0;
    }
    return admin.describeTopics(inputs).allTopicNames().get().values().stream()
        .mapToInt(d -> d.partitions().size()).max().orElse(0);
  }

  private static String value(Config config, String key, String fallback) {
    ConfigEntry entry = config == null ? null : config.get(key);
    return entry == null || entry.value() == null ? fallback : entry.value();
  }

  /** The checks of {@link #check} with the given admin client (the CLI, tests). */
  public static List<String> check(Admin admin, Topics topics) throws InterruptedException, ExecutionException {
    return new TopicProvisioner(admin, 1, (short) 1).check(topics);
  }
}
