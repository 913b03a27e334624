package io.autoactivator.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.autoactivator.it.support.Counting;
import io.autoactivator.it.support.Deployment;
import io.autoactivator.it.support.InProcessApp;
import io.autoactivator.it.support.MnistSlices;
import io.autoactivator.it.support.Wire;
import io.autoactivator.schemas.ModelSnapshot;
import io.autoactivator.schemas.Prediction;
import io.autoactivator.schemas.PredictionStatus;

/**
 * Scenario 8: snapshots above 20 MB (the analytic learner with 1700 random features keeps a 1700x1700 Gram matrix
 * in doubles, 23 MB) are chunked, published, reassembled and swapped in; the second replaces the first.
 */
abstract class LargeSnapshotScenario extends BrokerScenario {

  static final String MODEL = "big";
  static final long TWENTY_MB = 20L * 1024 * 1024;

  @Test
  void snapshotsAbove20MegabytesPublishAndSwap() {
    Deployment deployment = Deployment.on(broker(), "large")
        .with("learner", "analytic").with("learner.option.features", "1700");
    try (InProcessApp app = InProcessApp.start(deployment, "large-1"); Wire wire = new Wire(deployment)) {
      wire.publishTask(MODEL, "t1", new int[] {0, 1}, MnistSlices.train(30, 0, 1));
      app.awaitServing(MODEL, 1, Duration.ofMinutes(3));
      wire.publishTask(MODEL, "t2", new int[] {2, 3}, MnistSlices.train(30, 2, 3));
      app.awaitServing(MODEL, 2, Duration.ofMinutes(3));

      List<ModelSnapshot> records = wire.readAll(deployment.topics().snapshots(), ModelSnapshot.class,
          Duration.ofSeconds(1));
      Map<Long, List<ModelSnapshot>> versions = Counting.snapshotsByVersion(records, MODEL);
      assertThat(versions.keySet()).containsExactly(1L, 2L);
      versions.forEach((v, chunks) -> {
        ModelSnapshot head = chunks.get(0);
        long bytes = chunks.stream().mapToLong(c -> c.getPayload().remaining()).sum();
        System.out.printf("[large snapshot] version %d: %d bytes in %d chunks%n", v, bytes, chunks.size());
        assertThat(head.getByteSize()).as("declared size of version %d", v).isGreaterThanOrEqualTo(TWENTY_MB);
        assertThat(bytes).as("payload bytes on the topic").isEqualTo(head.getByteSize());
        assertThat(chunks).as("chunks").hasSizeGreaterThan(1);
      });

      List<String> ids = wire.query(MODEL, "big", MnistSlices.heldOut(5, 0, 1, 2, 3));
      List<Prediction> answers = wire.predictions(l -> l.size() >= ids.size(), Duration.ofMinutes(1));
      Counting.assertExactlyOnce("answers", ids, answers, p -> p.getRequestId().toString());
      assertThat(answers).allSatisfy(p -> {
        assertThat(p.getStatus()).isEqualTo(PredictionStatus.OK);
        assertThat(p.getModelVersion()).isEqualTo(2L);
      });
    }
  }
}
