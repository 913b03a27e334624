package io.autoactivator.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import org.apache.kafka.clients.producer.RecordMetadata;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.autoactivator.it.support.AppProcess;
import io.autoactivator.it.support.AppProcesses;
import io.autoactivator.it.support.Counting;
import io.autoactivator.it.support.Deployment;
import io.autoactivator.it.support.Learning;
import io.autoactivator.it.support.MnistSlices;
import io.autoactivator.it.support.MnistSlices.Slice;
import io.autoactivator.it.support.Wire;
import io.autoactivator.schemas.Prediction;
import io.autoactivator.schemas.PredictionStatus;

/**
 * Scenario 5, rolling upgrade: two executables serve a two-partition query topic under continuous load; each is
 * restarted in turn (SIGTERM, start again on its state) while a new task trains and its snapshot arrives. Every
 * request is answered exactly once and OK, and within each query partition (served by one instance at a time)
 * the answering versions never go backwards.
 */
abstract class RollingUpgradeScenario extends BrokerScenario {

  static final String MODEL = "digits";
  static final int[][] TASKS = {{0, 1}, {2, 3}, {4, 5}};

  @RegisterExtension
  final AppProcesses apps = new AppProcesses();

  @Test
  void restartingEachInstanceInTurnLosesNoRequestAndNeverGoesBack() throws Exception {
    Deployment deployment = Learning.withDefaultLearner(Deployment.on(broker(), "rolling"))
        .with("topics.partitions", "2").with("consumer.session.timeout.ms", "6000");
    Slice load = MnistSlices.heldOut(10, 0, 1);
    Map<String, RecordMetadata> sent = new ConcurrentHashMap<>();
    AtomicBoolean running = new AtomicBoolean(true);

    AppProcess a = apps.launch(deployment, "node-a");
    AppProcess b = apps.launch(deployment, "node-b");
    a.awaitReady(Duration.ofMinutes(2));
    b.awaitReady(Duration.ofMinutes(2));
    try (Wire wire = new Wire(deployment); Wire loadWire = new Wire(deployment)) {
      wire.publishTask(MODEL, "t0", TASKS[0], MnistSlices.train(40, TASKS[0]));
      awaitVersion(List.of(a, b), 1);

      Thread loader = new Thread(() -> {
        int i = 0;
        while (running.get()) {
          String id = String.format("q%06d", i);
          sent.put(id, loadWire.send(deployment.topics().queries(), id,
              Wire.request(id, MODEL, load.features()[i % load.size()], null)));
          i++;
          try {
            Thread.sleep(20);
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "query-load");
      loader.start();

      wire.publishTask(MODEL, "t1", TASKS[1], MnistSlices.train(40, TASKS[1]));
      a.stop();
      a = apps.launch(deployment, "node-a").awaitReady(Duration.ofMinutes(2));
      awaitVersion(List.of(a, b), 2);

      wire.publishTask(MODEL, "t2", TASKS[2], MnistSlices.train(40, TASKS[2]));
      b.stop();
      b = apps.launch(deployment, "node-b").awaitReady(Duration.ofMinutes(2));
      awaitVersion(List.of(a, b), 3);
      Thread.sleep(1000);
      running.set(false);
      loader.join();

      List<Prediction> answers = wire.predictions(l -> l.stream().map(p -> p.getRequestId().toString()).distinct()
          .count() >= sent.size(), Duration.ofMinutes(2));
      answers = wire.readAll(deployment.topics().predictions(), Prediction.class, Duration.ofSeconds(3));
      System.out.println("[rolling upgrade] " + sent.size() + " requests, answers by version "
          + Counting.countBy(answers, p -> p.getStatus() + " v" + p.getModelVersion()));
      Counting.assertExactlyOnce("requests", sent.keySet(), answers, p -> p.getRequestId().toString());
      assertThat(answers).allSatisfy(p -> assertThat(p.getStatus()).as("status of %s (%s)", p.getRequestId(),
          p.getErrorMessage()).isEqualTo(PredictionStatus.OK));

      Map<Integer, List<Prediction>> byPartition = answers.stream().collect(Collectors.groupingBy(
          p -> sent.get(p.getRequestId().toString()).partition()));
      byPartition.forEach((partition, list) -> {
        List<Long> versions = new ArrayList<>(list.stream()
            .sorted(Comparator.comparingLong(p -> sent.get(p.getRequestId().toString()).offset()))
            .map(Prediction::getModelVersion).toList());
        assertThat(versions).as("versions answering query partition %d, in request order", partition).isSorted();
      });
      a.stop();
      b.stop();
    }
  }

  private static void awaitVersion(List<AppProcess> instances, long version) {
    for (AppProcess p : instances) {
      Awaitility.await(p.instanceId() + " serves version " + version).atMost(Duration.ofMinutes(3))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> p.metric("autoactivator_model_version").orElse(0) >= version);
    }
  }
}
