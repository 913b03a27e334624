package io.autoactivator.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
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
 * Scenario 9, a serving instance SIGKILLed under load: two executables serve a two-partition query topic at 50
 * requests/s while a new version arrives; one is killed (no shutdown hook, answers acknowledged but not committed),
 * the other takes its partition over after the session timeout, the killed one comes back. Every request is
 * answered exactly once, OK: nothing is lost, and nothing the killed instance had answered is answered again (with
 * another version or the same).
 */
abstract class KillWhileServingScenario extends BrokerScenario {

  static final String MODEL = "digits";
  static final int[][] TASKS = {{0, 1}, {2, 3}};

  @RegisterExtension
  final AppProcesses apps = new AppProcesses();

  @Test
  void sigkillOfAServingInstanceLosesNoRequestAndAnswersNoneTwice() throws Exception {
    Deployment deployment = Learning.withDefaultLearner(Deployment.on(broker(), "kill-serving"))
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
          String id = String.format("k%06d", i);
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

      Thread.sleep(2_000);
      wire.publishTask(MODEL, "t1", TASKS[1], MnistSlices.train(40, TASKS[1]));
      Thread.sleep(1_000);
      a.kill();
      Thread.sleep(8_000); // b takes a's partition over once a's session expires
      a = apps.launch(deployment, "node-a").awaitReady(Duration.ofMinutes(2));
      awaitVersion(List.of(a, b), 2);
      Thread.sleep(2_000);
      running.set(false);
      loader.join();

      wire.predictions(l -> l.stream().map(p -> p.getRequestId().toString()).distinct().count() >= sent.size(),
          Duration.ofMinutes(2));
      List<Prediction> answers = wire.readAll(deployment.topics().predictions(), Prediction.class,
          Duration.ofSeconds(3));
      System.out.println("[kill while serving] " + sent.size() + " requests, answers by version "
          + Counting.countBy(answers, p -> p.getStatus() + " v" + p.getModelVersion()));
      Map<String, List<Long>> versions = answers.stream().collect(Collectors.groupingBy(
          p -> p.getRequestId().toString(), Collectors.mapping(Prediction::getModelVersion, Collectors.toList())));
      assertThat(versions).as("requests answered twice, with their versions")
          .allSatisfy((id, v) -> assertThat(v).as(id).hasSize(1));
      Counting.assertExactlyOnce("requests", sent.keySet(), answers, p -> p.getRequestId().toString());
      assertThat(answers).allSatisfy(p -> assertThat(p.getStatus()).as("status of %s (%s)", p.getRequestId(),
          p.getErrorMessage()).isEqualTo(PredictionStatus.OK));
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
