package io.autoactivator.app.topology;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;

import io.autoactivator.app.serve.CountingModel;
import io.autoactivator.app.buffer.ModelState;
import io.autoactivator.app.buffer.TaskState;
import io.autoactivator.app.config.AppSettings;
import io.autoactivator.app.config.Topics;
import io.autoactivator.app.kafka.AcceptedChunk;
import io.autoactivator.app.kafka.AcceptedSample;
import io.autoactivator.app.kafka.RecordCodecs;
import io.autoactivator.app.kafka.StoreNames;
import io.autoactivator.app.snapshot.ModelCatalog;
import io.autoactivator.schemas.BoundaryKind;
import io.autoactivator.schemas.DeadLetter;
import io.autoactivator.schemas.LabelledSample;
import io.autoactivator.schemas.ModelAction;
import io.autoactivator.schemas.ModelCommand;
import io.autoactivator.schemas.ModelSnapshot;
import io.autoactivator.schemas.Provenance;
import io.autoactivator.schemas.TaskBoundary;
import io.autoactivator.schemas.TaskSummary;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** The real topology in a TopologyTestDriver, with real in-process collaborators and typed helpers. */
final class TopologyFixture implements AutoCloseable {

  static final Topics TOPICS = Topics.withPrefix("t.");

  final AppSettings settings;
  final RecordCodecs codecs;
  final ModelCatalog catalog;
  final RecordingHandoff training = new RecordingHandoff();
  final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  final TopologyTestDriver driver;
  final Path stateDir;
  private final TestInputTopic<byte[], byte[]> samples;
  private final TestInputTopic<byte[], byte[]> boundaries;
  private final TestInputTopic<byte[], byte[]> snapshots;
  private final TestInputTopic<byte[], byte[]> commands;
  private final TestOutputTopic<String, byte[]> deadLetters;

  TopologyFixture() throws Exception {
    this(AppSettings.defaults("test").withTopics(TOPICS).withServing(4, Duration.ofMillis(50))
        .withIncompleteTaskTimeout(Duration.ofSeconds(10)));
  }

  TopologyFixture(AppSettings settings) throws Exception {
    this(settings, 1);
  }

  /** @param modelPartitions partitions of the by-model repartition topic the topology is told about */
  TopologyFixture(AppSettings settings, int modelPartitions) throws Exception {
    this(settings, modelPartitions, RecordCodecs.singleObject());
  }

