package io.autoactivator.app.buffer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

import io.autoactivator.app.config.Limits;
import io.autoactivator.app.ingest.Decoded;
import io.autoactivator.app.kafka.AcceptedChunk;
import io.autoactivator.app.kafka.AcceptedSample;
import io.autoactivator.app.kafka.DeadLetters;
import io.autoactivator.app.kafka.RecordCodecs;
import io.autoactivator.app.kafka.StoreNames;
import io.autoactivator.app.kafka.Topic;
import io.autoactivator.app.records.Envelope;
import io.autoactivator.app.records.EnvelopeSerde;
import io.autoactivator.app.records.Outbound;
import io.autoactivator.app.snapshot.ModelCatalog;
import io.autoactivator.app.train.TrainingHandoff;
import io.autoactivator.app.train.TrainingRequest;
import io.autoactivator.schemas.BoundaryKind;
import io.autoactivator.schemas.LabelledSample;
import io.autoactivator.schemas.TaskBoundary;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * An instance upgraded while a task was buffering: the old task-buffer store (whole sample records, restored from
 * its changelog) moves into the log buffer before the processor handles its first record or sweep, and the task
 * completes and trains as if nothing had happened.
 */
class LegacyBufferMigrationTest {

  private static final String SAMPLES = "samples";
  private final RecordCodecs codecs = RecordCodecs.singleObject();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final MockProcessorContext<String, Outbound> context = new MockProcessorContext<>();
  private final List<TrainingRequest> submitted = new ArrayList<>();

  @Test
  void theOldBufferMovesIntoTheLogBufferAndTheTaskTrainsOnceItsEndArrives() {
    KeyValueStore<String, byte[]> accepted = store(StoreNames.TASK_SAMPLES, Serdes.ByteArray());
    KeyValueStore<String, byte[]> legacy = store(StoreNames.LEGACY_TASK_BUFFER, Serdes.ByteArray());
    KeyValueStore<String, TaskState> tasks = store(StoreNames.TASK_STATE, StateSerdes.taskState());
    KeyValueStore<String, ModelState> models = store(StoreNames.MODEL_STATE, StateSerdes.modelState());
    // what a release before the log buffer left: an open task with two buffered samples (state layout 2)
    tasks.put("m/t1", TaskState.fresh("m", "t1", 0).withStart(new int[] {3, 4}, 0).withReceived(2, 0));
    models.put("m", new ModelState("m", List.of(), 0, 2, 0));
    byte[] a = sample("a", 3);
    byte[] b = sample("b", 4);
    legacy.put("m/t1/a", EnvelopeSerde.encode(new Envelope(Envelope.Kind.SAMPLE, SAMPLES, 0, 9, 1, null, a)));
    legacy.put("m/t1/b", EnvelopeSerde.encode(new Envelope(Envelope.Kind.SAMPLE, SAMPLES, 0, 5, 1, null, b)));

    AtomicLong buffered = new AtomicLong();
    TaskProcessor processor = new TaskProcessor(codecs, new DeadLetters("test", new Topic<>("dead-letters",
        Serdes.String(), codecs.deadLetters()), meters), handoff(), new ModelCatalog(meters),
        Duration.ofMinutes(10), SAMPLES, Limits.defaults(), new TaskMetrics(meters, buffered));
    context.setCurrentSystemTimeMs(1_000);
    processor.init(context);
    assertThat(legacy.approximateNumEntries()).as("moved in a processing context, not in init").isEqualTo(2);
    context.scheduledPunctuators().get(0).getPunctuator().punctuate(1_000);

    assertThat(legacy.approximateNumEntries()).as("the old buffer is emptied").isZero();
    assertThat(AcceptedChunk.decode(accepted.get(StoreNames.chunkKey("m", "t1", 0)))).containsExactly(
        new AcceptedChunk.Entry("a".getBytes(StandardCharsets.UTF_8), new AcceptedSample(0, 9, a.length, 3)),
        new AcceptedChunk.Entry("b".getBytes(StandardCharsets.UTF_8), new AcceptedSample(0, 5, b.length, 4)));
    assertThat(buffered.get()).isEqualTo(2);
    TaskState task = tasks.get("m/t1");
    assertThat(task.received()).isEqualTo(2);
    assertThat(task.ranges().toString()).isEqualTo("[0:5..9]");
    assertThat(task.bytes()).isEqualTo(a.length + b.length);
    assertThat(models.get("m").bufferedBytes()).isEqualTo(a.length + b.length);

    byte[] end = codecs.boundaries().serializer().serialize("task-events",
        new TaskBoundary("m", "t1", BoundaryKind.END, List.of(3, 4), 2L, null));
    processor.process(new Record<>("m", Decoded.repartitioned(new Envelope(Envelope.Kind.BOUNDARY, "task-events", 0,
        0, 2, null, end)), 2));
    assertThat(submitted).singleElement().satisfies(r -> {
      assertThat(r.taskId()).isEqualTo("t1");
      assertThat(r.expected()).isEqualTo(2);
    });
    assertThat(context.forwarded()).as("no dead letter").isEmpty();
  }

