package io.autoactivator.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.clients.producer.RecordMetadata;
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
import io.autoactivator.schemas.ModelAction;
import io.autoactivator.schemas.ModelCommand;
import io.autoactivator.schemas.ModelSnapshot;
import io.autoactivator.schemas.Prediction;
import io.autoactivator.schemas.PredictionStatus;

/**
 * Scenario 7: once task 1 is trained, a barrage of sixteen kinds of bad input is interleaved with a good task 2
 * and good queries. Every bad record yields exactly one dead letter with its reason, pointing at that record's
 * topic and offset; every good sample is in the snapshot of task 2; every good query is answered OK; the
 * instance stays live throughout.
 */
abstract class BadInputScenario extends BrokerScenario {

  static final String MODEL = "digits";
  static final int[] FIRST = {0, 1};
  static final int[] SECOND = {4, 5, 6};

  @Test
  void everyBadRecordIsDeadLetteredOnceWithItsReasonAndEveryGoodOneProcessed() throws Exception {
    Deployment deployment = Learning.withDefaultLearner(Deployment.on(broker(), "bad-input"));
    Slice first = MnistSlices.train(40, FIRST);
    Slice second = MnistSlices.train(30, SECOND);
    Slice queries = MnistSlices.heldOut(5, FIRST);
    String samples = deployment.topics().samples();
    String events = deployment.topics().taskEvents();
    String queryTopic = deployment.topics().queries();
    String commands = deployment.topics().commands();
    Map<String, String> expectedReason = new LinkedHashMap<>(); // "topic@offset" -> reason (prefix)
    AtomicBoolean alwaysLive = new AtomicBoolean(true);

    try (InProcessApp app = InProcessApp.start(deployment, "bad-1"); Wire wire = new Wire(deployment)) {
      Thread watchdog = new Thread(() -> {
        while (!Thread.currentThread().isInterrupted()) {
          if (!app.app().isLive()) {
            alwaysLive.set(false);
          }
          try {
            Thread.sleep(50);
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "liveness-watch");
      watchdog.start();

      wire.publishTask(MODEL, "t1", FIRST, first);
      app.awaitServing(MODEL, 1, Duration.ofMinutes(3));

      float[] good = second.features()[0];
      float[] nan = good.clone();
      nan[3] = Float.NaN;
      List<Runnable> barrage = new ArrayList<>();
      barrage.add(() -> bad(expectedReason, "UNDECODABLE",
          wire.sendRaw(samples, null, MODEL, "not avro at all".getBytes(StandardCharsets.UTF_8))));
      barrage.add(() -> bad(expectedReason, "TOMBSTONE", wire.sendRaw(samples, null, MODEL, null)));
      barrage.add(() -> bad(expectedReason, "UNDECODABLE", wire.sendRaw(samples, null, MODEL,
          wire.encode(samples, Wire.request("wrong-type", MODEL, good, null)))));
      barrage.add(() -> bad(expectedReason, "INVALID_ID",
          wire.send(samples, MODEL, Wire.sample(MODEL, "t2/evil", "x1", 4, good))));
      barrage.add(() -> bad(expectedReason, "NON_FINITE",
          wire.send(samples, MODEL, Wire.sample(MODEL, "t2", "nan", 4, nan))));
      barrage.add(() -> bad(expectedReason, "WRONG_DIMENSION",
          wire.send(samples, MODEL, Wire.sample(MODEL, "t2", "short", 4, Arrays.copyOf(good, 10)))));
      barrage.add(() -> bad(expectedReason, "UNKNOWN_LABEL",
          wire.send(samples, MODEL, Wire.sample(MODEL, "t2", "label-9", 9, good))));
      barrage.add(() -> bad(expectedReason, "DUPLICATE_SAMPLE",
          wire.send(samples, MODEL, Wire.sample(MODEL, "t2", second, 0))));
      barrage.add(() -> bad(expectedReason, "TASK_ALREADY_TRAINED",
          wire.send(samples, MODEL, Wire.sample(MODEL, "t1", "late", 0, first.features()[0]))));
      barrage.add(() -> bad(expectedReason, "DUPLICATE_BOUNDARY",
          wire.send(events, MODEL, Wire.boundary(MODEL, "t2", BoundaryKind.START, SECOND, null))));
      barrage.add(() -> bad(expectedReason, "INCONSISTENT_BOUNDARY",
          wire.send(events, MODEL, Wire.boundary(MODEL, "t3", BoundaryKind.START, new int[0], null))));
      barrage.add(() -> bad(expectedReason, "CLASS_ALREADY_LEARNED",
          wire.send(events, MODEL, Wire.boundary(MODEL, "t4", BoundaryKind.START, new int[] {0, 7}, null))));
      barrage.add(() -> bad(expectedReason, "INVALID_QUERY",
          wire.send(queryTopic, "bad-query", Wire.request("bad-query", MODEL, Arrays.copyOf(good, 12), null))));
      barrage.add(() -> bad(expectedReason, "UNDECODABLE",
          wire.sendRaw(queryTopic, null, "garbage", new byte[] {(byte) 0xC3, 0x01, 0x02})));
      barrage.add(() -> bad(expectedReason, "UNKNOWN_MODEL",
          wire.send(commands, "nobody", command("c-unknown-model", "nobody", ModelAction.PROMOTE, null))));
      barrage.add(() -> bad(expectedReason, "UNKNOWN_VERSION",
          wire.send(commands, MODEL, command("c-unknown-version", MODEL, ModelAction.PIN, 99L))));

      // good task 2 with the barrage spread through it (START first, so the duplicate/label checks are defined)
      wire.send(events, MODEL, Wire.boundary(MODEL, "t2", BoundaryKind.START, SECOND, null));
      List<String> goodQueries = new ArrayList<>();
      int next = 0;
      for (int i = 0; i < second.size(); i++) {
        wire.send(samples, MODEL, Wire.sample(MODEL, "t2", second, i));
        if (i % 5 == 4 && next < barrage.size()) {
          barrage.get(next++).run();
          String id = "good-" + i;
          wire.send(queryTopic, id, Wire.request(id, MODEL, queries.features()[goodQueries.size() % queries.size()], null));
          goodQueries.add(id);
        }
      }
      while (next < barrage.size()) {
        barrage.get(next++).run();
      }
      wire.send(events, MODEL, Wire.boundary(MODEL, "t2", BoundaryKind.END, SECOND, (long) second.size()));

      List<DeadLetter> letters = wire.deadLetters(l -> l.size() >= expectedReason.size(), Duration.ofMinutes(2));
      wire.snapshots(l -> Counting.hasCompleteVersion(l, MODEL, 2), Duration.ofMinutes(3));
      letters = wire.readAll(deployment.topics().deadLetters(), DeadLetter.class, Duration.ofSeconds(2));
      Counting.assertExactlyOnce("dead letters per bad record", expectedReason.keySet(), letters,
          d -> d.getSourceTopic() + "-" + d.getSourcePartition() + "@" + d.getSourceOffset());
      for (DeadLetter d : letters) {
        String key = d.getSourceTopic() + "-" + d.getSourcePartition() + "@" + d.getSourceOffset();
        assertThat(d.getReason().toString()).as("reason of %s (%s)", key, d.getMessage())
            .startsWith(expectedReason.get(key));
        assertThat(d.getMessage().toString()).as("message of %s", key).isNotBlank();
      }
      System.out.println("[bad input] " + letters.size() + " dead letters: "
          + Counting.countBy(letters, d -> d.getReason().toString()));

      List<ModelSnapshot> snapshots = wire.readAll(deployment.topics().snapshots(), ModelSnapshot.class,
          Duration.ofSeconds(1));
      Map<Long, List<ModelSnapshot>> versions = Counting.snapshotsByVersion(snapshots, MODEL);
      assertThat(versions.keySet()).containsExactly(1L, 2L);
      assertThat(versions.get(2L).get(0).getTasks()).extracting(t -> t.getSampleCount())
          .as("every good sample trained on").containsExactly((long) first.size(), (long) second.size());

      List<String> allQueries = new ArrayList<>(goodQueries);
      allQueries.add("bad-query");
      List<Prediction> answers = wire.readAll(deployment.topics().predictions(), Prediction.class,
          Duration.ofSeconds(2));
      Counting.assertExactlyOnce("answers", allQueries, answers, p -> p.getRequestId().toString());
      assertThat(answers).allSatisfy(p -> assertThat(p.getStatus()).as("status of %s", p.getRequestId())
          .isEqualTo(p.getRequestId().toString().equals("bad-query") ? PredictionStatus.INVALID : PredictionStatus.OK));

      watchdog.interrupt();
      watchdog.join();
      assertThat(alwaysLive).as("the instance stayed live throughout").isTrue();
      assertThat(app.app().isReady()).as("and is ready at the end").isTrue();
    }
  }

  private static void bad(Map<String, String> expected, String reason, RecordMetadata where) {
    expected.put(where.topic() + "-" + where.partition() + "@" + where.offset(), reason);
  }

  static ModelCommand command(String id, String modelId, ModelAction action, Long version) {
    return ModelCommand.newBuilder().setCommandId(id).setModelId(modelId).setAction(action)
        .setTargetVersion(version).setReason("integration test").setIssuedAt(Instant.now()).build();
  }
}
