package io.autoactivator.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.autoactivator.app.StreamingLearnerApp;
import io.autoactivator.app.config.AppSettings;
import io.autoactivator.app.config.Topics;
import io.autoactivator.app.embedded.EmbeddedKafka;
import io.autoactivator.app.kafka.AppTopics;
import io.autoactivator.app.kafka.KafkaClientConfigs;
import io.autoactivator.app.kafka.RecordCodecs;
import io.autoactivator.app.kafka.TopicProvisioner;
import io.autoactivator.app.snapshot.SnapshotCodec;
import io.autoactivator.app.snapshot.SnapshotFormatCodec;
import io.autoactivator.app.snapshot.SnapshotHeaders;
import io.autoactivator.app.snapshot.SnapshotPublisher;
import io.autoactivator.model.api.ClassIncrementalModel;
import io.autoactivator.model.api.TaskData;
import io.autoactivator.model.snapshot.Provenance;
import io.autoactivator.model.snapshot.SnapshotBytes;
import io.autoactivator.schemas.BoundaryKind;
import io.autoactivator.schemas.LabelledSample;
import io.autoactivator.schemas.ModelSnapshot;
import io.autoactivator.schemas.Prediction;
import io.autoactivator.schemas.PredictionRequest;
import io.autoactivator.schemas.TaskBoundary;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The end-to-end figures of BENCHMARKS.md, each next to its in-process limit measured in the same JVM:
 * training through the app vs the bare learner (1), serving throughput through the broker vs model.predict and the
 * GEMM roofline (2), latency at half the peak rate (3), a 10^7-parameter snapshot swapped on the running instance
 * (4), ingest rate into the task buffers (5), memory peaks while training (6).
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar io.autoactivator.bench.SystemBench --help}. Not a test:
 * nothing runs it during the build.
 */
@Command(name = "system-bench", mixinStandardHelpOptions = true,
    description = "End-to-end benchmark of the streaming learner (figures 1-6 of BENCHMARKS.md).")
public final class SystemBench implements Callable<Integer> {

  private static final String MODEL_ID = "bench";
  private static final String BIG_MODEL_ID = "bench-big";
  private static final String SMALL_MODEL_ID = "bench-small";

  @Option(names = "--bootstrap-servers", description = "Use this cluster instead of the embedded broker.")
  String bootstrapServers;

  @Option(names = "--data", description = "Data root (default: the model module's search, e.g. ../../shared/data).")
  String data;

  @Option(names = "--learner", defaultValue = "autoactivator", description = "Learner. Default: ${DEFAULT-VALUE}.")
  String learner;

  @Option(names = "--learner-options", defaultValue = "", description = "Learner options as k=v;k=v.")
  String learnerOptions;

  @Option(names = "--tasks", defaultValue = "5", description = "MNIST tasks. Default: ${DEFAULT-VALUE}.")
  int tasks;

  @Option(names = "--classes-per-task", defaultValue = "2", description = "Default: ${DEFAULT-VALUE}.")
  int classesPerTask;

  @Option(names = "--per-class", defaultValue = "0", description = "MNIST train rows per class, 0 = all.")
  int perClass;

  @Option(names = "--figures", defaultValue = "1,2,3,4,5,6", split = ",",
      description = "Figures to measure (1-6, and 'scaling' for figure 1's growth). Default: ${DEFAULT-VALUE}.")
  Set<String> figures;

  @Option(names = "--warm-ingest", description = "Figure 5: ingest the same records once into another app in this"
      + " JVM first (not reported), so that the measured ingest runs on JIT-compiled code like the plain producer's"
      + " second write does.")
  boolean warmIngest;

  @Option(names = "--ingest-repeat", defaultValue = "1", description = "Figure 5 alone: publish every MNIST sample"
      + " this many times, each copy with its own sample id (10: 600,000 samples, so the ingest window is seconds, not"
      + " a fraction of one). Default: ${DEFAULT-VALUE}.")
  int ingestRepeat;

  @Option(names = "--queries", defaultValue = "20000", description = "Queries per throughput run.")
  int queries;

  @Option(names = "--serving-timeout", defaultValue = "90",
      description = "Seconds a throughput run may take; the rate counts the answers received by then.")
  int servingTimeout;

  @Option(names = "--repeats", defaultValue = "3", description = "Repeats of figures 2 and 4 (medians).")
  int repeats;

  @Option(names = "--query-compression", defaultValue = "none",
      description = "compression.type of the bench's query producer in figures 2 and 3. Default: ${DEFAULT-VALUE}, as"
          + " a latency client would send 3 KB float vectors (lz4, sessions 1-5: every one-record batch allocated"
          + " ~130 KB in this JVM, whose collections then paused the app under test too).")
  String queryCompression;

  @Option(names = "--echo-floor", defaultValue = "true", negatable = true, fallbackValue = "true",
      description = "Figure 3: after each latency run, send the same requests at the same rate through a relay that"
          + " only copies them (Kafka's two hops without the service), the floor under the service's figures."
          + " Default: ${DEFAULT-VALUE}.")
  boolean echoFloor;

  @Option(names = "--latency-seconds", defaultValue = "15", description = "Length of the latency run.")
  int latencySeconds;

  @Option(names = "--latency-rates", defaultValue = "half", split = ",",
      description = "Request rates of the latency runs: numbers per second, or 'half' (of the measured peak)."
          + " Default: ${DEFAULT-VALUE}.")
  List<String> latencyRates;

  @Option(names = "--small-model", defaultValue = "true", negatable = true, fallbackValue = "true",
      description = "Also run the latency runs on a 16-feature, 10-class model (5 tasks of 2 Gaussian classes,"
          + " the learner's options), published as a snapshot: where the arithmetic is negligible, what remains is"
          + " Kafka and the service's plumbing. Default: ${DEFAULT-VALUE}.")
  boolean smallModel;

  @Option(names = "--serving-batch", defaultValue = "256", description = "Serving micro-batch size.")
  int servingBatch;

  @Option(names = "--serving-linger-ms", defaultValue = "5",
      description = "Ignored since the serving loop (it never lingers); kept so old commands still run.")
  int servingLingerMs;

