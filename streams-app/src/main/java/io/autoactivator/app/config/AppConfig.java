package io.autoactivator.app.config;

import io.autoactivator.model.api.Learners;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.NonEmptyString;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;

/**
 * Every setting of the service, declared once with its type, default, validator, importance and documentation
 * (the habit of Kafka's {@code StreamsConfig}). {@link ConfigLoader} fills it from a file, the environment and
 * command-line flags; this class turns it into the two things {@code StreamingLearnerApp} takes: {@link AppSettings}
 * and the Kafka client {@link Properties}.
 *
 * <p><b>Pass-through rule.</b> Any key that is not declared here (and does not start with {@code learner.option.})
 * is a Kafka client setting and reaches the client {@link Properties} unchanged: {@code security.protocol},
 * {@code ssl.*}, {@code sasl.*}, {@code producer.*}/{@code consumer.*}/{@code admin.*} prefixed keys, any Kafka
 * Streams key. A handful of declared keys are Kafka keys too ({@link #FORWARDED}) and are forwarded after
 * validation.
 */
public final class AppConfig extends AbstractConfig {

  public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
  public static final String APPLICATION_ID = "application.id";
  public static final String INSTANCE_ID = "instance.id";
  public static final String STATE_DIR = "state.dir";
  public static final String PROCESSING_GUARANTEE = "processing.guarantee";
  public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
  public static final String HTTP_PORT = "http.port";
  public static final String SHUTDOWN_TIMEOUT_MS = "shutdown.timeout.ms";
  public static final String HTTP_BIND_ADDRESS = "http.bind.address";
  public static final String HTTP_THREADS = "http.threads";
  public static final String HTTP_REQUEST_TIMEOUT_MS = "http.request.timeout.ms";
  public static final String TOPIC_PREFIX = "topic.prefix";
  public static final String TOPIC_KEY_PREFIX = "topic.";
  public static final String TOPICS_CREATE = "topics.create";
  public static final String TOPICS_PARTITIONS = "topics.partitions";
  public static final String TOPICS_REPLICATION_FACTOR = "topics.replication.factor";
  public static final String LEARNER = "learner";
  public static final String LEARNER_OPTION_PREFIX = "learner.option.";
  public static final String SEED = "seed";
  public static final String SERVING_BATCH_SIZE = "serving.batch.size";
  public static final String SERVING_LINGER_MS = "serving.linger.ms";
  public static final String SERVING_QUEUE_SIZE = "serving.queue.size";
  public static final String SERVING_THREADS = "serving.threads";
  public static final String SERVING_COMMIT_INTERVAL_MS = "serving.commit.interval.ms";
  public static final String TASK_INCOMPLETE_TIMEOUT_MS = "task.incomplete.timeout.ms";
  public static final String SNAPSHOT_CHUNK_BYTES = "snapshot.chunk.bytes";
  public static final String PREDICTION_TOP_K = "prediction.top.k";
  public static final String INPUT_MAX_RECORD_BYTES = "input.max.record.bytes";
  public static final String INPUT_MAX_FEATURES = "input.max.features";
  public static final String SNAPSHOT_MAX_BYTES = "snapshot.max.bytes";
  public static final String TRAINING_MAX_ATTEMPTS = "training.max.attempts";
  public static final String DEAD_LETTERS_MAX_VALUE_BYTES = "dead.letters.max.value.bytes";
  public static final String TASK_MAX_SAMPLES = "task.max.samples";
  public static final String MODEL_MAX_BUFFERED_BYTES = "model.max.buffered.bytes";
  public static final String SERVING_RETAINED_VERSIONS = "serving.retained.versions";
  public static final String SNAPSHOT_PENDING_MAX_BYTES = "snapshot.pending.max.bytes";
  public static final String SNAPSHOT_PENDING_MAX_AGE_MS = "snapshot.pending.max.age.ms";
  public static final String TASK_ABANDONED_TIMEOUT_MS = "task.abandoned.timeout.ms";
  public static final String SNAPSHOT_SIGNING_KEY = "snapshot.signing.key";
  public static final String SNAPSHOT_SIGNING_KEY_FILE = "snapshot.signing.key.file";

