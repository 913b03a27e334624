package io.autoactivator.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.autoactivator.app.StreamingLearnerApp;
import io.autoactivator.app.buffer.TaskState;
import io.autoactivator.app.buffer.TaskStatus;
import io.autoactivator.app.config.AppSettings;
import io.autoactivator.app.config.Limits;
import io.autoactivator.app.config.Topics;
import io.autoactivator.app.embedded.EmbeddedKafka;
import io.autoactivator.app.kafka.KafkaClientConfigs;
import io.autoactivator.app.kafka.RecordCodecs;
import io.autoactivator.app.kafka.TopicProvisioner;
import io.autoactivator.schemas.BoundaryKind;
import io.autoactivator.schemas.LabelledSample;
import io.autoactivator.schemas.TaskBoundary;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * One task of N synthetic samples trained through the app (BENCHMARKS.md, "tasks larger than memory"): an embedded
 * broker (child JVM), the task's START, samples and END pre-produced, then {@code StreamingLearnerApp} in this JVM;
 * reports ingest time, time from all samples in to the version served, and the JVM's memory peaks while training
 * (heap used and committed, RSS). Run one JVM per size, with the heap under test:
 * {@code java -Xmx2g -cp benchmarks/target/benchmarks.jar io.autoactivator.bench.TaskScaleBench --samples 100000}.
 *
 * <p>The samples: two classes, each a Gaussian cloud (sd 1) around its own random centre in [0,1)^dimension, ids
 * zero-padded so that sample-id order is log order, all from one seed. Not a test: nothing runs it in the build.
 */
@Command(name = "task-scale-bench", mixinStandardHelpOptions = true,
    description = "Trains one task of N synthetic samples through the app and reports memory peaks.")
public final class TaskScaleBench implements Callable<Integer> {

  private static final String MODEL_ID = "scale";

  @Option(names = "--samples", defaultValue = "10000", description = "Samples in the task.")
  int samples;

  @Option(names = "--dimension", defaultValue = "784", description = "Features per sample.")
  int dimension;

  @Option(names = "--learner", defaultValue = "analytic", description = "Learner. Default: ${DEFAULT-VALUE}.")
  String learner;

  @Option(names = "--learner-options", defaultValue = "", description = "Learner options as k=v;k=v.")
  String learnerOptions;

  @Option(names = "--timeout-minutes", defaultValue = "30", description = "Longest wait for the served version.")
  int timeoutMinutes;

  @Option(names = "--json", description = "Also write the figures as JSON to this file.")
  Path json;

  public static void main(String[] args) {
    System.exit(new CommandLine(new TaskScaleBench()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Map<String, Object> results = new LinkedHashMap<>();
    results.put("samples", samples);
    results.put("dimension", dimension);
    results.put("learner", learner);
    results.put("maxHeapBytes", Runtime.getRuntime().maxMemory());
    results.put("loadAtStart", Files.readString(Path.of("/proc/loadavg")).trim());
    try (MemorySampler memory = new MemorySampler(20); EmbeddedKafka broker = EmbeddedKafka.start(
        EmbeddedKafka.DEFAULT_START_TIMEOUT, "1g")) {
      String prefix = "scale" + System.currentTimeMillis() + ".";
      Topics topics = Topics.withPrefix(prefix);
      AppSettings settings = AppSettings.defaults("scale-1").withTopics(topics)
          .withLearner(learner, Models.options(learnerOptions))
          .withLimits(Limits.defaults().withMaxTaskSamples(Math.max(samples, 1)));
      Properties kafka = new Properties();
      kafka.put("bootstrap.servers", broker.bootstrapServers());
      kafka.put(StreamsConfig.APPLICATION_ID_CONFIG, prefix + "app");
      kafka.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("scale-state").toString());
      kafka.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, "1");
      TopicProvisioner.provision(settings, KafkaClientConfigs.of(kafka));
      long produceStart = System.nanoTime();
      produce(broker.bootstrapServers(), topics);
      results.put("produceSeconds", (System.nanoTime() - produceStart) / 1e9);

      memory.reset();
      try (StreamingLearnerApp app = new StreamingLearnerApp(settings, kafka, new SimpleMeterRegistry())) {
        long appStart = System.nanoTime();
        app.start();
        long deadline = System.nanoTime() + Duration.ofMinutes(timeoutMinutes).toNanos();
        long allIn = -1;
        String outcome = "timeout";
        while (System.nanoTime() < deadline) {
          TaskState task = task(app);
          if (allIn < 0 && task != null && task.received() >= samples) {
            allIn = System.nanoTime();
            results.put("ingestSecondsFromAppStart", (allIn - appStart) / 1e9);
            results.put("memory.ingest", memory.peaks());
            memory.reset();
          }
          if (app.models().servingVersion(MODEL_ID).isPresent()) {
            outcome = "served";
            break;
          }
          if (task != null && task.status() == TaskStatus.QUARANTINED) {
            outcome = "quarantined (training failed " + task.attempts() + " times; see the log)";
            break;
          }
          Thread.sleep(20);
        }
        long end = System.nanoTime();
        results.put("outcome", outcome);
        if (allIn > 0) {
          results.put("trainingSecondsAllInToServed", (end - allIn) / 1e9);
        }
        results.put("memory.training", memory.peaks());
      }
    }
    results.put("loadAtEnd", Files.readString(Path.of("/proc/loadavg")).trim());
    String text = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(results);
    System.out.println(text);
    if (json != null) {
      Files.writeString(json, text);
    }
    return 0;
  }

  private static TaskState task(StreamingLearnerApp app) {
    try {
      return app.tasks().stream().filter(t -> t.modelId().equals(MODEL_ID)).findFirst().orElse(null);
    } catch (RuntimeException e) { // not queryable while (re)balancing
      return null;
    }
  }

  private void produce(String bootstrap, Topics topics) {
    RecordCodecs codecs = RecordCodecs.singleObject();
    Map<String, Object> props = new HashMap<>();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    SplittableRandom random = new SplittableRandom(42);
    float[][] centres = new float[2][dimension];
    for (float[] c : centres) {
      for (int j = 0; j < dimension; j++) {
        c[j] = (float) random.nextDouble();
      }
    }
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(),
        new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>(topics.taskEvents(), MODEL_ID, codecs.boundaries().serializer().serialize(
          topics.taskEvents(), new TaskBoundary(MODEL_ID, "t1", BoundaryKind.START, List.of(0, 1), null,
              Instant.now()))));
      for (int i = 0; i < samples; i++) {
        int label = i % 2;
        List<Float> features = new ArrayList<>(dimension);
        for (int j = 0; j < dimension; j++) {
          features.add((float) (centres[label][j] + gaussian(random)));
        }
        producer.send(new ProducerRecord<>(topics.samples(), MODEL_ID, codecs.samples().serializer().serialize(
            topics.samples(), new LabelledSample(MODEL_ID, "t1", String.format("s%09d", i), label, features,
                null))));
      }
      producer.send(new ProducerRecord<>(topics.taskEvents(), MODEL_ID, codecs.boundaries().serializer().serialize(
          topics.taskEvents(), new TaskBoundary(MODEL_ID, "t1", BoundaryKind.END, List.of(0, 1), (long) samples,
              Instant.now()))));
      producer.flush();
    }
  }

  /** A standard normal draw (Box-Muller, one of the pair). */
  private static double gaussian(SplittableRandom random) {
    double u = 1 - random.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
  }
}
