package io.autoactivator.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.autoactivator.app.cli.AutoActivatorCli;
import io.autoactivator.it.support.Deployment;
import io.autoactivator.it.support.InProcessApp;
import io.autoactivator.it.support.Learning;
import io.autoactivator.it.support.MnistSlices;
import io.autoactivator.it.support.Wire;
import io.autoactivator.schemas.ModelSnapshot;
import io.autoactivator.schemas.Prediction;
import io.autoactivator.schemas.PredictionStatus;

/**
 * Scenario 6: the CLI's promote, rollback, pin and unpin commands change the serving version on every instance
 * (two here), and the answers name that version; a pinned version stays while a newer snapshot arrives.
 */
abstract class RolloutCommandsScenario extends BrokerScenario {

  static final String MODEL = "digits";
  static final int[][] TASKS = {{0, 1}, {2, 3}, {4, 5}, {6, 7}};

  @Test
  void promoteRollbackAndPinChangeTheServingVersionEverywhere() {
    Deployment deployment = Learning.withDefaultLearner(Deployment.on(broker(), "rollout"));
    try (InProcessApp a = InProcessApp.start(deployment, "rollout-a");
        InProcessApp b = InProcessApp.start(deployment, "rollout-b");
        Wire wire = new Wire(deployment)) {
      List<InProcessApp> instances = List.of(a, b);
      for (int t = 0; t < 3; t++) {
        wire.publishTask(MODEL, "t" + t, TASKS[t], MnistSlices.train(40, TASKS[t]));
        for (InProcessApp i : instances) {
          i.awaitServing(MODEL, t + 1, Duration.ofMinutes(3));
        }
      }
      int round = 0;
      assertServing(wire, deployment, instances, 3, round++);

      cli(deployment, "rollback", "--model-id", MODEL);
      assertServing(wire, deployment, instances, 2, round++);

      cli(deployment, "promote", "--model-id", MODEL, "--version", "3");
      assertServing(wire, deployment, instances, 3, round++);

      cli(deployment, "pin", "--model-id", MODEL, "--version", "1");
      assertServing(wire, deployment, instances, 1, round++);

      wire.publishTask(MODEL, "t3", TASKS[3], MnistSlices.train(40, TASKS[3]));
      wire.snapshots(l -> l.stream().anyMatch(s -> s.getVersion() == 4 && s.getChunkIndex() == s.getChunkCount() - 1),
          Duration.ofMinutes(3));
      instances.forEach(i -> org.awaitility.Awaitility.await().atMost(Duration.ofMinutes(1))
          .until(() -> i.app().models().knownVersions(MODEL).contains(4L)));
      assertServing(wire, deployment, instances, 1, round++);

      cli(deployment, "unpin", "--model-id", MODEL);
      assertServing(wire, deployment, instances, 4, round++);

      List<ModelSnapshot> snapshots = wire.readAll(deployment.topics().snapshots(), ModelSnapshot.class,
          Duration.ofSeconds(1));
      assertThat(snapshots.stream().filter(s -> s.getChunkIndex() == 0).map(ModelSnapshot::getVersion).toList())
          .as("each version published once").containsExactly(1L, 2L, 3L, 4L);
    }
  }

  /** Every instance serves {@code version}, and fresh queries are answered once each by it. */
  private static void assertServing(Wire wire, Deployment deployment, List<InProcessApp> instances, long version,
      int round) {
    for (InProcessApp i : instances) {
      i.awaitServing(MODEL, version, Duration.ofSeconds(30));
    }
    List<String> ids = wire.query(MODEL, "round" + round, MnistSlices.heldOut(3, 0, 1));
    List<Prediction> answers = wire.predictions(l -> l.stream().filter(p -> ids.contains(p.getRequestId().toString()))
        .count() >= ids.size(), Duration.ofMinutes(1)).stream()
        .filter(p -> ids.contains(p.getRequestId().toString())).toList();
    assertThat(answers).hasSize(ids.size()).allSatisfy(p -> {
      assertThat(p.getStatus()).isEqualTo(PredictionStatus.OK);
      assertThat(p.getModelVersion()).as("version answering round %d", round).isEqualTo(version);
    });
  }

  private static void cli(Deployment deployment, String... args) {
    List<String> argv = new ArrayList<>(List.of(args));
    for (Map.Entry<String, String> e : deployment.settings().entrySet()) {
      if (e.getKey().startsWith("topic") || e.getKey().equals("schema.registry.url")) {
        argv.add("--set");
        argv.add(e.getKey() + "=" + e.getValue());
      }
    }
    argv.add("--bootstrap-servers");
    argv.add(deployment.broker().bootstrapServers());
    int exit = AutoActivatorCli.commandLine(new AutoActivatorCli(Map.of())).execute(argv.toArray(String[]::new));
    assertThat(exit).as("exit status of %s", argv).isZero();
  }
}