  @Test
  void aSampleWithoutItsTaskStateIsNotMovedTheOldEntriesGoAndASecondRunDoesNothing() {
    KeyValueStore<String, byte[]> acceptedStore = store(StoreNames.TASK_SAMPLES, Serdes.ByteArray());
    KeyValueStore<String, byte[]> legacy = store(StoreNames.LEGACY_TASK_BUFFER, Serdes.ByteArray());
    KeyValueStore<String, TaskState> tasks = store(StoreNames.TASK_STATE, StateSerdes.taskState());
    KeyValueStore<String, ModelState> models = store(StoreNames.MODEL_STATE, StateSerdes.modelState());
    tasks.put("m/t1", TaskState.fresh("m", "t1", 0).withStart(new int[] {3, 4}, 0).withReceived(1, 0));
    byte[] a = sample("a", 3);
    legacy.put("m/t1/a", EnvelopeSerde.encode(new Envelope(Envelope.Kind.SAMPLE, SAMPLES, 0, 9, 1, null, a)));
    legacy.put("m/t9/z", EnvelopeSerde.encode(new Envelope(Envelope.Kind.SAMPLE, SAMPLES, 0, 3, 1, null,
        codecs.samples().serializer().serialize(SAMPLES, new LabelledSample("m", "t9", "z", 3, List.of(1f, 2f),
            null)))));
    AtomicLong buffered = new AtomicLong();
    AcceptedSamples accepted = new AcceptedSamples(acceptedStore, new TaskMetrics(meters, buffered), false);
    LegacyBufferMigration migration = new LegacyBufferMigration(legacy, accepted, tasks, models, codecs, SAMPLES);

    assertThat(migration.runOnce()).as("it ran").isTrue();
    assertThat(legacy.approximateNumEntries()).isZero();
    assertThat(accepted.contains("m", "t1", "a")).isTrue();
    assertThat(accepted.contains("m", "t9", "z")).as("no task state: nothing to train it with").isFalse();
    assertThat(buffered.get()).isEqualTo(1);
    assertThat(models.get("m").bufferedBytes()).isEqualTo(a.length);

    legacy.put("m/t1/b", EnvelopeSerde.encode(new Envelope(Envelope.Kind.SAMPLE, SAMPLES, 0, 10, 1, null,
        sample("b", 4))));
    assertThat(migration.runOnce()).isFalse();
    assertThat(legacy.approximateNumEntries()).as("it runs once per partition").isEqualTo(1);
  }

  private TrainingHandoff handoff() {
    return new TrainingHandoff() {
      @Override
      public void submit(TrainingRequest request) {
        submitted.add(request);
      }

      @Override
      public boolean inFlight(String modelId, String taskId) {
        return false;
      }
    };
  }

  private byte[] sample(String id, int label) {
    return codecs.samples().serializer().serialize(SAMPLES, new LabelledSample("m", "t1", id, label,
        List.of(1f, 2f), null));
  }

  private <V> KeyValueStore<String, V> store(String name, Serde<V> values) {
    KeyValueStore<String, V> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name),
        Serdes.String(), values).withLoggingDisabled().build();
    store.init(context.getStateStoreContext(), store);
    context.addStateStore(store);
    return store;
  }
}