  @Option(names = "--serving-threads", defaultValue = "1",
      description = "serving.threads: ND4J/OpenBLAS threads per native call (0: ND4J's defaults)."
          + " Default: ${DEFAULT-VALUE}.")
  int servingThreads;

  @Option(names = "--serving-queue", defaultValue = "1024", description = "serving.queue.size. Default: ${DEFAULT-VALUE}.")
  int servingQueue;

  @Option(names = "--kafka", paramLabel = "KEY=VALUE",
      description = "Extra Kafka Streams/client setting for the app, e.g. producer.linger.ms=5 (repeatable).")
  Map<String, String> kafkaOverrides = new LinkedHashMap<>();

  @Option(names = "--json", description = "Also write the figures as JSON to this file.")
  Path json;

  private final Map<String, Object> results = new LinkedHashMap<>();
  private final List<String[]> table = new ArrayList<>();
  private MemorySampler memory;

  public static void main(String[] args) {
    System.exit(new CommandLine(new SystemBench()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    memory = new MemorySampler(20);
    machine();
    Path root = BenchData.root(data);
    Map<String, String> options = Models.options(learnerOptions);
    List<TaskData> taskData = BenchData.mnistTasks(root, tasks, classesPerTask, perClass);
    if (ingestRepeat > 1) {
      if (!figures.equals(Set.of("5"))) {
        throw new CommandLine.ParameterException(new CommandLine(this),
            "--ingest-repeat is for figure 5 alone (--figures 5): the other figures train on the tasks");
      }
      taskData = taskData.stream().map(t -> repeated(t, ingestRepeat)).toList();
    }
    long samples = taskData.stream().mapToLong(TaskData::size).sum();
    results.put("sequence", Map.of("dataset", "mnist", "tasks", tasks, "classesPerTask", classesPerTask,
        "samples", samples, "learner", learner, "options", options));

    if (figures.contains("1") || figures.contains("6")) {
      directTraining(options, taskData);
    }
    if (figures.contains("scaling")) {
      scaling(root, options);
    }
    boolean needApp = figures.stream().anyMatch(f -> Set.of("1", "2", "3", "4", "5").contains(f));
    if (needApp) {
      EmbeddedKafka broker = null; // app-ops' KRaft broker in a child JVM, unless a cluster is given
      String bootstrap = bootstrapServers;
      if (bootstrap == null) {
        broker = EmbeddedKafka.start();
        bootstrap = broker.bootstrapServers();
      }
      try {
        if (warmIngest) {
          throughApp(bootstrap, options, taskData, samples, root, true); // JIT warm-up only: nothing reported
        }
        throughApp(bootstrap, options, taskData, samples, root, false);
      } finally {
        if (broker != null) {
          broker.close();
        }
      }
    }
    printTable();
    if (json != null) {
      results.put("table", table);
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), results);
    }
    memory.close();
    return 0;
  }

  // ---------------------------------------------------------------- figure 1 (direct) and 6

  private void directTraining(Map<String, String> options, List<TaskData> taskData) {
    memory.reset();
    Models.Trained trained = Models.train(learner, options, 42L, taskData);
    MemorySampler.Peaks peaks = memory.peaks();
    results.put("training.direct.secondsPerTask", trained.secondsPerTask());
    results.put("training.direct.seconds", trained.totalSeconds());
    results.put("training.direct.units", trained.model().units());
    results.put("training.direct.parameters", trained.model().parameterCount());
    results.put("memory.direct", peaks);
    row("1 training, bare learner (" + tasks + " tasks, " + trained.model().units() + " units)",
        String.format("%.1f s total; per task %s", trained.totalSeconds(), seconds(trained.secondsPerTask())),
        "<= 30 s", trained.totalSeconds() <= 30);
    row("6 memory while training (bare learner)", memoryText(peaks), "report", null);
  }

  private void scaling(Path root, Map<String, String> options) throws Exception {
    List<Map<String, Object>> rows = new ArrayList<>();
    record Case(String name, String learnerName, Map<String, String> opts, List<TaskData> tasks) {
    }
    List<Case> cases = new ArrayList<>();
    for (String nodes : List.of("100", "250", "500", "1000")) {
      Map<String, String> o = new HashMap<>(options);
      o.put("max.nodes", nodes);
      cases.add(new Case("mnist 5x2, max.nodes=" + nodes, learner, o,
          BenchData.mnistTasks(root, 5, 2, perClass)));
    }
    cases.add(new Case("mnist 10x1", learner, options, BenchData.mnistTasks(root, 10, 1, perClass)));
    List<TaskData> vowel = BenchData.tabularTasks(root, "mlbench-Vowel.csv.gz", null);
    cases.add(new Case("vowel " + vowel.size() + "x1", learner, options, vowel));
    List<TaskData> soybean = BenchData.tabularTasks(root, "mlbench-Soybean.csv.gz", "Class");
    cases.add(new Case("soybean " + soybean.size() + "x1 (complete rows)", learner, options, soybean));
    for (Case c : cases) {
      Models.Trained t = Models.train(c.learnerName(), c.opts(), 42L, c.tasks());
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("case", c.name());
      r.put("tasks", c.tasks().size());
      r.put("samples", c.tasks().stream().mapToInt(TaskData::size).sum());
      r.put("units", t.model().units());
      r.put("seconds", t.totalSeconds());
      r.put("secondsPerTask", t.secondsPerTask());
      rows.add(r);
      System.err.printf("scaling: %s: %d tasks, %d units, %.2f s %s%n", c.name(), c.tasks().size(),
          t.model().units(), t.totalSeconds(), seconds(t.secondsPerTask()));
      row("1 scaling: " + c.name(), String.format("%d units, %.1f s (%.2f s/task)", t.model().units(),
          t.totalSeconds(), t.totalSeconds() / c.tasks().size()), "report", null);
    }
    results.put("training.scaling", rows);
  }

  // ---------------------------------------------------------------- the app

