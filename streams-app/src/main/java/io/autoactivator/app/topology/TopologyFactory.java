package io.autoactivator.app.topology;

import io.autoactivator.app.buffer.StateSerdes;
import io.autoactivator.app.buffer.TaskMetrics;
import io.autoactivator.app.buffer.TaskProcessor;
import io.autoactivator.app.config.AppSettings;
import io.autoactivator.app.config.Limits;
import io.autoactivator.app.ingest.CommandValidator;
import io.autoactivator.app.ingest.DecodeProcessor;
import io.autoactivator.app.ingest.Decoded;
import io.autoactivator.app.kafka.AppTopics;
import io.autoactivator.app.kafka.BeforeCommitStore;
import io.autoactivator.app.kafka.DeadLetters;
import io.autoactivator.app.kafka.RecordCodecs;
import io.autoactivator.app.kafka.StoreNames;
import io.autoactivator.app.records.Envelope;
import io.autoactivator.app.records.EnvelopeSerde;
import io.autoactivator.app.records.Outbound;
import io.autoactivator.app.snapshot.ModelRegistry;
import io.autoactivator.app.train.TrainingHandoff;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The whole streaming topology, built in one place. Tests drive exactly this method with TopologyTestDriver and
 * real, in-process collaborators.
 *
 * <pre>
 * samples, task-events, model-snapshots (bytes) -> decode -> (bad) ---------------------------> dead-letters
 *                                                         -> (good, keyed by model id) ---------------------+
 *                                                         -> (good, other key; snapshot markers)            |
 *                                                            -> repartition "by-model" -------------------+ |
 *                                                            TaskProcessor [task-samples, task-state, <---+-+
 *                                                              model-state, task-buffer (legacy)]
 *                                                               -> dead-letters;  READY task -> TrainingHandoff
 * model-commands (bytes) -> CommandValidator -> dead-letters
 * </pre>
 *
 * Queries are not read here: the serving loop ({@code serve.ServingLoop}) answers them beside the topology, so that
 * an answer waits neither for this topology's transactions nor for its stream thread. Everything here stays
 * exactly-once: samples, boundaries, snapshots and commands.
 *
 * Everything leaves through one sink that routes {@link Outbound} records by their topic.
 *
 * <p>The samples topic is the buffer. A sample keyed by its model id on the partition its id hashes to (the
 * producers' contract: the default partitioner puts it there when the input topics have the same partition count,
 * as the provisioner creates them) is processed where it is: read once, decoded once, and only where it lies
 * (partition, offset) and its id reach a changelog. Any other sample (another key, no key, another partition)
 * crosses the repartition topic once, to its model's partition, and is then accepted the same way; its origin on
 * the samples topic still locates it. Boundaries follow the same rule, snapshot markers always cross.
 */
public final class TopologyFactory {

  /** The repartition topic is {@code <application.id>-by-model-repartition}. */
  public static final String BY_MODEL = "by-model";

  private TopologyFactory() {
  }

  /**
   * What the topology talks to besides Kafka.
   *
   * @param codecs   value serdes of every topic
   * @param registry loaded models (serving, command checks, "is this snapshot already committed")
   * @param training where READY tasks are handed off the stream thread
   * @param meters   where the topology's metrics go
   * @param modelPartitions partitions of the by-model repartition topic, the largest count of the samples,
   *                 task-events and snapshot topics ({@code TopicProvisioner.provision} answers it): a sample keyed
   *                 by model id on the partition its id hashes to among them is processed in place; 0 (unknown)
   *                 sends every record through the repartition topic
   */
  public record Collaborators(RecordCodecs codecs, ModelRegistry registry, TrainingHandoff training,
      MeterRegistry meters, int modelPartitions) {

    /** Collaborators that do not know the partition counts: every record is repartitioned. */
    public Collaborators(RecordCodecs codecs, ModelRegistry registry, TrainingHandoff training, MeterRegistry meters) {
      this(codecs, registry, training, meters, 0);
    }
  }