  /** The topic-name suffixes; {@code topic.<name>} overrides {@code <topic.prefix><name>}. */
  public static final List<String> TOPIC_NAMES = Topics.SHORT_NAMES;

  /** Declared keys that are also Kafka client keys: validated here, then forwarded to the client properties. */
  public static final Set<String> FORWARDED = Set.of(BOOTSTRAP_SERVERS, APPLICATION_ID, STATE_DIR,
      PROCESSING_GUARANTEE, SCHEMA_REGISTRY_URL);

  private static final ConfigDef DEFINITION = define();

  /** Parses and validates {@code originals}; throws {@link ConfigException} naming the key and the valid values. */
  public AppConfig(Map<?, ?> originals) {
    super(DEFINITION, originals, false);
    // Checked here rather than in the ConfigDef: the catalogue is only complete once every learner module is loaded.
    List<String> known = Learners.names();
    String learner = getString(LEARNER);
    if (!known.isEmpty() && !known.contains(learner)) {
      throw new ConfigException(LEARNER, learner, "must be one of " + known);
    }
  }

  /** A copy of the definition (documentation, the {@code config} command). */
  public static ConfigDef configDef() {
    return new ConfigDef(DEFINITION);
  }

  private static ConfigDef define() {
    ConfigDef def = new ConfigDef()
        .define(BOOTSTRAP_SERVERS, Type.LIST, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.Validator() {
          @Override
          public void ensureValid(String name, Object value) {
            if (value == null || ((List<?>) value).isEmpty()) {
              throw new ConfigException(name, value, "at least one host:port is required");
            }
          }

          @Override
          public String toString() {
            return "non-empty list of host:port";
          }
        }, Importance.HIGH,
            "Kafka brokers to connect to (host:port, comma-separated). Forwarded to every Kafka client. "
                + "The demo command sets it to its embedded broker.")
        .define(APPLICATION_ID, Type.STRING, "autoactivator-streams", new NonEmptyString(), Importance.HIGH,
            "Kafka Streams application id: consumer group, prefix of internal topics and state directories. "
                + "Forwarded to Kafka Streams.")
        .define(INSTANCE_ID, Type.STRING, null, Importance.MEDIUM,
            "Names this instance in dead letters, logs and metrics. Default: <hostname>-<pid>.")
        .define(STATE_DIR, Type.STRING, null, Importance.MEDIUM,
            "Kafka Streams state directory. Default: Kafka Streams' own (<java.io.tmpdir>/kafka-streams).")
        .define(PROCESSING_GUARANTEE, Type.STRING, "exactly_once_v2",
            ValidString.in("exactly_once_v2", "at_least_once"), Importance.MEDIUM,
            "Kafka Streams processing guarantee. exactly_once_v2 needs brokers >= 2.5 and a transaction state log "
                + "replication factor the cluster can satisfy.")
        .define(SCHEMA_REGISTRY_URL, Type.STRING, null, Importance.MEDIUM,
            "Confluent-compatible schema registry URL(s). Set: every record uses the Confluent wire format through "
                + "the registry. Unset: Avro single-object encoding, no registry. Forwarded to the serdes.")
        .define(HTTP_PORT, Type.INT, 8080, Range.between(0, 65535), Importance.MEDIUM,
            "Port of the HTTP server (/health/live, /health/ready, /metrics). 0 picks a free port.")
        .define(HTTP_BIND_ADDRESS, Type.STRING, null, Importance.MEDIUM,
            "Interface the HTTP server binds (e.g. 127.0.0.1 or a pod IP). Default: every interface.")
        .define(HTTP_THREADS, Type.INT, 8, Range.between(2, 256), Importance.LOW,
            "Requests the HTTP server answers at once; an idle or slow client holds one until "
                + "http.request.timeout.ms, so keep it above the number of probes and scrapers.")
        .define(HTTP_REQUEST_TIMEOUT_MS, Type.LONG, 10_000L, Range.between(1_000, 600_000), Importance.LOW,
            "Longest an HTTP client may take to send its request or read the answer before it is dropped.")
        .define(SHUTDOWN_TIMEOUT_MS, Type.LONG, 30_000L, Range.atLeast(0), Importance.LOW,
            "Longest a graceful shutdown (SIGTERM) may take before the process gives up waiting.")
        .define(TOPIC_PREFIX, Type.STRING, Topics.DEFAULT_PREFIX, Importance.MEDIUM,
            "Prefix of every default topic name, so several deployments can share a cluster.");
    for (String name : TOPIC_NAMES) {
      def.define(TOPIC_KEY_PREFIX + name, Type.STRING, null, Importance.LOW,
          "Name of the " + name + " topic. Default: <topic.prefix>" + name + ".");
    }
    return def
        .define(TOPICS_CREATE, Type.BOOLEAN, true, Importance.MEDIUM,
            "Create missing topics at start-up (snapshots compacted, commands kept forever: retention.ms=-1).")
        .define(TOPICS_PARTITIONS, Type.INT, 1, Range.between(1, 10_000), Importance.LOW,
            "Partitions of topics created at start-up.")
        .define(TOPICS_REPLICATION_FACTOR, Type.SHORT, (short) -1, replicationFactor(), Importance.LOW,
            "Replication factor of topics created at start-up; -1 means 1 (a single broker). Kafka Streams' "
                + "internal topics follow the pass-through key replication.factor.")
        .define(LEARNER, Type.STRING, "autoactivator", new NonEmptyString(), Importance.HIGH,
            "The class-incremental learner (autoactivator or a baseline: joint, analytic, ncm, finetune; the "
                + "config command of a build lists what it knows). Options: learner.option.<key>=<value>.")
        .define(SEED, Type.LONG, 42L, Importance.MEDIUM,
            "Seed of every learner; snapshots are deterministic given it.")
        .define(SERVING_BATCH_SIZE, Type.INT, 256, Range.between(1, 65_536), Importance.LOW,
            "Most prediction requests answered together in one matrix product: the serving loop answers whatever "
                + "is waiting when its inference thread is free, up to this many.")
        .define(SERVING_LINGER_MS, Type.LONG, 5L, Range.between(0, 60_000), Importance.LOW,
            "Unused: the serving loop batches whatever is waiting and never lingers. Accepted for compatibility.")
        .define(SERVING_QUEUE_SIZE, Type.INT, 1024, Range.between(1, 1_000_000), Importance.LOW,
            "Prediction requests read from Kafka and not yet answered; at this many the serving consumer pauses "
                + "(back-pressure) and resumes at half. Memory holds at most this plus one poll (max.poll.records).")
        .define(SERVING_THREADS, Type.INT, 1, Range.between(0, 1024), Importance.MEDIUM,
            "Threads per ND4J/OpenBLAS call in this process, set at start (training uses them too). 1 suits a "
                + "latency path on few cores: there a small-batch product on 2 OpenMP threads was 10-100x slower "
                + "than on one (BENCHMARKS.md). 0 leaves ND4J's defaults (OMP_NUM_THREADS, else one per core).")
        .define(SERVING_COMMIT_INTERVAL_MS, Type.LONG, 100L, Range.between(1, 60_000), Importance.LOW,
            "How often the serving loop commits the query offsets whose answers the broker has acknowledged. "
                + "Answers are visible at once either way; a longer interval only means more requests checked "
                + "against the predictions read back after a crash.")
        .define(TASK_INCOMPLETE_TIMEOUT_MS, Type.LONG, 600_000L, Range.atLeast(1), Importance.LOW,
            "After this long without all its samples, an ended task is reported as incomplete.")
        .define(SNAPSHOT_CHUNK_BYTES, Type.INT, 512 * 1024, Range.between(1024, 64 * 1024 * 1024), Importance.LOW,
            "Snapshots larger than this are split into several records (keep it below the broker's "
                + "message.max.bytes).")
        .define(PREDICTION_TOP_K, Type.INT, 5, Range.between(1, 1000), Importance.LOW,
            "Labels with scores returned per prediction.")
        .define(INPUT_MAX_RECORD_BYTES, Type.INT, 512 * 1024, Range.between(1024, 64 * 1024 * 1024), Importance.LOW,
            "Largest sample or task-event record (key plus value), or query value, accepted; larger ones are "
                + "dead-lettered as TOO_LARGE at decode, before their copies reach the repartition topic and the "
                + "changelogs. For samples and task events it is lowered at start to the producer's "
                + "max.request.size less 64 KiB, and to Kafka Streams' topic.max.message.bytes less 8 KiB when that "
                + "is set lower.")
        .define(INPUT_MAX_FEATURES, Type.INT, 1 << 20, Range.between(1, 16 << 20), Importance.LOW,
            "Longest feature vector accepted in a sample or query; longer ones are dead-lettered as TOO_LARGE.")
        .define(SNAPSHOT_MAX_BYTES, Type.LONG, 1L << 30, Range.between(1024, Integer.MAX_VALUE - 8L),
            Importance.LOW, "Largest snapshot payload a chunk may announce; a chunk announcing more (or an "
                + "impossible chunk count) is dead-lettered as INVALID_SNAPSHOT and never allocated.")
        .define(TRAINING_MAX_ATTEMPTS, Type.INT, 3, Range.between(1, 1000), Importance.LOW,
            "Training attempts of one task before it is quarantined (dead letter TASK_QUARANTINED, metric "
                + "autoactivator.tasks.quarantined), so the model's later tasks proceed.")
        .define(DEAD_LETTERS_MAX_VALUE_BYTES, Type.INT, 64 * 1024, Range.between(0, 16 * 1024 * 1024),
            Importance.LOW, "Bytes of the original value copied into a dead letter; longer values are cut off "
                + "(the dead letter says so), so that a near-limit record still fits the dead-letter topic.")
        .define(TASK_MAX_SAMPLES, Type.LONG, 1_000_000L, Range.between(1, Long.MAX_VALUE), Importance.LOW,
            "Samples one task may buffer or announce in its END; beyond it samples and the END are dead-lettered "
                + "as TOO_LARGE, so one task cannot fill an instance's disk and memory at training.")
        .define(MODEL_MAX_BUFFERED_BYTES, Type.LONG, 32L << 30, Range.between(1024, Long.MAX_VALUE),
            Importance.LOW, "Bytes of untrained samples one model may hold on the samples topic (the values of "
                + "the samples its untrained tasks accepted); beyond it samples are dead-lettered as TOO_LARGE "
                + "(metric autoactivator.quota.rejections{quota=model.max.buffered.bytes}) until a task trains.")
        .define(SERVING_RETAINED_VERSIONS, Type.INT, 3, Range.between(1, 100_000), Importance.MEDIUM,
            "Versions of each model kept in memory: the newest this many, plus the serving and shadow versions "
                + "(a pinned or rolled-back version stays while it serves). Older versions are evicted with their "
                + "metadata (metric autoactivator.model.versions.evicted); PROMOTE, ROLLBACK, PIN or SHADOW of an "
                + "evicted version is dead-lettered as UNKNOWN_VERSION and changes nothing. Same value on every instance.")
        .define(SNAPSHOT_PENDING_MAX_BYTES, Type.LONG, 2L << 30, Range.between(1024, Long.MAX_VALUE),
            Importance.LOW, "Bytes of incomplete snapshot copies the follower holds while their chunks arrive "
                + "(at most 64 copies); beyond it the oldest incomplete copies are forgotten (logged).")
        .define(SNAPSHOT_PENDING_MAX_AGE_MS, Type.LONG, 3_600_000L, Range.between(1, Long.MAX_VALUE),
            Importance.LOW, "An incomplete snapshot copy whose last chunk is this much older (record time) than "
                + "the newest snapshot record read is forgotten (logged): a publisher that died mid-snapshot "
                + "leaves nothing behind in memory.")
        .define(TASK_ABANDONED_TIMEOUT_MS, Type.LONG, 86_400_000L, Range.between(1000, Long.MAX_VALUE),
            Importance.MEDIUM, "A task that is not complete (its END never came, or fewer samples than its END "
                + "announced) and gets no record for this long is quarantined: dead letter TASK_QUARANTINED, "
                + "metric autoactivator.tasks.quarantined, its buffer and claim on classes released, so the "
                + "model's later tasks train. Keep it below the samples topic's retention.ms.")
        .define(SNAPSHOT_SIGNING_KEY, Type.PASSWORD, null, Importance.HIGH,
            "Secret that signs every published snapshot (HMAC-SHA256 of its identity and checksum). Set: "
                + "snapshots without a valid signature are rejected, so only holders of the key can publish models. "
                + "Unset: snapshots are checked for integrity only. Same value on every instance.")
        .define(SNAPSHOT_SIGNING_KEY_FILE, Type.STRING, null, Importance.HIGH,
            "A file holding snapshot.signing.key (its content, trimmed); wins over snapshot.signing.key.");
  }