  private void throughApp(String bootstrap, Map<String, String> options, List<TaskData> taskData, long samples,
      Path root, boolean warmUp) throws Exception {
    String prefix = "bench" + System.currentTimeMillis() + ".";
    Topics topics = Topics.withPrefix(prefix);
    AppSettings settings = AppSettings.defaults("bench-1").withTopics(topics).withLearner(learner, options)
        .withServing(servingBatch, Duration.ofMillis(servingLingerMs))
        .withServingLoop(new AppSettings.Serving(servingQueue, servingThreads, Duration.ofMillis(100)));
    Properties kafka = new Properties();
    kafka.put("bootstrap.servers", bootstrap);
    kafka.put(StreamsConfig.APPLICATION_ID_CONFIG, prefix + "app");
    kafka.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("bench-state").toString());
    kafka.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, "1");
    kafka.putAll(kafkaOverrides);
    results.put("kafkaOverrides", kafkaOverrides);
    TopicProvisioner.provision(settings, KafkaClientConfigs.of(kafka));
    RecordCodecs codecs = RecordCodecs.singleObject();

    // Figure 5: every task's START and samples are in the topics before the app starts, so ingest is neither
    // producer-bound nor sharing the cores with training (no END yet, so nothing trains). The records are encoded
    // once, up front; the same bytes are then written by a plain producer to a topic of the same layout nobody
    // reads (the broker's and a client's ceiling for these records on this machine, in this run), and to the
    // samples topic for the app.
    List<byte[]> encoded = new ArrayList<>();
    for (TaskData task : taskData) {
      encodeSamples(codecs, topics, task, encoded);
    }
    long produceStart = System.nanoTime();
    try (KafkaProducer<String, byte[]> producer = producer(bootstrap, 20)) {
      for (TaskData task : taskData) {
        publishStart(producer, codecs, topics, task);
      }
      for (byte[] value : encoded) {
        producer.send(new ProducerRecord<>(topics.samples(), MODEL_ID, value));
      }
      producer.flush();
    }
    double produceSeconds = (System.nanoTime() - produceStart) / 1e9;
    results.put("ingest.produceSeconds", produceSeconds);
    String reference = prefix + "reference-samples";
    try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
        Map.of("bootstrap.servers", bootstrap))) {
      admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(reference, settings.topicPartitions(),
          (short) 1))).all().get();
    }
    CpuClock.Reading referenceCpu = CpuClock.now();
    long referenceStart = System.nanoTime();
    try (KafkaProducer<String, byte[]> producer = producer(bootstrap, 20)) {
      for (byte[] value : encoded) {
        producer.send(new ProducerRecord<>(reference, MODEL_ID, value));
      }
      producer.flush();
    }
    double referenceSeconds = (System.nanoTime() - referenceStart) / 1e9;
    String referenceCost = CpuClock.now().perRecordSince(referenceCpu, encoded.size());
    results.put("ingest.plainProducerCpu", referenceCost);
    results.put("ingest.plainProducerSeconds", referenceSeconds);
    results.put("ingest.plainProducerSamplesPerSecond", encoded.size() / referenceSeconds);
    encoded.clear();
    double consumerRate = plainConsumerRate(bootstrap, topics.samples(), samples);
    results.put("ingest.plainConsumerSamplesPerSecond", consumerRate);

    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    memory.reset();
    long appStart = System.nanoTime();
    try (StreamingLearnerApp app = new StreamingLearnerApp(settings, kafka, meters);
         KafkaProducer<String, byte[]> ends = producer(bootstrap, 0)) {
      app.start();
      long firstBuffered = -1;
      long allBuffered = -1;
      CpuClock.Reading firstCpu = null;
      CpuClock.Reading allCpu = null;
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
      while (allBuffered < 0 && System.nanoTime() < deadline) {
        long received = receivedSamples(app);
        long now = System.nanoTime();
        if (received > 0 && firstBuffered < 0) {
          firstBuffered = now;
          firstCpu = CpuClock.now();
        }
        if (received >= samples) {
          allBuffered = now;
          allCpu = CpuClock.now();
        }
        Thread.sleep(5);
      }
      if (allBuffered < 0) {
        throw new IllegalStateException("the app did not buffer all " + samples + " samples within 10 min");
      }
      if (figures.contains("5") && warmUp) {
        System.err.printf("warm-up ingest (not reported): %,.0f samples/s%n",
            samples / Math.max((allBuffered - firstBuffered) / 1e9, 1e-9));
        return;
      }
      if (figures.contains("5")) {
        double ingestSeconds = (allBuffered - firstBuffered) / 1e9;
        double rate = samples / Math.max(ingestSeconds, 1e-9);
        results.put("ingest.seconds", ingestSeconds);
        results.put("ingest.samplesPerSecond", rate);
        results.put("ingest.appStartToFirstSampleSeconds", (firstBuffered - appStart) / 1e9);
        // the stricter of the two plain writes of the same records: the reference topic's, the samples topic's
        double plain = Math.max(samples / referenceSeconds, samples / produceSeconds);
        results.put("ingest.fractionOfPlainProducer", rate / plain);
        String ingestCost = allCpu.perRecordSince(firstCpu, samples);
        results.put("ingest.cpu", ingestCost);
        System.err.println("ingest " + ingestCost);
        System.err.println("ingest CPU by thread: " + allCpu.topThreadsSince(firstCpu, samples, 12));
        System.err.println("plain producer (reference topic) " + referenceCost);
        System.err.printf("plain read_committed consumer of the samples topic, same run: %,.0f samples/s"
            + " (ingest = %.0f %% of it)%n", consumerRate, 100 * rate / consumerRate);
        row("5 ingest into task buffers (" + samples + " samples pre-produced, nothing training)",
            String.format("%,.0f samples/s (%.1f s) = %.0f %% of a plain producer writing the same records"
                + " (reference topic %,.0f/s, samples topic %,.0f/s)", rate, ingestSeconds, 100 * rate / plain,
                samples / referenceSeconds, samples / produceSeconds), ">= 80 % of the plain producer", rate >= 0.8 * plain);
      }

      if (figures.stream().noneMatch(f -> Set.of("1", "2", "3", "4", "6").contains(f))) {
        streamThreadMetrics(app); // where the stream thread's time went during ingest
        return; // ingest only
      }
      // Figure 1 through the app: the ENDs arrive, every task is already buffered; time to each served version.
      memory.reset();
      long trainingStart = System.nanoTime();
      for (TaskData task : taskData) {
        publishEnd(ends, codecs, topics, task);
      }
      long[] servedAt = new long[taskData.size() + 1];
      deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(30);
      while (System.nanoTime() < deadline) {
        long version = app.models().servingVersion(MODEL_ID).orElse(0);
        long now = System.nanoTime();
        for (int v = 1; v <= Math.min(version, taskData.size()); v++) {
          if (servedAt[v] == 0) {
            servedAt[v] = now;
          }
        }
        if (version >= taskData.size()) {
          break;
        }
        Thread.sleep(20);
      }
      MemorySampler.Peaks appPeaks = memory.peaks();
      if (servedAt[taskData.size()] == 0) {
        throw new IllegalStateException("the app did not serve version " + taskData.size() + " within 30 min");
      }
      Timer training = meters.find("autoactivator.training.seconds").timer();
      double learnSeconds = training == null ? Double.NaN : training.totalTime(TimeUnit.NANOSECONDS) / 1e9;
      List<Double> perTask = new ArrayList<>();
      for (int v = 1; v <= taskData.size(); v++) {
        perTask.add((servedAt[v] - (v == 1 ? trainingStart : servedAt[v - 1])) / 1e9);
      }
      double appTotal = (servedAt[taskData.size()] - trainingStart) / 1e9;
      results.put("training.app.secondsToServeEachVersion", perTask);
      results.put("training.app.secondsEndsToLastVersion", appTotal);
      results.put("training.app.learnSeconds", learnSeconds);
      results.put("memory.app", appPeaks);
      if (figures.contains("1")) {
        row("1 training through the app (ENDs sent -> version " + taskData.size() + " served; samples buffered)",
            String.format("%.1f s total (learn() %.1f s); per version %s", appTotal, learnSeconds,
                seconds(perTask)), "<= 30 s", appTotal <= 30);
      }
      if (figures.contains("6")) {
        row("6 memory while training (whole app, same JVM)", memoryText(appPeaks), "report", null);
      }

      ClassIncrementalModel served = app.models().view(MODEL_ID).orElseThrow().servingModel();
      float[][] queryRows = BenchData.mnistTest(root, 0).features();
      double peak = Double.NaN;
      if (figures.contains("2") || figures.contains("3")) {
        peak = serving(bootstrap, codecs, topics, served, queryRows, options);
      }
      if (figures.contains("3")) {
        latencyFloor(served, queryRows, options);
        for (String rate : latencyRates) {
          boolean half = rate.equals("half");
          latency(bootstrap, codecs, topics, MODEL_ID, "mnist", queryRows,
              half ? peak / 2 : Double.parseDouble(rate), half ? "half peak" : "fixed rate");
        }
        if (smallModel) {
          float[][] smallRows = publishSmallModel(app, bootstrap, codecs, topics, settings, options);
          for (String rate : latencyRates) {
            boolean half = rate.equals("half");
            latency(bootstrap, codecs, topics, SMALL_MODEL_ID, "16 features", smallRows,
                half ? peak / 2 : Double.parseDouble(rate), half ? "half of the mnist peak" : "fixed rate");
          }
        }
      }
      if (figures.contains("2") || figures.contains("3")) {
        servingMetrics(meters);
      }
      if (figures.contains("4")) {
        snapshotSwap(app, bootstrap, codecs, topics, settings);
      }
    }
  }

  /** Where the serving loop's time went over every serving run: its own meters (queue, batch, inference). */
  private void servingMetrics(SimpleMeterRegistry meters) {
    Map<String, Object> found = new java.util.TreeMap<>();
    for (String name : List.of("autoactivator.serving.queue.time", "autoactivator.serving.inference.time",
        "autoactivator.prediction.latency")) {
      Timer t = meters.find(name).timer();
      if (t != null) {
        found.put(name, String.format("count %d, mean %.2f ms, max %.2f ms", t.count(),
            t.mean(TimeUnit.MICROSECONDS) / 1000, t.max(TimeUnit.MICROSECONDS) / 1000));
      }
    }
    var batches = meters.find("autoactivator.serving.batch.size").summary();
    if (batches != null) {
      found.put("autoactivator.serving.batch.size", String.format("count %d, mean %.1f, max %.0f",
          batches.count(), batches.mean(), batches.max()));
    }
    results.put("servingMetrics", found);
    found.forEach((k, v) -> System.err.printf("serving metric %s: %s%n", k, v));
  }

  /** Where the stream thread's time went during serving: Kafka Streams' own thread and producer metrics. */
  private void streamThreadMetrics(StreamingLearnerApp app) {
    Set<String> wanted = Set.of("commit-latency-avg", "commit-latency-max", "commit-rate", "poll-latency-avg",
        "process-latency-avg", "punctuate-latency-avg", "process-ratio", "commit-ratio", "poll-ratio",
        "punctuate-ratio", "txn-commit-time-ns-total", "txn-send-offsets-time-ns-total", "flush-time-ns-total",
        "request-latency-avg", "record-queue-time-avg", "batch-size-avg");
    Map<String, Object> found = new java.util.TreeMap<>();
    app.kafkaStreams().metrics().forEach((name, metric) -> {
      if (wanted.contains(name.name()) && (name.group().equals("stream-thread-metrics")
          || name.group().equals("producer-metrics"))) {
        found.put(name.group() + "/" + name.name(), metric.metricValue());
      }
    });
    results.put("streamsMetrics", found);
    found.forEach((k, v) -> System.err.printf("streams metric %s = %s%n", k, v));
  }

  private long receivedSamples(StreamingLearnerApp app) {
    try {
      return app.tasks().stream().filter(t -> t.modelId().equals(MODEL_ID)).mapToLong(t -> t.received()).sum();
    } catch (RuntimeException e) { // store not queryable while (re)balancing
      return -1;
    }
  }

  /** The START of a task; its samples follow, its END is sent later by {@link #publishEnd}. */
  private void publishStart(KafkaProducer<String, byte[]> producer, RecordCodecs codecs, Topics topics,
      TaskData task) {
    List<Integer> classes = Arrays.stream(task.classes()).boxed().toList();
    producer.send(new ProducerRecord<>(topics.taskEvents(), MODEL_ID, codecs.boundaries().serializer().serialize(
        topics.taskEvents(), new TaskBoundary(MODEL_ID, task.taskId(), BoundaryKind.START, classes, null,
            Instant.now()))));
  }

  /** The task's rows {@code times} over (the same row arrays; each copy gets its own sample ids when encoded). */
  private static TaskData repeated(TaskData task, int times) {
    int n = task.size();
    float[][] features = new float[n * times][];
    int[] labels = new int[n * times];
    for (int k = 0; k < times; k++) {
      System.arraycopy(task.features(), 0, features, k * n, n);
      System.arraycopy(task.labels(), 0, labels, k * n, n);
    }
    return new TaskData(task.taskId(), task.classes(), features, labels);
  }

  /** Every sample of a task, encoded as the samples topic carries it (keyed by the model id when sent). */
  private static void encodeSamples(RecordCodecs codecs, Topics topics, TaskData task, List<byte[]> out) {
    Instant now = Instant.now();
    for (int i = 0; i < task.size(); i++) {
      LabelledSample s = new LabelledSample(MODEL_ID, task.taskId(), task.taskId() + "-" + i, task.labels()[i],
          boxed(task.features()[i]), now);
      out.add(codecs.samples().serializer().serialize(topics.samples(), s));
    }
  }

  private void publishEnd(KafkaProducer<String, byte[]> producer, RecordCodecs codecs, Topics topics,
      TaskData task) {
    List<Integer> classes = Arrays.stream(task.classes()).boxed().toList();
    producer.send(new ProducerRecord<>(topics.taskEvents(), MODEL_ID, codecs.boundaries().serializer().serialize(
        topics.taskEvents(), new TaskBoundary(MODEL_ID, task.taskId(), BoundaryKind.END, classes,
            (long) task.size(), Instant.now()))));
    producer.flush();
  }

  // ---------------------------------------------------------------- figure 2

  private double serving(String bootstrap, RecordCodecs codecs, Topics topics, ClassIncrementalModel model,
      float[][] rows, Map<String, String> options) throws Exception {
    List<Double> e2e = new ArrayList<>();
    List<Double> inProcess = new ArrayList<>();
    List<Double> roofline = new ArrayList<>();
    INDArray batch = Nd4j.create(flatten(rows, servingBatch), new long[] {servingBatch, model.inputDimension()}, 'c');
    Roofline gemm = Roofline.of(model, Roofline.routerFeatures(learner, options), servingBatch);
    try (KafkaProducer<String, byte[]> producer = producer(bootstrap, 5, queryCompression);
         KafkaConsumer<String, byte[]> consumer = consumer(bootstrap, topics.predictions(), "read_committed")) {
      for (int r = 0; r < repeats; r++) {
        String prefix = "tp" + r + "-";
        // encoded before the clock starts: a client's Avro encoding is not the service's cost, and on 2 cores the
        // encoding thread competed with the app for a core
        byte[][] encoded = new byte[queries][];
        for (int i = 0; i < queries; i++) {
          encoded[i] = codecs.queries().serializer().serialize(topics.queries(), new PredictionRequest(prefix + i,
              MODEL_ID, boxed(rows[i % rows.length]), null, Instant.now()));
        }
        long start = System.nanoTime();
        Thread sender = new Thread(() -> {
          for (int i = 0; i < queries; i++) {
            producer.send(new ProducerRecord<>(topics.queries(), MODEL_ID, encoded[i]));
          }
          producer.flush();
        });
        sender.start();
        long answered = 0;
        long firstAnswer = 0;
        long lastAnswer = 0;
        long queueMicros = 0;
        Set<String> calls = new java.util.HashSet<>(); // one predict call = one (answeredAt, inferenceMicros)
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(servingTimeout);
        while (answered < queries && System.nanoTime() < deadline) {
          for (ConsumerRecord<String, byte[]> rec : consumer.poll(Duration.ofMillis(100))) {
            Prediction p = codecs.predictions().deserializer().deserialize(rec.topic(), rec.value());
            if (p.getRequestId().startsWith(prefix)) {
              answered++;
              queueMicros += p.getQueueMicros();
              calls.add(p.getAnsweredAt() + "/" + p.getInferenceMicros());
              lastAnswer = System.nanoTime();
              if (firstAnswer == 0) {
                firstAnswer = lastAnswer;
              }
            }
          }
        }
        sender.join();
        double rate = answered / ((lastAnswer - start) / 1e9);
        results.put("serving.run" + r + ".meanBatchRows", answered / (double) Math.max(1, calls.size()));
        results.put("serving.run" + r + ".meanQueueMs", queueMicros / 1000.0 / Math.max(1, answered));
        System.err.printf("serving run %d: %d predict calls for %d answers (%.1f rows/call), mean queue %.1f ms%n", r,
            calls.size(), answered, answered / (double) Math.max(1, calls.size()),
            queueMicros / 1000.0 / Math.max(1, answered));
        e2e.add(rate);
        inProcess.add(rate(() -> model.predict(batch), servingBatch));
        roofline.add(rate(gemm::forward, servingBatch));
        System.err.printf("serving run %d: %d/%d answered, e2e %.0f/s (steady %.0f/s), predict %.0f/s, gemm %.0f/s%n",
            r, answered, queries, rate, answered / ((lastAnswer - firstAnswer) / 1e9),
            inProcess.get(r), roofline.get(r));
      }
    }
    double wideGemm = Double.NaN;
    double widePredict = Double.NaN;
    int cores = Runtime.getRuntime().availableProcessors();
    if (servingThreads > 0 && servingThreads != cores) { // the same limits with one native thread per core
      io.autoactivator.app.serve.NativeThreads.apply(cores);
      wideGemm = rate(gemm::forward, servingBatch);
      widePredict = rate(() -> model.predict(batch), servingBatch);
      io.autoactivator.app.serve.NativeThreads.apply(servingThreads);
      results.put("serving.gemmPerSecondAllCoreThreads", wideGemm);
      results.put("serving.predictPerSecondAllCoreThreads", widePredict);
    }
    gemm.close();
    double medE2e = median(e2e);
    double medPredict = median(inProcess);
    double medGemm = median(roofline);
    double ratio = median(ratios(e2e, roofline));
    double ratioPredict = median(ratios(e2e, inProcess));
    results.put("serving.e2ePerSecond", e2e);
    results.put("serving.predictPerSecond", inProcess);
    results.put("serving.gemmPerSecond", roofline);
    results.put("serving.e2eOverGemm", ratio);
    results.put("serving.e2eOverPredict", ratioPredict);
    row("2 serving throughput, broker end to end (batch " + servingBatch + ")",
        String.format("%,.0f/s = %.0f%% of GEMM roofline %,.0f/s (%.0f%% of model.predict %,.0f/s)", medE2e,
            100 * ratio, medGemm, 100 * ratioPredict, medPredict), ">= 60% of roofline", ratio >= 0.6);
    if (!Double.isNaN(wideGemm)) {
      row(String.format("2 same limits with %d native threads (serving.threads=%d above)", cores, servingThreads),
          String.format("GEMM roofline %,.0f/s, model.predict %,.0f/s (e2e = %.0f%% of that roofline)", wideGemm,
              widePredict, 100 * medE2e / wideGemm), "report", null);
    }
    return medE2e;
  }

  /** One request alone: the GEMM roofline and model.predictChecked of one row, in the same JVM (figure 3's floor). */
  private void latencyFloor(ClassIncrementalModel model, float[][] rows, Map<String, String> options) {
    Roofline one = Roofline.of(model, Roofline.routerFeatures(learner, options), 1);
    INDArray row = Nd4j.create(rows[0], new long[] {1, model.inputDimension()}, 'c');
    double gemmMs = 1000 / rate(one::forward, 1);
    double predictMs = 1000 / rate(() -> model.predictChecked(row), 1);
    one.close();
    results.put("latency.floor.gemmOneRowMs", gemmMs);
    results.put("latency.floor.predictOneRowMs", predictMs);
    row("3 latency floor: one row alone, in process", String.format("GEMM roofline %.2f ms, model.predictChecked "
        + "%.2f ms", gemmMs, predictMs), "report", null);
  }

  private static double rate(Runnable call, int rowsPerCall) {
    for (int i = 0; i < 5; i++) {
      call.run();
    }
    long start = System.nanoTime();
    long calls = 0;
    while (System.nanoTime() - start < 3_000_000_000L) {
      call.run();
      calls++;
    }
    return calls * (double) rowsPerCall / ((System.nanoTime() - start) / 1e9);
  }

  // ---------------------------------------------------------------- figure 3

  private void latency(String bootstrap, RecordCodecs codecs, Topics topics, String modelId, String modelName,
      float[][] rows, double rate, String which)
      throws Exception {
    Map<String, Long> sent = new ConcurrentHashMap<>();
    Histogram committed = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
    Histogram uncommitted = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
    Histogram inApp = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
    Histogram inference = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
    AtomicLong total = new AtomicLong();
    String prefix = "lat" + Math.round(rate) + "-" + modelId + "-";
    List<byte[]> payloads = new ArrayList<>();
    try (KafkaProducer<String, byte[]> producer = producer(bootstrap, 0, queryCompression);
         KafkaConsumer<String, byte[]> readCommitted = consumer(bootstrap, topics.predictions(), "read_committed");
         KafkaConsumer<String, byte[]> readUncommitted = consumer(bootstrap, topics.predictions(),
             "read_uncommitted")) {
      int planned = (int) Math.ceil(rate * latencySeconds) + 1;
      byte[][] encoded = new byte[planned][]; // encoded before the clock starts, as in figure 2
      for (int i = 0; i < planned; i++) {
        encoded[i] = codecs.queries().serializer().serialize(topics.queries(), new PredictionRequest(prefix + i,
            modelId, boxed(rows[i % rows.length]), null, Instant.now()));
      }
      payloads.addAll(java.util.Arrays.asList(encoded));
      Thread sender = new Thread(() -> total.set(PacedRequests.send(producer, rate, latencySeconds, planned,
          i -> prefix + i, i -> new ProducerRecord<>(topics.queries(), modelId, encoded[i]), sent)));
      Thread other = new Thread(() -> collect(readUncommitted, codecs, prefix, sent, uncommitted, total, inApp,
          inference));
      sender.start();
      other.start();
      collect(readCommitted, codecs, prefix, sent, committed, total);
      sender.join();
      other.join();
    }
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("ratePerSecond", rate);
    r.put("sent", total.get());
    r.put("readCommitted", PacedRequests.percentiles(committed));
    r.put("readUncommitted", PacedRequests.percentiles(uncommitted));
    r.put("inAppReadToAnswered", PacedRequests.percentiles(inApp));
    r.put("predictCall", PacedRequests.percentiles(inference));
    System.err.printf("latency at %.0f/s: in the app (read -> answered) p50 %.1f ms p99 %.1f ms; predict call p50 %.1f"
        + " ms p99 %.1f ms%n", rate, inApp.getValueAtPercentile(50) / 1000.0, inApp.getValueAtPercentile(99) / 1000.0,
        inference.getValueAtPercentile(50) / 1000.0, inference.getValueAtPercentile(99) / 1000.0);
    results.put("latency." + modelId + "." + Math.round(rate) + "PerSecond", r);
    double p99 = committed.getValueAtPercentile(99) / 1000.0;
    double up50 = uncommitted.getValueAtPercentile(50) / 1000.0;
    double up99 = uncommitted.getValueAtPercentile(99) / 1000.0;
    row(String.format("3 latency, %s model, at %,.0f/s (%s), read_committed client", modelName, rate, which),
        String.format("p50 %.1f ms, p99 %.1f ms (%d answers)", committed.getValueAtPercentile(50) / 1000.0, p99,
            committed.getTotalCount()), "p99 <= 30 ms", p99 <= 30);
    boolean fixed = which.equals("fixed rate");
    row("3 same run, read_uncommitted client",
        String.format("p50 %.1f ms, p99 %.1f ms (%d answers)", up50, up99, uncommitted.getTotalCount()),
        fixed ? "p50 <= 5 ms, p99 <= 20 ms" : "p99 <= 20 ms", up99 <= 20 && (!fixed || up50 <= 5));
    if (echoFloor) {
      Map<String, Object> echo = new KafkaEchoFloor(bootstrap, topics.queries())
          .measure(prefix.substring(0, prefix.length() - 1), payloads, rate, latencySeconds, queryCompression);
      r.put("kafkaEchoFloor", echo);
      @SuppressWarnings("unchecked")
      Map<String, Double> eu = (Map<String, Double>) echo.get("readUncommitted");
      @SuppressWarnings("unchecked")
      Map<String, Double> ec = (Map<String, Double>) echo.get("readCommitted");
      row(String.format("3 same rate, Kafka alone (a relay copies the same %s requests: two hops, no model)",
          modelName), String.format("read_uncommitted p50 %.1f ms, p99 %.1f ms; read_committed p50 %.1f ms, p99 %.1f"
          + " ms (%.0f copies)", eu.get("p50.0"), eu.get("p99.0"), ec.get("p50.0"), ec.get("p99.0"), eu.get("count")),
          "report (the floor under the rows above)", null);
    }
  }

  private static void collect(KafkaConsumer<String, byte[]> consumer, RecordCodecs codecs, String prefix,
      Map<String, Long> sent, Histogram histogram, AtomicLong total) {
    collect(consumer, codecs, prefix, sent, histogram, total, null, null);
  }

  /** As above; also records, per answer, the app's own time (read -> answered) and the predict call's time. */
  private static void collect(KafkaConsumer<String, byte[]> consumer, RecordCodecs codecs, String prefix,
      Map<String, Long> sent, Histogram histogram, AtomicLong total, Histogram inApp, Histogram inference) {
    long idleSince = System.nanoTime();
    while (true) {
      var records = consumer.poll(Duration.ofMillis(50));
      long now = System.nanoTime();
      for (ConsumerRecord<String, byte[]> rec : records) {
        Prediction p = codecs.predictions().deserializer().deserialize(rec.topic(), rec.value());
        Long at = sent.get(p.getRequestId());
        if (at != null && p.getRequestId().startsWith(prefix)) {
          histogram.recordValue(Math.max(0, (now - at) / 1000));
          if (inApp != null) {
            inApp.recordValue(Math.max(0, p.getAnsweredAt().toEpochMilli() - p.getReceivedAt().toEpochMilli()) * 1000);
            inference.recordValue(Math.max(0, p.getInferenceMicros()));
          }
        }
      }
      if (!records.isEmpty()) {
        idleSince = now;
      }
      long expected = total.get();
      if ((expected > 0 && histogram.getTotalCount() >= expected) || now - idleSince > 10_000_000_000L) {
        return;
      }
    }
  }

  // ---------------------------------------------------------------- figure 4

  /**
   * A 16-feature, 10-class model (5 tasks of 2 Gaussian classes, 200 rows each) trained with the bench's learner and
   * published as version 1 of {@link #SMALL_MODEL_ID}; returns rows to query it with.
   */
  private float[][] publishSmallModel(StreamingLearnerApp app, String bootstrap, RecordCodecs codecs, Topics topics,
      AppSettings settings, Map<String, String> options) throws Exception {
    java.util.Random random = new java.util.Random(16);
    float[][] centres = new float[10][16];
    for (float[] c : centres) {
      for (int j = 0; j < c.length; j++) {
        c[j] = (float) (random.nextGaussian() * 3);
      }
    }
    List<TaskData> tasks = new ArrayList<>();
    for (int t = 0; t < 5; t++) {
      float[][] x = new float[400][];
      int[] y = new int[400];
      for (int i = 0; i < 400; i++) {
        y[i] = 2 * t + i % 2;
        x[i] = new float[16];
        for (int j = 0; j < 16; j++) {
          x[i][j] = centres[y[i]][j] + (float) random.nextGaussian();
        }
      }
      tasks.add(new TaskData("s" + t, new int[] {2 * t, 2 * t + 1}, x, y));
    }
    ClassIncrementalModel small = Models.train(learner, options, 42L, tasks).model();
    SnapshotCodec codec = new SnapshotFormatCodec();
    Provenance provenance = Provenance.of(small, SMALL_MODEL_ID, 1, null, 42L, options, "bench", Map.of(),
        SnapshotHeaders.codeVersion());
    SnapshotBytes payload = codec.encode(small, provenance);
    Map<String, Long> counts = new HashMap<>();
    small.tasks().forEach(t -> counts.put(t.taskId(), 400L));
    Map<String, Object> producerConfig = new HashMap<>();
    producerConfig.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
    producerConfig.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, settings.snapshotChunkBytes() + 256 * 1024);
    producerConfig.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    producerConfig.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerConfig)) {
      new SnapshotPublisher(producer, AppTopics.of(topics, codecs).snapshots(), settings.snapshotChunkBytes(),
          new SimpleMeterRegistry()).publish(SnapshotHeaders.of(provenance, counts, payload, Instant.now()),
          payload.bytes());
    }
    if (!await(() -> app.models().servingVersion(SMALL_MODEL_ID).orElse(0) >= 1, Duration.ofMinutes(2))) {
      throw new IllegalStateException("the 16-feature model was not served");
    }
    System.err.printf("small model: %d units, %d parameters, %d bytes%n", small.units(), small.parameterCount(),
        payload.length());
    float[][] rows = new float[1000][];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = tasks.get(i % 5).features()[i % 400];
    }
    return rows;
  }

  private void snapshotSwap(StreamingLearnerApp app, String bootstrap, RecordCodecs codecs, Topics topics,
      AppSettings settings) throws Exception {
    ClassIncrementalModel big = SnapshotBenchmark.bigModel();
    SnapshotCodec codec = new SnapshotFormatCodec();
    List<Double> swap = new ArrayList<>();
    List<Double> writeAndPublish = new ArrayList<>();
    long payloadBytes = 0;
    Map<String, Object> producerConfig = new HashMap<>();
    producerConfig.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
    producerConfig.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, settings.snapshotChunkBytes() + 256 * 1024);
    producerConfig.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    producerConfig.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerConfig)) {
      SnapshotPublisher publisher = new SnapshotPublisher(producer, AppTopics.of(topics, codecs).snapshots(),
          settings.snapshotChunkBytes(), new SimpleMeterRegistry());
      for (int version = 1; version <= repeats + 1; version++) {
        long start = System.nanoTime();
        Provenance provenance = Provenance.of(big, BIG_MODEL_ID, version, version == 1 ? null : version - 1L, 7L,
            Map.of("features", "1250"), "bench", Map.of(), SnapshotHeaders.codeVersion());
        SnapshotBytes payload = codec.encode(big, provenance);
        payloadBytes = payload.length();
        Map<String, Long> counts = new HashMap<>();
        big.tasks().forEach(t -> counts.put(t.taskId(), 400L));
        publisher.publish(SnapshotHeaders.of(provenance, counts, payload, Instant.now()), payload.bytes());
        long published = System.nanoTime();
        final long v = version;
        boolean ok = await(() -> app.models().servingVersion(BIG_MODEL_ID).orElse(0) >= v, Duration.ofMinutes(2));
        long swapped = System.nanoTime();
        if (!ok) {
          throw new IllegalStateException("snapshot " + version + " of " + BIG_MODEL_ID + " was not served");
        }
        System.err.printf("snapshot v%d: %d bytes, write+publish %.2f s, served after %.2f s%n", version,
            payload.length(), (published - start) / 1e9, (swapped - start) / 1e9);
        if (version > 1) { // version 1 loads a new model id; later ones are swaps on a serving model
          swap.add((swapped - start) / 1e9);
          writeAndPublish.add((published - start) / 1e9);
        }
      }
    }
    results.put("snapshot.parameters", big.parameterCount());
    results.put("snapshot.payloadBytes", payloadBytes);
    results.put("snapshot.swapSeconds", swap);
    results.put("snapshot.writeAndPublishSeconds", writeAndPublish);
    double med = median(swap);
    row(String.format("4 snapshot of %,d parameters (%.0f MB) published and swapped", big.parameterCount(),
        payloadBytes / 1e6), String.format("%.2f s (write+publish %.2f s)", med, median(writeAndPublish)),
        "<= 2 s", med <= 2);
  }

  // ---------------------------------------------------------------- helpers


  private static KafkaProducer<String, byte[]> producer(String bootstrap, int lingerMs) {
    return producer(bootstrap, lingerMs, "lz4");
  }

  private static KafkaProducer<String, byte[]> producer(String bootstrap, int lingerMs, String compression) {
    Map<String, Object> props = new HashMap<>();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.LINGER_MS_CONFIG, lingerMs);
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression);
    return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
  }

  /**
   * Records per second a plain read_committed consumer (the app's fetch size) reads {@code count} records of
   * {@code topic} from its start: the broker's and a client's ceiling for reading what the app ingests, with no
   * processing, state or transactions. Timed from the first record received to the last.
   */
  private static double plainConsumerRate(String bootstrap, String topic, long count) {
    Map<String, Object> props = new HashMap<>();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024);
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
        new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long read = 0;
      long first = -1;
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
      while (read < count && System.nanoTime() < deadline) {
        int n = consumer.poll(Duration.ofMillis(200)).count();
        if (n > 0 && first < 0) {
          first = System.nanoTime();
        }
        read += n;
      }
      return read / Math.max((System.nanoTime() - first) / 1e9, 1e-9);
    }
  }

  private static KafkaConsumer<String, byte[]> consumer(String bootstrap, String topic, String isolation) {
    return KafkaEchoFloor.readerAtEnd(bootstrap, topic, isolation);
  }

  private static List<Float> boxed(float[] row) {
    List<Float> list = new ArrayList<>(row.length);
    for (float f : row) {
      list.add(f);
    }
    return list;
  }

  private static float[] flatten(float[][] rows, int count) {
    int d = rows[0].length;
    float[] flat = new float[count * d];
    for (int i = 0; i < count; i++) {
      System.arraycopy(rows[i % rows.length], 0, flat, i * d, d);
    }
    return flat;
  }

  private static boolean await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return true;
      }
      Thread.sleep(5);
    }
    return condition.getAsBoolean();
  }

  static double median(List<Double> values) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  private static List<Double> ratios(List<Double> a, List<Double> b) {
    List<Double> out = new ArrayList<>();
    for (int i = 0; i < a.size(); i++) {
      out.add(a.get(i) / b.get(i));
    }
    return out;
  }

  private static String seconds(List<Double> values) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < values.size(); i++) {
      sb.append(i == 0 ? "" : ", ").append(String.format("%.1f", values.get(i)));
    }
    return sb.append("]").toString();
  }

  private static String memoryText(MemorySampler.Peaks p) {
    return String.format("heap used %.0f MB (committed %.0f MB); off-heap: RSS %.0f MB - committed heap = %.0f MB"
        + " (javacpp-tracked %.0f MB, NIO direct %.0f MB)", p.heapUsed() / 1e6, p.heapCommitted() / 1e6,
        p.rss() / 1e6, (p.rss() - p.heapCommitted()) / 1e6, p.javacpp() / 1e6, p.direct() / 1e6);
  }

  private void row(String figure, String measured, String target, Boolean met) {
    table.add(new String[] {figure, measured, target, met == null ? "-" : met ? "met" : "MISSED"});
  }

  private void machine() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cores", Runtime.getRuntime().availableProcessors());
    m.put("maxHeapMB", Runtime.getRuntime().maxMemory() / 1_000_000);
    m.put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    m.put("OMP_NUM_THREADS", System.getenv().getOrDefault("OMP_NUM_THREADS", "(unset)"));
    try {
      m.put("loadAverage1m", Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
    } catch (Exception e) {
      m.put("loadAverage1m", "?");
    }
    results.put("machine", m);
    System.err.println("machine: " + m);
  }

  private void printTable() {
    try {
      String load = Files.readString(Path.of("/proc/loadavg")).trim();
      results.put("loadAverageAtEnd", load);
      System.out.println("load average at start: " + ((Map<?, ?>) results.get("machine")).get("loadAverage1m")
          + ", at end: " + load);
    } catch (Exception ignored) {
      // not Linux
    }
    System.out.println("| figure | measured | target | met? |");
    System.out.println("|---|---|---|---|");
    for (String[] r : table) {
      System.out.println("| " + String.join(" | ", r) + " |");
    }
  }
}
