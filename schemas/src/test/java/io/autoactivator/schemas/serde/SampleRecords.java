package io.autoactivator.schemas.serde;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.apache.avro.specific.SpecificRecord;

import io.autoactivator.schemas.BoundaryKind;
import io.autoactivator.schemas.DeadLetter;
import io.autoactivator.schemas.LabelScore;
import io.autoactivator.schemas.LabelledSample;
import io.autoactivator.schemas.ModelAction;
import io.autoactivator.schemas.ModelCommand;
import io.autoactivator.schemas.ModelSnapshot;
import io.autoactivator.schemas.Prediction;
import io.autoactivator.schemas.PredictionRequest;
import io.autoactivator.schemas.PredictionStatus;
import io.autoactivator.schemas.Provenance;
import io.autoactivator.schemas.TaskBoundary;
import io.autoactivator.schemas.TaskSummary;

/** One realistic, fully populated instance of every record type (times in whole milliseconds). */
final class SampleRecords {

    static final Instant T0 = Instant.parse("2026-11-21T10:15:30.123Z");

    private SampleRecords() {
    }

    static LabelledSample labelledSample() {
        return LabelledSample.newBuilder()
                .setModelId("mnist-split")
                .setTaskId("task-0")
                .setSampleId("s-42")
                .setLabel(3)
                .setFeatures(List.of(0.0f, 0.25f, -1.5f, Float.MIN_VALUE, 1e6f, 0.5f, 0.75f, 1.0f))
                .setEventTime(T0)
                .build();
    }

    static TaskBoundary taskBoundaryEnd() {
        return TaskBoundary.newBuilder()
                .setModelId("mnist-split")
                .setTaskId("task-0")
                .setKind(BoundaryKind.END)
                .setClasses(List.of(0, 1))
                .setExpectedSampleCount(12_665L)
                .setEventTime(T0)
                .build();
    }

    static TaskBoundary taskBoundaryStart() {
        return TaskBoundary.newBuilder()
                .setModelId("mnist-split")
                .setTaskId("task-1")
                .setKind(BoundaryKind.START)
                .setClasses(List.of(2, 3))
                .setExpectedSampleCount(null)
                .setEventTime(null)
                .build();
    }

    static PredictionRequest predictionRequest() {
        return PredictionRequest.newBuilder()
                .setRequestId("req-7")
                .setModelId("mnist-split")
                .setFeatures(List.of(0.1f, 0.2f, 0.3f))
                .setPinnedVersion(4L)
                .setSentAt(T0)
                .build();
    }

    static Prediction prediction() {
        return Prediction.newBuilder()
                .setRequestId("req-7")
                .setModelId("mnist-split")
                .setPredictedLabel(3)
                .setTopK(List.of(new LabelScore(3, 0.91f), new LabelScore(2, 0.07f)))
                .setFiredTaskId("task-1")
                .setFiredUnitIndex(5)
                .setModelVersion(4L)
                .setStatus(PredictionStatus.OK)
                .setErrorMessage(null)
                .setReceivedAt(T0)
                .setAnsweredAt(T0.plusMillis(3))
                .setQueueMicros(1_200L)
                .setInferenceMicros(850L)
                .build();
    }

    static Prediction predictionWithoutModel() {
        return Prediction.newBuilder()
                .setRequestId("req-8")
                .setModelId("cifar")
                .setPredictedLabel(null)
                .setTopK(List.of())
                .setFiredTaskId(null)
                .setFiredUnitIndex(null)
                .setModelVersion(null)
                .setStatus(PredictionStatus.NO_MODEL)
                .setErrorMessage("model 'cifar' has no trained version yet")
                .setReceivedAt(T0)
                .setAnsweredAt(T0)
                .setQueueMicros(0L)
                .setInferenceMicros(0L)
                .build();
    }

    static ModelSnapshot modelSnapshotChunk() {
        return ModelSnapshot.newBuilder()
                .setModelId("mnist-split")
                .setVersion(4L)
                .setParentVersion(3L)
                .setLearner("autoactivator")
                .setTasks(List.of(
                        new TaskSummary("task-0", List.of(0, 1), 3, 12_665L),
                        new TaskSummary("task-1", List.of(2, 3), 4, 12_089L)))
                .setClasses(List.of(0, 1, 2, 3))
                .setParameterCount(123_456L)
                .setByteSize(987_654L)
                .setChecksum("sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")
                .setProvenance(new Provenance(42L, "sha256:abc123", Map.of("samples-0", 25_000L, "samples-1", 24_754L),
                        "0.1.0+6e4e9a3"))
                .setCreatedAt(T0)
                .setChunkIndex(1)
                .setChunkCount(3)
                .setPayload(ByteBuffer.wrap(new byte[] {1, 2, 3, (byte) 0xFF, 0, 127}))
                .build();
    }

    static ModelCommand modelCommand() {
        return ModelCommand.newBuilder()
                .setCommandId("cmd-1")
                .setModelId("mnist-split")
                .setAction(ModelAction.ROLLBACK)
                .setTargetVersion(3L)
                .setReason("accuracy on task-0 dropped")
                .setIssuedAt(T0)
                .build();
    }

    static DeadLetter deadLetter() {
        return DeadLetter.newBuilder()
                .setOriginalValue(ByteBuffer.wrap("{not avro}".getBytes(StandardCharsets.UTF_8)))
                .setOriginalKey(ByteBuffer.wrap("mnist-split".getBytes(StandardCharsets.UTF_8)))
                .setSourceTopic("samples")
                .setSourcePartition(2)
                .setSourceOffset(1_234L)
                .setErrorClass(RecordDecodingException.class.getName())
                .setReason("UNDECODABLE")
                .setMessage("Cannot decode LabelledSample from topic 'samples'")
                .setFailedAt(T0)
                .setAppInstanceId("autoactivator-0")
                .build();
    }

    /** Every record type at least once, plus the interesting null/empty variants. */
    static List<SpecificRecord> all() {
        return List.of(labelledSample(), taskBoundaryEnd(), taskBoundaryStart(), predictionRequest(), prediction(),
                predictionWithoutModel(), modelSnapshotChunk(), modelCommand(), deadLetter());
    }

    /** The generated top-level record classes, one per .avsc. */
    static List<Class<? extends SpecificRecord>> recordClasses() {
        return List.of(LabelledSample.class, TaskBoundary.class, PredictionRequest.class, Prediction.class,
                ModelSnapshot.class, ModelCommand.class, DeadLetter.class);
    }
}
