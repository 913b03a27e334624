package io.autoactivator.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

import io.autoactivator.it.support.Counting;
import io.autoactivator.it.support.Deployment;
import io.autoactivator.it.support.InProcessApp;
import io.autoactivator.it.support.Learning;
import io.autoactivator.it.support.MnistSlices;
import io.autoactivator.it.support.MnistSlices.Slice;
import io.autoactivator.it.support.Wire;
import io.autoactivator.schemas.BoundaryKind;
import io.autoactivator.schemas.DeadLetter;
import io.autoactivator.model.snapshot.Provenance;
import io.autoactivator.model.snapshot.Snapshot;
import io.autoactivator.model.snapshot.SnapshotFormat;
import io.autoactivator.model.snapshot.SnapshotFormatException;
import io.autoactivator.schemas.ModelSnapshot;

/**
 * Scenario 2, interleaving: the same two tasks published once in order (START, samples, END, task by task) and
 * once scrambled - both boundaries of task 1 before any sample, the samples of both tasks shuffled together over
 * three partitions, task 2's START and END arriving in the middle of its own samples. Both deployments must
 * publish the same snapshots: same versions, same checksums, every sample counted, nothing dead-lettered.
 */
abstract class InterleavingScenario extends BrokerScenario {

  static final String MODEL = "digits";
  static final int[] FIRST = {0, 1, 2};
  static final int[] SECOND = {3, 4};
  static final int PER_CLASS = 60;

  @Test
  void scrambledStreamYieldsTheSnapshotsOfTheOrderedOne() throws Exception {
    Slice first = MnistSlices.train(PER_CLASS, FIRST);
    Slice second = MnistSlices.train(PER_CLASS, SECOND);

    Deployment ordered = Learning.withDefaultLearner(Deployment.on(broker(), "ordered"));
    Map<Long, String> orderedChecksums;
    try (InProcessApp app = InProcessApp.start(ordered, "ordered-1"); Wire wire = new Wire(ordered)) {
      wire.publishTask(MODEL, "t1", FIRST, first);
      wire.publishTask(MODEL, "t2", SECOND, second);
      orderedChecksums = checksums(wire, ordered);
    }

    Deployment scrambled = Learning.withDefaultLearner(Deployment.on(broker(), "scrambled"));
    try (Admin admin = broker().admin()) {
      admin.createTopics(List.of(new NewTopic(scrambled.topics().samples(), 3, (short) 1))).all().get();
    }
    Map<Long, String> scrambledChecksums;
    try (InProcessApp app = InProcessApp.start(scrambled, "scrambled-1"); Wire wire = new Wire(scrambled)) {
      String events = scrambled.topics().taskEvents();
      String samples = scrambled.topics().samples();
      wire.send(events, MODEL, Wire.boundary(MODEL, "t1", BoundaryKind.START, FIRST, null));
      wire.send(events, MODEL, Wire.boundary(MODEL, "t1", BoundaryKind.END, FIRST, (long) first.size()));

      List<Runnable> sends = new ArrayList<>();
      for (int i = 0; i < first.size(); i++) {
        int row = i;
        sends.add(() -> wire.sendRaw(samples, row % 3, "k" + row,
            wire.encode(samples, Wire.sample(MODEL, "t1", first, row))));
      }
      for (int i = 0; i < second.size(); i++) {
        int row = i;
        sends.add(() -> wire.sendRaw(samples, (row + 1) % 3, "k" + row,
            wire.encode(samples, Wire.sample(MODEL, "t2", second, row))));
      }
      Collections.shuffle(sends, new Random(7));
      for (int i = 0; i < sends.size(); i++) {
        if (i == sends.size() / 3) {
          wire.send(events, MODEL, Wire.boundary(MODEL, "t2", BoundaryKind.START, SECOND, null));
        }
        if (i == 2 * sends.size() / 3) {
          wire.send(events, MODEL, Wire.boundary(MODEL, "t2", BoundaryKind.END, SECOND, (long) second.size()));
        }
        sends.get(i).run();
      }
      scrambledChecksums = checksums(wire, scrambled);
      assertThat(wire.readAll(scrambled.topics().deadLetters(), DeadLetter.class, Duration.ofSeconds(1)))
          .as("dead letters of a scrambled but valid stream").isEmpty();
    }

    assertThat(scrambledChecksums).as("snapshots of the scrambled stream vs the ordered one")
        .isEqualTo(orderedChecksums).containsOnlyKeys(1L, 2L);
  }

  /**
   * Checksum of each version's snapshot with the data offsets left out, once both versions are complete; checks
   * sample counts and exactly-once chunks. The offsets are provenance (where the samples sat on the topics), and the
   * scrambled stream puts them elsewhere on purpose; everything else, weights included, must be byte-identical.
   */
  private static Map<Long, String> checksums(Wire wire, Deployment deployment) {
    List<ModelSnapshot> records = wire.snapshots(l -> Counting.hasCompleteVersion(l, MODEL, 2),
        Duration.ofMinutes(3));
    records = wire.readAll(deployment.topics().snapshots(), ModelSnapshot.class, Duration.ofSeconds(1));
    Map<Long, List<ModelSnapshot>> versions = Counting.snapshotsByVersion(records, MODEL);
    assertThat(versions.get(2L).get(0).getTasks()).extracting(t -> t.getSampleCount())
        .containsExactly((long) FIRST.length * PER_CLASS, (long) SECOND.length * PER_CLASS);
    Map<Long, String> checksums = new java.util.TreeMap<>();
    versions.forEach((v, chunks) -> checksums.put(v, checksumWithoutOffsets(chunks)));
    return checksums;
  }

  private static String checksumWithoutOffsets(List<ModelSnapshot> chunks) {
    ByteArrayOutputStream payload = new ByteArrayOutputStream();
    chunks.stream().sorted(Comparator.comparingInt(ModelSnapshot::getChunkIndex))
        .forEach(chunk -> {
          ByteBuffer bytes = chunk.getPayload().duplicate();
          byte[] copy = new byte[bytes.remaining()];
          bytes.get(copy);
          payload.writeBytes(copy);
        });
    try {
      Snapshot snapshot = SnapshotFormat.read(payload.toByteArray());
      Provenance p = snapshot.provenance();
      Provenance withoutOffsets = new Provenance(p.modelId(), p.version(), p.parentVersion(), p.learner(), p.seed(),
          p.options(), p.configHash(), p.tasks(), p.classes(), p.parameterCount(), Map.of(), p.codeVersion());
      return SnapshotFormat.checksum(SnapshotFormat.write(snapshot.model(), withoutOffsets));
    } catch (SnapshotFormatException e) {
      throw new AssertionError("published snapshot does not load: " + e.getMessage(), e);
    }
  }
}
