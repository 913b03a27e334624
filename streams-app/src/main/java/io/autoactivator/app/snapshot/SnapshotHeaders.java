package io.autoactivator.app.snapshot;

import io.autoactivator.model.api.LearnedTask;
import io.autoactivator.model.snapshot.Provenance;
import io.autoactivator.model.snapshot.SnapshotBytes;
import io.autoactivator.schemas.ModelSnapshot;
import io.autoactivator.schemas.TaskSummary;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The {@code ModelSnapshot} header of a snapshot, built in this one function from the snapshot's
 * {@link Provenance} (the record the model and learner produce, which the payload carries too), so the header on
 * the topic and the header in the payload cannot disagree.
 */
public final class SnapshotHeaders {

  private SnapshotHeaders() {
  }

  /**
   * The header of one snapshot (chunk fields of a single chunk, payload empty: the publisher fills them in).
   *
   * @param provenance   where the snapshot came from
   * @param sampleCounts samples each task was trained on, by task id (0 for a task missing here)
   * @param payload      the snapshot payload and its checksum, computed as it was written ({@link SnapshotCodec#encode})
   * @param createdAt    when it was written (the header's only field outside the provenance)
   */
  public static ModelSnapshot of(Provenance provenance, Map<String, Long> sampleCounts, SnapshotBytes payload,
      Instant createdAt) {
    List<TaskSummary> tasks = new ArrayList<>();
    for (LearnedTask t : provenance.tasks()) {
      tasks.add(new TaskSummary(t.taskId(), Arrays.stream(t.classes()).boxed().toList(), t.units(),
          sampleCounts.getOrDefault(t.taskId(), 0L)));
    }
    return ModelSnapshot.newBuilder()
        .setModelId(provenance.modelId())
        .setVersion(provenance.version())
        .setParentVersion(provenance.parentVersion())
        .setLearner(provenance.learner())
        .setTasks(tasks)
        .setClasses(Arrays.stream(provenance.classes()).sorted().boxed().toList())
        .setParameterCount(provenance.parameterCount())
        .setByteSize(payload.length())
        .setChecksum(payload.checksum())
        .setProvenance(new io.autoactivator.schemas.Provenance(provenance.seed(), provenance.configHash(),
            provenance.dataOffsets(), provenance.codeVersion()))
        .setCreatedAt(createdAt)
        .setChunkIndex(0)
        .setChunkCount(1)
        .setPayload(ByteBuffer.allocate(0))
        .build();
  }

  /** The version of this code: the jar's Implementation-Version, or "dev" when run from classes. */
  public static String codeVersion() {
    String version = SnapshotHeaders.class.getPackage().getImplementationVersion();
    return version == null ? "dev" : version;
  }
}