  private static ConfigDef.Validator replicationFactor() {
    return new ConfigDef.Validator() {
      @Override
      public void ensureValid(String name, Object value) {
        short v = (Short) value;
        if (v != -1 && v < 1) {
          throw new ConfigException(name, value, "must be -1 (broker default) or at least 1");
        }
      }

      @Override
      public String toString() {
        return "-1 or [1,...]";
      }
    };
  }

  /** The Kafka brokers. */
  public List<String> bootstrapServers() {
    return getList(BOOTSTRAP_SERVERS);
  }

  /** The configured instance id, or {@code <hostname>-<pid>}. */
  public String instanceId() {
    String configured = getString(INSTANCE_ID);
    if (configured != null && !configured.isBlank()) {
      return configured;
    }
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      host = "localhost";
    }
    return host + "-" + ProcessHandle.current().pid();
  }

  public int httpPort() {
    return getInt(HTTP_PORT);
  }

  public String httpBindAddress() {
    return getString(HTTP_BIND_ADDRESS);
  }

  public int httpThreads() {
    return getInt(HTTP_THREADS);
  }

  public long httpRequestTimeoutMs() {
    return getLong(HTTP_REQUEST_TIMEOUT_MS);
  }

  public Duration shutdownTimeout() {
    return Duration.ofMillis(getLong(SHUTDOWN_TIMEOUT_MS));
  }

  public boolean createTopics() {
    return getBoolean(TOPICS_CREATE);
  }

  public int topicPartitions() {
    return getInt(TOPICS_PARTITIONS);
  }

  public short topicReplicationFactor() {
    return getShort(TOPICS_REPLICATION_FACTOR);
  }

  /** Topic names: {@code topic.<name>} when set, else {@code <topic.prefix><name>}. */
  public Topics topics() {
    String prefix = getString(TOPIC_PREFIX);
    return Topics.named(name -> {
      String override = getString(TOPIC_KEY_PREFIX + name);
      return override == null || override.isBlank() ? prefix + name : override;
    });
  }

  /** The {@code learner.option.<key>} settings, without the prefix. */
  public Map<String, String> learnerOptions() {
    Map<String, String> options = new TreeMap<>();
    originalsWithPrefix(LEARNER_OPTION_PREFIX).forEach((k, v) -> options.put(k, String.valueOf(v)));
    return options;
  }

  /** What the streaming learner needs beyond the Kafka settings. */
  public AppSettings appSettings() {
    return new AppSettings(instanceId(), topics(), getString(LEARNER), learnerOptions(), getLong(SEED),
        getInt(SERVING_BATCH_SIZE), Duration.ofMillis(getLong(SERVING_LINGER_MS)),
        Duration.ofMillis(getLong(TASK_INCOMPLETE_TIMEOUT_MS)), getInt(SNAPSHOT_CHUNK_BYTES),
        getInt(PREDICTION_TOP_K), getBoolean(TOPICS_CREATE), getInt(TOPICS_PARTITIONS),
        getShort(TOPICS_REPLICATION_FACTOR), new Limits(getInt(INPUT_MAX_RECORD_BYTES),
        getInt(INPUT_MAX_FEATURES), getLong(SNAPSHOT_MAX_BYTES), getInt(TRAINING_MAX_ATTEMPTS),
        getInt(DEAD_LETTERS_MAX_VALUE_BYTES), getLong(TASK_MAX_SAMPLES), getLong(MODEL_MAX_BUFFERED_BYTES),
        getInt(SERVING_RETAINED_VERSIONS), getLong(SNAPSHOT_PENDING_MAX_BYTES), getLong(SNAPSHOT_PENDING_MAX_AGE_MS),
        getLong(TASK_ABANDONED_TIMEOUT_MS)),
        signingKey(),
        new AppSettings.Serving(getInt(SERVING_QUEUE_SIZE), getInt(SERVING_THREADS),
            Duration.ofMillis(getLong(SERVING_COMMIT_INTERVAL_MS))));
  }

  /** The snapshot signing key, from its file or the setting; null when neither is set. */
  public String signingKey() {
    String file = getString(SNAPSHOT_SIGNING_KEY_FILE);
    if (file != null && !file.isBlank()) {
      try {
        String key = java.nio.file.Files.readString(java.nio.file.Path.of(file)).strip();
        if (key.isEmpty()) {
          throw new ConfigException(SNAPSHOT_SIGNING_KEY_FILE, file, "the file is empty");
        }
        return key;
      } catch (java.io.IOException e) {
        throw new ConfigException(SNAPSHOT_SIGNING_KEY_FILE, file, "cannot be read: " + e.getMessage());
      }
    }
    org.apache.kafka.common.config.types.Password key = getPassword(SNAPSHOT_SIGNING_KEY);
    return key == null || key.value().isBlank() ? null : key.value();
  }

  /** Every setting at its default, for one instance (the brokers a placeholder: no client is built from it). */
  public static AppConfig defaults(String instanceId) {
    return new AppConfig(Map.of(BOOTSTRAP_SERVERS, "localhost:9092", INSTANCE_ID, instanceId));
  }

  /**
   * The Kafka client properties: every key not declared here, unchanged, plus the validated {@link #FORWARDED}
   * keys that are set.
   */
  public Properties kafkaProperties() {
    Properties props = new Properties();
    Map<String, Object> passThrough = passThrough(originals());
    passThrough.forEach((k, v) -> props.put(k, v instanceof String ? v : String.valueOf(v)));
    props.put(BOOTSTRAP_SERVERS, String.join(",", bootstrapServers()));
    for (String key : List.of(APPLICATION_ID, STATE_DIR, PROCESSING_GUARANTEE, SCHEMA_REGISTRY_URL)) {
      String value = getString(key);
      if (value != null && !value.isBlank()) {
        props.put(key, value);
      }
    }
    return props;
  }

  /** The entries of {@code settings} that are Kafka client settings under the pass-through rule. */
  public static Map<String, Object> passThrough(Map<String, ?> settings) {
    Map<String, Object> out = new LinkedHashMap<>();
    Set<String> declared = DEFINITION.names();
    settings.forEach((k, v) -> {
      if (!declared.contains(k) && !k.startsWith(LEARNER_OPTION_PREFIX)) {
        out.put(k, v);
      }
    });
    return out;
  }

  /** True if {@code key} is one of ours (declared, or a learner option), i.e. not passed through. */
  public static boolean isDeclared(String key) {
    return DEFINITION.names().contains(key) || key.startsWith(LEARNER_OPTION_PREFIX);
  }
}