  /** Builds the topology; registers the buffered-samples gauge on the collaborators' meter registry. */
  public static Topology build(AppSettings settings, Collaborators c) {
    StreamsBuilder builder = new StreamsBuilder();
    AppTopics topics = AppTopics.of(settings.topics(), c.codecs());
    DeadLetters deadLetters = new DeadLetters(settings.instanceId(), topics.deadLetters(), c.meters(),
        settings.limits().deadLetterValueBytes());
    AtomicLong buffered = new AtomicLong();
    Gauge.builder("autoactivator.buffered.samples", buffered, AtomicLong::get)
        .description("samples buffered on this instance, waiting for their task to train").strongReference(true)
        .register(c.meters());
    TaskMetrics taskMetrics = new TaskMetrics(c.meters(), buffered);

    // Every sample changes its task's open chunk of accepted samples (where they lie on the samples topic, some
    // dozens per chunk) and its task and model states: the task processor keeps those changes in memory and writes
    // them once per commit, from the hook of the stores' outer layer (BeforeCommitStore), into the record caches,
    // so the changelogs get one record per key and commit. The legacy task buffer is only read (and emptied) once,
    // by an upgraded instance.
    builder.addStateStore(hookedStore(StoreNames.TASK_SAMPLES, Serdes.ByteArray()));
    builder.addStateStore(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(StoreNames.LEGACY_TASK_BUFFER), Serdes.String(), Serdes.ByteArray()));
    builder.addStateStore(hookedStore(StoreNames.TASK_STATE, StateSerdes.taskState()));
    builder.addStateStore(hookedStore(StoreNames.MODEL_STATE, StateSerdes.modelState()));

    KStream<String, Decoded> ingest = decode(builder, settings.topics().samples(), Envelope.Kind.SAMPLE, c,
        deadLetters, settings.limits())
        .merge(decode(builder, settings.topics().taskEvents(), Envelope.Kind.BOUNDARY, c, deadLetters,
            settings.limits()))
        .merge(decode(builder, settings.topics().snapshots(), Envelope.Kind.SNAPSHOT, c, deadLetters,
            settings.limits()));
    deadLetter(ingest, "ingest");
    KStream<String, Decoded> good = ingest.filterNot((k, v) -> v.isRejected(), Named.as("ingest-accepted"));
    KStream<String, Decoded> moved = good.filterNot((k, v) -> v.keyedByModel(), Named.as("ingest-elsewhere"))
        .mapValues(Decoded::accepted, Named.as("ingest-envelopes"))
        .repartition(Repartitioned.with(Serdes.String(), new EnvelopeSerde()).withName(BY_MODEL))
        .mapValues(Decoded::repartitioned, Named.as("by-model-decoded"));
    good.filter((k, v) -> v.keyedByModel(), Named.as("ingest-in-place")).merge(moved, Named.as("tasks-in"))
        .process(() -> new TaskProcessor(c.codecs(), deadLetters, c.training(), c.registry(),
            settings.incompleteTaskTimeout(), settings.topics().samples(), settings.limits(), taskMetrics),
            Named.as("tasks"),
            StoreNames.TASK_SAMPLES, StoreNames.LEGACY_TASK_BUFFER, StoreNames.TASK_STATE, StoreNames.MODEL_STATE)
        .to(Outbound.router(), Produced.with(Serdes.String(), Outbound.serde()).withName("tasks-out"));

    builder.stream(settings.topics().commands(), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray())
            .withName("commands-source"))
        .process(() -> new CommandValidator(c.codecs(), deadLetters, c.registry()), Named.as("check-commands"))
        .to(Outbound.router(), Produced.with(Serdes.String(), Outbound.serde()).withName("commands-out"));
    return builder.build();
  }

  /** A persistent, cached, changelogged store of {@code name} with the commit hook's layer outside it. */
  private static <V> StoreBuilder<KeyValueStore<String, V>> hookedStore(String name, Serde<V> values) {
    return BeforeCommitStore.around(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.String(),
        values).withCachingEnabled());
  }

  private static KStream<String, Decoded> decode(StreamsBuilder builder, String topic, Envelope.Kind kind,
      Collaborators c, DeadLetters deadLetters, Limits limits) {
    String name = kind.name().toLowerCase();
    return builder.stream(topic, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName(name + "-source"))
        .process(() -> new DecodeProcessor(kind, c.codecs(), deadLetters, limits, c.modelPartitions()),
            Named.as("decode-" + name));
  }

  private static void deadLetter(KStream<String, Decoded> decoded, String name) {
    decoded.filter((k, v) -> v.isRejected()).mapValues(Decoded::rejected)
        .to(Outbound.router(), Produced.with(Serdes.String(), Outbound.serde()).withName(name + "-rejected"));
  }
}
