package io.autoactivator.app;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.autoactivator.app.buffer.TaskState;
import io.autoactivator.app.config.AppSettings;
import io.autoactivator.app.kafka.AppTopics;
import io.autoactivator.app.kafka.CopyableRecordSize;
import io.autoactivator.app.kafka.DeadLetterHandlers;
import io.autoactivator.app.kafka.KafkaClientConfigs;
import io.autoactivator.app.kafka.RecordCodecs;
import io.autoactivator.app.kafka.StoreNames;
import io.autoactivator.app.kafka.TopicProvisioner;
import io.autoactivator.app.ops.ManagedApp;
import io.autoactivator.app.serve.NativeThreads;
import io.autoactivator.app.serve.ServingClients;
import io.autoactivator.app.serve.ServingLoop;
import io.autoactivator.app.snapshot.ModelCatalog;
import io.autoactivator.app.snapshot.ModelRegistry;
import io.autoactivator.app.snapshot.SnapshotCodec;
import io.autoactivator.app.snapshot.SnapshotFollower;
import io.autoactivator.app.snapshot.SnapshotFormatCodec;
import io.autoactivator.app.snapshot.SnapshotPublisher;
import io.autoactivator.app.snapshot.SnapshotSigner;
import io.autoactivator.app.topology.TopologyFactory;
import io.autoactivator.app.train.SampleSource;
import io.autoactivator.app.train.TrainingCoordinator;
import io.autoactivator.model.api.IncrementalLearner;
import io.autoactivator.model.api.Learners;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * One instance of the streaming learner: the Kafka Streams topology ({@link TopologyFactory}), the training
 * coordinator that trains READY tasks off the stream threads, the snapshot publisher, the snapshot follower
 * that loads every committed snapshot into {@link #models()} and applies rollout commands, and the serving loop
 * ({@link ServingLoop}) that answers queries with those models once the follower has caught up.
 *
 * <p>Run it: build {@link AppSettings}, put {@code bootstrap.servers} and {@code application.id} (and any TLS/SASL
 * settings, passed unchanged to every client) in the properties, {@link #start()}, wait for {@link #isReady()}.
 * Produce {@code TaskBoundary} START, {@code LabelledSample}s and an END to the task-events and samples topics: a
 * snapshot appears on the snapshot topic and predictions on the predictions topic carry its version.
 * {@link #close()} stops within about 45 s; an interrupted training is redone by the next instance.
 */
public final class StreamingLearnerApp implements ManagedApp {

  private static final Logger LOG = LoggerFactory.getLogger(StreamingLearnerApp.class);

  private final AppSettings settings;
  private final KafkaClientConfigs clients;
  private final MeterRegistry meters;
  private final RecordCodecs codecs;
  private final AppTopics topics;
  private final ModelCatalog catalog;
  private final SnapshotCodec snapshotCodec;
  private final IncrementalLearner learner;
  private KafkaStreams streams;
  private KafkaProducer<String, byte[]> producer;
  private TrainingCoordinator coordinator;
  private SnapshotFollower follower;
  private ServingLoop serving;
  private Properties streamsProperties;

  /**
   * @param settings        what to learn and serve, and the topic names
   * @param kafkaProperties client settings: bootstrap.servers, application.id, TLS/SASL..., passed unchanged;
   *                        processing.guarantee defaults to exactly_once_v2 when absent, and
   *                        {@code KafkaDefaults} fills in batching, compression and fetch sizes
   * @param meters          where every metric is registered
   */
  public StreamingLearnerApp(AppSettings settings, Properties kafkaProperties, MeterRegistry meters) {
    this.settings = settings;
    this.clients = KafkaClientConfigs.forService(kafkaProperties);
    this.meters = meters;
    this.codecs = RecordCodecs.from(clients.all());
    this.topics = AppTopics.of(settings.topics(), codecs);
    this.catalog = new ModelCatalog(meters, settings.limits().retainedVersions());
    this.snapshotCodec = new SnapshotFormatCodec();
    this.learner = Learners.create(settings.learner(), settings.learnerOptions(), settings.seed());
  }

  /**
   * Creates missing topics (if the settings say so: {@link TopicProvisioner#provision}), starts the follower, the
   * coordinator and the topology.
   */
  @Override
  public synchronized void start() {
    if (streams != null) {
      throw new IllegalStateException("already started");
    }
    NativeThreads.apply(settings.serving().nativeThreads());
    int modelPartitions = TopicProvisioner.provision(settings, clients);
    SnapshotSigner signer = SnapshotSigner.of(settings.snapshotSigningKey());
    if (!signer.enabled()) {
      LOG.warn("snapshot.signing.key is not set: any client that can write {} can publish a model every instance"
          + " serves; set a key (and ACLs) on a shared cluster", settings.topics().snapshots());
    }
    follower = new SnapshotFollower(new KafkaConsumer<>(followerConfig()), topics.snapshots(), topics.commands(),
        snapshotCodec, catalog, settings.instanceId(), settings.limits(), signer);
    follower.start();
    SnapshotFollower caughtUp = follower;
    serving = ServingClients.loop(settings, clients, codecs, catalog, meters, caughtUp::caughtUp);
    serving.start();
    producer = new KafkaProducer<>(producerConfig());
    SnapshotPublisher publisher = new SnapshotPublisher(producer, topics.snapshots(), settings.snapshotChunkBytes(),
        meters, signer);
    SampleSource samples = new SampleSource(this::acceptedSamplesStore,
        () -> new KafkaConsumer<>(samplesReaderConfig()), settings.topics().samples(), codecs,
        Duration.ofSeconds(60));
    coordinator = new TrainingCoordinator(settings, learner, samples, catalog, snapshotCodec, publisher, meters);
    AppSettings topologySettings = settings.withLimits(CopyableRecordSize.fit(settings.limits(), clients));
    // the dead letters of records the broker refused are written by this producer (DeadLetterHandlers says why);
    // knowing the topic's partitions now, its first such letter waits for nothing
    try {
      producer.partitionsFor(settings.topics().deadLetters());
    } catch (org.apache.kafka.common.KafkaException e) {
      LOG.warn("the dead-letter topic {} cannot be described yet: {}", settings.topics().deadLetters(), e.toString());
    }
    streamsProperties = DeadLetterHandlers.install(clients.streams(), settings.topics().deadLetters(),
        settings.instanceId(), settings.limits().deadLetterValueBytes(), this::sendDeadLetter);
    streams = new KafkaStreams(TopologyFactory.build(topologySettings,
        new TopologyFactory.Collaborators(codecs, catalog, coordinator, meters, modelPartitions)),
        streamsProperties);
    streams.setUncaughtExceptionHandler(e -> {
      if (DeadLetterHandlers.registryUnavailable(e)) {
        // not the record's fault: a new thread retries the same records once the registry answers again
        LOG.error("stream thread failed: the schema registry cannot be reached; replacing the thread", e);
        return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
      }
      LOG.error("stream thread failed; shutting this instance down", e);
      return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    });
    streams.start();
    LOG.info("instance {} started (learner {}, topics {})", settings.instanceId(), learner.name(),
        settings.topics());
  }

  /**
   * True while Kafka Streams is neither in ERROR nor NOT_RUNNING (or not started), the follower and the serving
   * loop run.
   */
  @Override
  public boolean isLive() {
    KafkaStreams s = streams;
    if (s == null || !follower.live() || !serving.live()) {
      return false;
    }
    KafkaStreams.State state = s.state();
    return state != KafkaStreams.State.ERROR && state != KafkaStreams.State.NOT_RUNNING
        && state != KafkaStreams.State.PENDING_ERROR;
  }

  /**
   * True when Streams is RUNNING, the follower is healthy (alive, its last poll succeeded, every snapshot and
   * command present at start loaded) and the serving loop has subscribed to the queries topic (which it does only
   * once the follower caught up).
   */
  @Override
  public boolean isReady() {
    KafkaStreams s = streams;
    return s != null && s.state() == KafkaStreams.State.RUNNING && follower.healthy() && serving.ready();
  }

  /** The serving loop (null before {@link #start()}). */
  public ServingLoop serving() {
    return serving;
  }

  /** The Kafka Streams instance (null before {@link #start()}). */
  @Override
  public KafkaStreams kafkaStreams() {
    return streams;
  }

  /** The models this instance has loaded: serving, known and shadow versions per model id. */
  @Override
  public ModelRegistry models() {
    return catalog;
  }

  /** States of the tasks held by this instance's partitions (status, classes, counts), for status pages. */
  public List<TaskState> tasks() {
    List<TaskState> tasks = new ArrayList<>();
    ReadOnlyKeyValueStore<String, TaskState> store = streams.store(StoreQueryParameters.fromNameAndType(
        StoreNames.TASK_STATE, QueryableStoreTypes.<String, TaskState>keyValueStore()));
    try (KeyValueIterator<String, TaskState> it = store.all()) {
      it.forEachRemaining(kv -> tasks.add(kv.value));
    }
    return tasks;
  }

  /** Writes a dead letter of the production exception handler, outside Kafka Streams' producer. */
  private void sendDeadLetter(ProducerRecord<byte[], byte[]> letter) {
    producer.send(new ProducerRecord<>(letter.topic(), null, letter.timestamp(),
        letter.key() == null ? null : new String(letter.key(), StandardCharsets.UTF_8), letter.value()),
        (metadata, e) -> {
          if (e != null) {
            LOG.error("a dead letter could not be written to {}: dropped", letter.topic(), e);
          }
        });
  }

  private ReadOnlyKeyValueStore<String, byte[]> acceptedSamplesStore() {
    return streams.store(StoreQueryParameters.fromNameAndType(StoreNames.TASK_SAMPLES,
        QueryableStoreTypes.<String, byte[]>keyValueStore()));
  }

  /** Stops consuming, abandons training (redone after restart), closes every client; bounded in time. */
  @Override
  public synchronized void close() {
    if (serving != null) {
      serving.close(); // answers what it read, flushes, commits
    }
    if (streams != null) {
      // Leave the group so that the partitions move at once (not after the session timeout), unless the operator
      // chose static membership, where staying is the point.
      streams.close(CloseOptions.groupMembershipOperation(clients.staticMembership()
          ? CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP
          : CloseOptions.GroupMembershipOperation.LEAVE_GROUP).withTimeout(Duration.ofSeconds(30)));
    }
    try {
      if (coordinator != null) {
        coordinator.close();
      }
      if (follower != null) {
        follower.close();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (producer != null) {
      producer.close(Duration.ofSeconds(5));
    }
    if (streamsProperties != null) {
      DeadLetterHandlers.uninstall(streamsProperties);
    }
    LOG.info("instance {} closed", settings.instanceId());
  }

  private Map<String, Object> producerConfig() {
    Map<String, Object> config = clients.producer();
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, settings.snapshotChunkBytes() + TopicProvisioner.HEADROOM_BYTES);
    config.put(ProducerConfig.CLIENT_ID_CONFIG, settings.instanceId() + "-snapshots");
    config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    config.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
    return config;
  }

  /** Training reads a task back from the samples topic: group-less, committed records only, no offset reset. */
  private Map<String, Object> samplesReaderConfig() {
    Map<String, Object> config = KafkaClientConfigs.groupless(clients.consumer(), settings.instanceId()
        + "-task-reader", "read_committed");
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
    return config;
  }

  /** The follower reads the snapshot and command topics from the beginning, group-less, committed records only. */
  private Map<String, Object> followerConfig() {
    return KafkaClientConfigs.groupless(clients.consumer(), settings.instanceId() + "-follower", "read_committed");
  }
}
