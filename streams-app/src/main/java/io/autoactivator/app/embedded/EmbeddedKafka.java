package io.autoactivator.app.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Apache Kafka broker in KRaft mode (combined broker and controller), run as a child JVM from Kafka's own
 * jars on this process's class path: the default cluster of the {@code demo} command.
 *
 * <p>{@link #start()} picks two free loopback ports, writes a {@code server.properties} into a temporary folder,
 * formats the log directory with {@code kafka.tools.StorageTool}, starts {@code kafka.Kafka} and waits until an
 * AdminClient can describe the cluster. {@link #close()} stops the child and deletes the folder; a JVM shutdown
 * hook does the same if the parent exits first, so no broker is left behind. The child's output goes to
 * {@link #logFile()}, named in every start-up error.
 */
public final class EmbeddedKafka implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);

  /** Longest wait for the broker to answer. */
  public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(60);

  private final Path workDir;
  private final Path logFile;
  private final Duration startTimeout;
  private final String heap;
  private Process process;
  private Thread hook;
  private String bootstrapServers;

  private EmbeddedKafka(Path workDir, Duration startTimeout, String heap) {
    this.workDir = workDir;
    this.logFile = workDir.resolve("broker.log");
    this.startTimeout = startTimeout;
    this.heap = heap;
  }

  /** Starts a broker with the default timeout and a 512 MB heap. */
  public static EmbeddedKafka start() {
    return start(DEFAULT_START_TIMEOUT, "512m");
  }

  /** Starts a broker; throws {@link EmbeddedKafkaException} (naming the log file) if it is not up within timeout. */
  public static EmbeddedKafka start(Duration startTimeout, String heap) {
    Path dir;
    try {
      dir = Files.createTempDirectory("autoactivator-kafka-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary folder for the embedded broker", e);
    }
    EmbeddedKafka kafka = new EmbeddedKafka(dir, startTimeout, heap);
    try {
      kafka.launch();
      return kafka;
    } catch (RuntimeException e) {
      kafka.stopChild();
      if (!(e instanceof EmbeddedKafkaException)) {
        kafka.deleteWorkDir();
      }
      throw e;
    }
  }

  private void launch() {
    long started = System.nanoTime();
    int brokerPort = freePort();
    int controllerPort = freePort();
    while (controllerPort == brokerPort) {
      controllerPort = freePort();
    }
    Path config = workDir.resolve("server.properties");
    Path logDir = workDir.resolve("data");
    writeServerProperties(config, logDir, brokerPort, controllerPort);
    String classPath = System.getProperty("java.class.path");
    hook = new Thread(this::stopChild, "embedded-kafka-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);

    int formatExit = runFormat(classPath, config);
    if (formatExit != 0) {
      throw new EmbeddedKafkaException("formatting the embedded broker's storage failed (exit " + formatExit
          + "); see " + logFile);
    }
    try {
      process = new ProcessBuilder(javaCommand(classPath, "kafka.Kafka", config.toString()))
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
          .start();
    } catch (IOException e) {
      throw new EmbeddedKafkaException("cannot start the embedded broker JVM: " + e.getMessage(), e);
    }
    bootstrapServers = "127.0.0.1:" + brokerPort;
    awaitReady(started);
    log.info("Embedded Kafka broker (pid {}) at {} after {} ms; log {}", process.pid(), bootstrapServers,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), logFile);
  }

  private int runFormat(String classPath, Path config) {
    List<String> cmd = javaCommand(classPath, "kafka.tools.StorageTool", "format", "-t",
        Uuid.randomUuid().toString(), "-c", config.toString(), "--standalone");
    try {
      Process format = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
      if (!format.waitFor(startTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
        format.destroyForcibly();
        throw new EmbeddedKafkaException("formatting the embedded broker's storage took longer than "
            + startTimeout.toSeconds() + " s; see " + logFile);
      }
      return format.exitValue();
    } catch (IOException e) {
      throw new EmbeddedKafkaException("cannot run kafka.tools.StorageTool: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EmbeddedKafkaException("interrupted while formatting the embedded broker's storage", e);
    }
  }

  private List<String> javaCommand(String classPath, String mainClass, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx" + heap);
    cmd.add("-XX:+UseSerialGC");
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-Djava.awt.headless=true");
    cmd.add("-Dlog4j2.configurationFile=" + writeBrokerLog4j());
    cmd.add("-cp");
    cmd.add(classPath);
    cmd.add(mainClass);
    cmd.addAll(List.of(args));
    return cmd;
  }

  private String writeBrokerLog4j() {
    Path file = workDir.resolve("log4j2-broker.properties");
    if (!Files.exists(file)) {
      write(file, """
          status = warn
          appender.out.type = Console
          appender.out.name = out
          appender.out.layout.type = PatternLayout
          appender.out.layout.pattern = %d{HH:mm:ss.SSS} %-5p [%c{1}] %m%n
          rootLogger.level = info
          rootLogger.appenderRef.out.ref = out
          logger.kafka.name = kafka
          logger.kafka.level = warn
          logger.apache.name = org.apache.kafka
          logger.apache.level = warn
          logger.server.name = kafka.server.KafkaRaftServer
          logger.server.level = info
          """);
    }
    return file.toString();
  }

  private void writeServerProperties(Path config, Path logDir, int brokerPort, int controllerPort) {
    Properties p = new Properties();
    p.setProperty("process.roles", "broker,controller");
    p.setProperty("node.id", "1");
    p.setProperty("controller.quorum.bootstrap.servers", "127.0.0.1:" + controllerPort);
    p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
    p.setProperty("controller.listener.names", "CONTROLLER");
    p.setProperty("inter.broker.listener.name", "PLAINTEXT");
    p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.setProperty("log.dirs", logDir.toString());
    p.setProperty("num.partitions", "1");
    p.setProperty("default.replication.factor", "1");
    p.setProperty("offsets.topic.replication.factor", "1");
    p.setProperty("offsets.topic.num.partitions", "1");
    p.setProperty("transaction.state.log.replication.factor", "1");
    p.setProperty("transaction.state.log.min.isr", "1");
    p.setProperty("transaction.state.log.num.partitions", "1");
    p.setProperty("share.coordinator.state.topic.replication.factor", "1");
    p.setProperty("share.coordinator.state.topic.min.isr", "1");
    p.setProperty("min.insync.replicas", "1");
    p.setProperty("group.initial.rebalance.delay.ms", "0");
    p.setProperty("auto.create.topics.enable", "false");
    p.setProperty("message.max.bytes", String.valueOf(8 * 1024 * 1024));
    try (var out = Files.newBufferedWriter(config)) {
      p.store(out, "embedded broker of autoactivator");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + config, e);
    }
  }

  private void awaitReady(long startedNanos) {
    long deadline = startedNanos + startTimeout.toNanos();
    Properties admin = new Properties();
    admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    admin.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
    admin.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
    admin.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "200");
    try (Admin client = Admin.create(admin)) {
      while (System.nanoTime() < deadline) {
        if (!process.isAlive()) {
          throw new EmbeddedKafkaException("the embedded broker exited with code " + process.exitValue()
              + " during start-up; see its log " + logFile);
        }
        try {
          client.describeCluster(new DescribeClusterOptions().timeoutMs(2000)).nodes().get(3, TimeUnit.SECONDS);
          return;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new EmbeddedKafkaException("interrupted while waiting for the embedded broker", e);
        } catch (Exception notYet) {
          sleep(200);
        }
      }
    }
    throw new EmbeddedKafkaException("the embedded broker did not answer at " + bootstrapServers + " within "
        + startTimeout.toSeconds() + " s; see its log " + logFile);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** {@code 127.0.0.1:<port>}. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** The child JVM, for tests. */
  public ProcessHandle process() {
    return process.toHandle();
  }

  /** Where the child's output goes. */
  public Path logFile() {
    return logFile;
  }

  /** Stops the broker (SIGTERM, then kill after 10 s) and deletes its folder. */
  @Override
  public void close() {
    stopChild();
    if (hook != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook runs anyway
      }
      hook = null;
    }
    deleteWorkDir();
  }

  private synchronized void stopChild() {
    if (process == null || !process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        log.warn("Embedded broker did not stop within 10 s; killing it");
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private void deleteWorkDir() {
    if (!Files.exists(workDir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(workDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      log.warn("Could not delete {}: {}", workDir, e.toString());
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free loopback port", e);
    }
  }

  private static void write(Path file, String text) {
    try {
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
