package io.autoactivator.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

import io.autoactivator.schemas.LabelScore;
import io.autoactivator.schemas.Prediction;
import io.autoactivator.schemas.PredictionRequest;
import io.autoactivator.schemas.PredictionStatus;

/**
 * The thread's reused encoder writes every record byte for byte as Avro's own message encoder does, whatever came
 * before it on the thread (a larger record, a write that failed halfway), and an answer's encoding allocates little
 * more than its result.
 */
class EncodeBufferTest {

    private final AvroSerde<Prediction> answers = AvroSerdes.serde(Prediction.class);
    private final AvroSerde<PredictionRequest> requests = AvroSerdes.serde(PredictionRequest.class);

    @Test
    void everyRecordIsWhatAvrosMessageEncoderWritesWhateverCameBefore() throws Exception {
        List<Object> records = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            records.add(answer("q-" + i));
            records.add(request(i * 997)); // up to ~76 KB: past the retained size
        }
        for (Object record : records) {
            if (record instanceof Prediction p) {
                assertThat(answers.serializer().serialize("t", p)).isEqualTo(bytes(Prediction.getEncoder().encode(p)));
            } else {
                PredictionRequest r = (PredictionRequest) record;
                assertThat(requests.serializer().serialize("t", r))
                        .isEqualTo(bytes(PredictionRequest.getEncoder().encode(r)));
            }
        }
    }

    @Test
    void aWriteThatFailsHalfwayLeavesNothingForTheNextRecord() throws Exception {
        PredictionRequest broken = request(300);
        broken.setModelId(null); // written after requestId: fails with bytes already in the buffer
        assertThatThrownBy(() -> requests.serializer().serialize("t", broken))
                .isInstanceOf(SerializationException.class);

        PredictionRequest next = request(3);
        assertThat(requests.serializer().serialize("t", next))
                .isEqualTo(bytes(PredictionRequest.getEncoder().encode(next)));
    }

    @Test
    void anAnswerAllocatesLittleMoreThanItsBytes() {
        Prediction p = answer("q-1");
        int size = answers.serializer().serialize("t", p).length;
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        for (int i = 0; i < 20_000; i++) { // compiled before it is counted
            answers.serializer().serialize("t", p);
        }
        long before = threads.getThreadAllocatedBytes(thread);
        int n = 10_000;
        for (int i = 0; i < n; i++) {
            answers.serializer().serialize("t", p);
        }
        long perRecord = (threads.getThreadAllocatedBytes(thread) - before) / n;

        // a fresh Avro buffered encoder alone is 2 KB; the result is ~size bytes plus Avro's per-write objects
        assertThat(perRecord).as("bytes allocated per %d-byte answer", size).isLessThan(1024);
    }

    private static Prediction answer(String id) {
        return Prediction.newBuilder().setRequestId(id).setModelId("m").setPredictedLabel(3)
                .setTopK(List.of(new LabelScore(3, 0.9f), new LabelScore(1, 0.05f))).setFiredTaskId("task-1")
                .setModelVersion(4L).setStatus(PredictionStatus.OK).setReceivedAt(Instant.ofEpochMilli(1_000))
                .setAnsweredAt(Instant.ofEpochMilli(1_002)).setQueueMicros(120L).setInferenceMicros(800L).build();
    }

    private static PredictionRequest request(int features) {
        List<Float> values = new ArrayList<>(features);
        for (int i = 0; i < features; i++) {
            values.add(i * 0.25f);
        }
        return new PredictionRequest("r", "m", values, null, Instant.ofEpochMilli(5));
    }

    private static byte[] bytes(ByteBuffer buffer) {
        return Arrays.copyOfRange(buffer.array(), buffer.arrayOffset() + buffer.position(),
                buffer.arrayOffset() + buffer.limit());
    }
}
