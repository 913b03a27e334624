package io.autoactivator.app.buffer;

import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.autoactivator.app.kafka.AcceptedSample;
import io.autoactivator.app.kafka.RecordCodecs;
import io.autoactivator.app.kafka.StoreNames;
import io.autoactivator.app.records.Envelope;
import io.autoactivator.app.records.EnvelopeSerde;
import io.autoactivator.schemas.LabelledSample;

/**
 * Moves the entries of the task-buffer store of earlier releases (whole sample records) into the task-samples
 * store (where each lies on the samples topic), widening each task's offset ranges and byte counts, so that an
 * upgraded instance trains the tasks it had buffered from the samples topic. {@link TaskProcessor} runs it once per
 * partition, before its first record or sweep (in a processing context, so its writes join that commit); it deletes
 * the old entries as they move.
 */
final class LegacyBufferMigration {

  private static final Logger LOG = LoggerFactory.getLogger(LegacyBufferMigration.class);

  private final KeyValueStore<String, byte[]> legacy;
  private final AcceptedSamples accepted;
  private final KeyValueStore<String, TaskState> tasks;
  private final KeyValueStore<String, ModelState> models;
  private final RecordCodecs codecs;
  private final String samplesTopic;
  private boolean pending;

  LegacyBufferMigration(KeyValueStore<String, byte[]> legacy, AcceptedSamples accepted,
      KeyValueStore<String, TaskState> tasks, KeyValueStore<String, ModelState> models, RecordCodecs codecs,
      String samplesTopic) {
    this.legacy = legacy;
    this.accepted = accepted;
    this.tasks = tasks;
    this.models = models;
    this.codecs = codecs;
    this.samplesTopic = samplesTopic;
    try (KeyValueIterator<String, byte[]> all = legacy.all()) {
      this.pending = all.hasNext();
    }
  }

  /** True until {@link #runOnce} moved the old entries (or there were none). */
  boolean pending() {
    return pending;
  }

  /**
   * Moves the old entries, the first time it is called while there are any; does nothing afterwards. True when it
   * ran (and so wrote the task and model states).
   */
  boolean runOnce() {
    if (!pending) {
      return false;
    }
    pending = false;
    long moved = 0;
    List<String> keys = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it = legacy.all()) {
      while (it.hasNext()) {
        KeyValue<String, byte[]> kv = it.next();
        keys.add(kv.key);
        Envelope e = EnvelopeSerde.decode(kv.value);
        LabelledSample s = codecs.samples().deserializer().deserialize(e.topic(), e.value());
        String modelId = s.getModelId().toString();
        TaskState task = tasks.get(StoreNames.taskKey(modelId, s.getTaskId().toString()));
        if (task == null || !e.topic().equals(samplesTopic) || e.partition() < 0) {
          LOG.error("buffered sample {} from {}-{}@{} cannot move to the log buffer (no task state, or not from"
              + " the samples topic {}); its task cannot train on it: abort the task (task-events ABORT) and"
              + " publish it again", kv.key, e.topic(), e.partition(), e.offset(), samplesTopic);
          continue;
        }
        String sampleId = s.getSampleId().toString();
        String taskId = s.getTaskId().toString();
        if (!accepted.contains(modelId, taskId, sampleId)) {
          int size = e.value().length;
          accepted.add(modelId, taskId, sampleId, new AcceptedSample(e.partition(), e.offset(), size, s.getLabel()));
          TaskState located = task.located(e.partition(), e.offset(), size);
          tasks.put(StoreNames.taskKey(located.modelId(), located.taskId()), located);
          ModelState model = models.get(modelId);
          models.put(modelId, (model != null ? model : ModelState.fresh(modelId)).buffering(size));
          moved++;
        }
      }
    }
    keys.forEach(legacy::delete);
    if (!keys.isEmpty()) {
      LOG.info("moved {} samples of the old task buffer to the log buffer (they are read back from {} at"
          + " training; its retention must still hold them)", moved, samplesTopic);
    }
    return true;
  }
}