  /** @param codecs how the topology reads its input topics (a schema registry's framing, say) */
  TopologyFixture(AppSettings settings, int modelPartitions, RecordCodecs codecs) throws Exception {
    this.settings = settings;
    this.codecs = codecs;
    this.catalog = new ModelCatalog(meters);
    stateDir = Files.createTempDirectory("ttd");
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "ttd");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    io.autoactivator.app.kafka.DeadLetterHandlers.install(props, TOPICS.deadLetters(), "test", 64 * 1024);
    driver = new TopologyTestDriver(TopologyFactory.build(settings,
        new TopologyFactory.Collaborators(codecs, catalog, training, meters, modelPartitions)), props, Instant.ofEpochMilli(0));
    ByteArraySerializer bytes = new ByteArraySerializer();
    samples = driver.createInputTopic(TOPICS.samples(), bytes, bytes);
    boundaries = driver.createInputTopic(TOPICS.taskEvents(), bytes, bytes);
    snapshots = driver.createInputTopic(TOPICS.snapshots(), bytes, bytes);
    commands = driver.createInputTopic(TOPICS.commands(), bytes, bytes);
    deadLetters = driver.createOutputTopic(TOPICS.deadLetters(), new StringDeserializer(),
        new ByteArrayDeserializer());
  }

  /** A sample with a key other than its model id: it crosses the repartition topic to its model's partition. */
  void sample(String model, String task, String id, int label, float... features) {
    samples.pipeInput("producer-key".getBytes(), sampleValue(model, task, id, label, features));
  }

  /** A sample keyed by its model id (the producers' contract): processed where it is. */
  void keyedSample(String model, String task, String id, int label, float... features) {
    samples.pipeInput(model.getBytes(java.nio.charset.StandardCharsets.UTF_8),
        sampleValue(model, task, id, label, features));
  }

  byte[] sampleValue(String model, String task, String id, int label, float... features) {
    List<Float> f = new java.util.ArrayList<>();
    for (float x : features) {
      f.add(x);
    }
    return codecs.samples().serializer().serialize(TOPICS.samples(), new LabelledSample(model, task, id, label, f,
        null));
  }

  /** True once any record was written to the by-model repartition topic. */
  boolean repartitioned() {
    return driver.producedTopicNames().stream().anyMatch(t -> t.contains(TopologyFactory.BY_MODEL));
  }

  void rawSample(byte[] value) {
    samples.pipeInput(null, value);
  }

  void start(String model, String task, Integer... classes) {
    boundary(model, task, BoundaryKind.START, null, classes);
  }

  void end(String model, String task, long count, Integer... classes) {
    boundary(model, task, BoundaryKind.END, count, classes);
  }

  void boundary(String model, String task, BoundaryKind kind, Long count, Integer... classes) {
    boundaries.pipeInput(null, codecs.boundaries().serializer().serialize(TOPICS.taskEvents(),
        new TaskBoundary(model, task, kind, Arrays.asList(classes), count, null)));
  }

  /**
   * A committed snapshot: the follower verified and loaded it into the catalog, and its final chunk passes through
   * the topology, as after the coordinator published it.
   */
  void committed(String model, long version, String... taskIds) {
    ModelSnapshot marker = marker(model, version, taskIds);
    catalog.install(model, version, CountingModel.twoClasses(0f), marker);
    snapshots.pipeInput((model + "/" + version + "/0").getBytes(),
        codecs.snapshots().serializer().serialize(TOPICS.snapshots(), marker));
  }

  /** A final chunk nobody verified or loaded: what anyone who can write the snapshot topic can send. */
  void forgedCommit(String model, long version, String... taskIds) {
    ModelSnapshot s = marker(model, version, taskIds);
    snapshots.pipeInput((model + "/" + version + "/0").getBytes(),
        codecs.snapshots().serializer().serialize(TOPICS.snapshots(), s));
  }

  void rawSnapshot(ModelSnapshot chunk) {
    snapshots.pipeInput((chunk.getModelId() + "/" + chunk.getVersion() + "/" + chunk.getChunkIndex()).getBytes(),
        codecs.snapshots().serializer().serialize(TOPICS.snapshots(), chunk));
  }

  void rawBoundary(byte[] value) {
    boundaries.pipeInput(null, value);
  }

  private static ModelSnapshot marker(String model, long version, String... taskIds) {
    List<TaskSummary> tasks = Arrays.stream(taskIds).map(t -> new TaskSummary(t, List.of(), 1, 1L)).toList();
    ModelSnapshot s = ModelSnapshot.newBuilder().setModelId(model).setVersion(version)
        .setParentVersion(version == 1 ? null : version - 1).setLearner("test").setTasks(tasks)
        .setClasses(List.of()).setParameterCount(0).setByteSize(0).setChecksum("sha256:" + model + version)
        .setProvenance(new Provenance(42L, "h", Map.of(), "dev")).setCreatedAt(Instant.EPOCH)
        .setChunkIndex(0).setChunkCount(1).setPayload(ByteBuffer.allocate(0)).build();
    return s;
  }

  void command(String model, ModelAction action, Long version) {
    commands.pipeInput(null, codecs.commands().serializer().serialize(TOPICS.commands(),
        new ModelCommand("c-" + System.nanoTime(), model, action, version, null, Instant.EPOCH)));
  }

  /** A command whose record has {@code timestampMs} (the producer's clock when it was written). */
  void command(String model, ModelAction action, Long version, long timestampMs) {
    commands.pipeInput(null, codecs.commands().serializer().serialize(TOPICS.commands(),
        new ModelCommand("c-" + System.nanoTime(), model, action, version, null, Instant.EPOCH)), timestampMs);
  }

  void rawCommand(byte[] value) {
    commands.pipeInput(null, value);
  }

  void advance(Duration d) {
    driver.advanceWallClockTime(d);
  }

  List<DeadLetter> deadLetters() {
    return deadLetters.readValuesToList().stream()
        .map(v -> codecs.deadLetters().deserializer().deserialize(TOPICS.deadLetters(), v)).toList();
  }

  TaskState task(String model, String task) {
    KeyValueStore<String, TaskState> store = driver.getKeyValueStore(StoreNames.TASK_STATE);
    return store.get(StoreNames.taskKey(model, task));
  }

  ModelState model(String model) {
    KeyValueStore<String, ModelState> store = driver.getKeyValueStore(StoreNames.MODEL_STATE);
    return store.get(model);
  }

  /** The task-samples store: where each accepted sample lies on the samples topic. */
  KeyValueStore<String, byte[]> buffer() {
    return driver.getKeyValueStore(StoreNames.TASK_SAMPLES);
  }

  long buffered(String model, String task) {
    return accepted(model, task).size();
  }

  /** Where the task's accepted sample {@code sampleId} lies, or null. */
  AcceptedSample accepted(String model, String task, String sampleId) {
    return accepted(model, task).get(sampleId);
  }

  /** The task's accepted samples by id, read from the task-samples store (chunks and per-sample keys). */
  Map<String, AcceptedSample> accepted(String model, String task) {
    Map<String, AcceptedSample> all = new TreeMap<>();
    String prefix = StoreNames.taskPrefix(model, task);
    try (var it = buffer().prefixScan(prefix, new StringSerializer())) {
      while (it.hasNext()) {
        var kv = it.next();
        if (StoreNames.isChunkKey(kv.key)) {
          AcceptedChunk.decode(kv.value).forEach(e -> all.put(e.sampleId(), e.sample()));
        } else {
          all.put(kv.key.substring(prefix.length()), AcceptedSample.decode(kv.value));
        }
      }
    }
    return all;
  }

  double deadLetterCount(String reason) {
    var counter = meters.find("autoactivator.dead.letters").tag("reason", reason).counter();
    return counter == null ? 0 : counter.count();
  }

  @Override
  public void close() {
    driver.close();
  }
}
