package io.autoactivator.app.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operations endpoints on the JDK's HTTP server: {@code /health/live} and {@code /health/ready} (200 or 503, for
 * Kubernetes probes) and {@code /metrics} (Prometheus text format).
 */
public final class OpsHttpServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(OpsHttpServer.class);
  static final String PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final HttpServer server;
  private final ExecutorService executor;

  private OpsHttpServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /**
   * Starts serving on {@code port} (0: a free one) of every interface, 8 clients at once, 10 s per request.
   *
   * @param live    answers /health/live
   * @param ready   answers /health/ready
   * @param metrics the Prometheus exposition for /metrics
   */
  public static OpsHttpServer start(int port, BooleanSupplier live, BooleanSupplier ready, Supplier<String> metrics) {
    return start(null, port, 8, 10_000, live, ready, metrics);
  }

  /**
   * Starts serving on {@code bindAddress:port}.
   *
   * @param bindAddress      interface to bind (null or empty: every interface)
   * @param threads          requests served at once: idle or slow clients hold one each
   * @param requestTimeoutMs longest a client may take to send a request or read the answer (JDK server-wide)
   */
  public static OpsHttpServer start(String bindAddress, int port, int threads, long requestTimeoutMs,
      BooleanSupplier live, BooleanSupplier ready, Supplier<String> metrics) {
    // the JDK server reads these once, when its first instance is created; a value set by the operator wins
    long seconds = Math.max(1, (requestTimeoutMs + 999) / 1000);
    System.getProperties().putIfAbsent("sun.net.httpserver.maxReqTime", String.valueOf(seconds));
    System.getProperties().putIfAbsent("sun.net.httpserver.maxRspTime", String.valueOf(seconds));
    System.getProperties().putIfAbsent("sun.net.httpserver.idleInterval", String.valueOf(seconds));
    HttpServer server;
    try {
      InetSocketAddress address = bindAddress == null || bindAddress.isBlank() ? new InetSocketAddress(port)
          : new InetSocketAddress(bindAddress, port);
      server = HttpServer.create(address, 0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the HTTP port " + port + ": " + e.getMessage(), e);
    }
    server.createContext("/health/live", ex -> health(ex, live));
    server.createContext("/health/ready", ex -> health(ex, ready));
    server.createContext("/metrics", ex -> {
      if (!"GET".equals(ex.getRequestMethod()) && !"HEAD".equals(ex.getRequestMethod())) {
        respond(ex, 405, "text/plain; charset=utf-8", "GET only\n");
        return;
      }
      respond(ex, 200, PROMETHEUS_CONTENT_TYPE, metrics.get());
    });
    server.createContext("/", ex -> respond(ex, 404, "text/plain; charset=utf-8",
        "not found; try /health/live, /health/ready, /metrics\n"));
    ExecutorService executor = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "ops-http");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.start();
    OpsHttpServer ops = new OpsHttpServer(server, executor);
    log.info("HTTP server on port {}: /health/live, /health/ready, /metrics", ops.port());
    return ops;
  }

  /** The port actually bound. */
  public int port() {
    return server.getAddress().getPort();
  }

  private static void health(HttpExchange ex, BooleanSupplier check) throws IOException {
    boolean up;
    try {
      up = check.getAsBoolean();
    } catch (RuntimeException e) {
      up = false;
    }
    respond(ex, up ? 200 : 503, "text/plain; charset=utf-8", up ? "UP\n" : "DOWN\n");
  }

  private static void respond(HttpExchange ex, int status, String contentType, String body) throws IOException {
    try (ex) {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", contentType);
      boolean head = "HEAD".equals(ex.getRequestMethod());
      ex.sendResponseHeaders(status, head ? -1 : bytes.length);
      if (!head) {
        try (OutputStream out = ex.getResponseBody()) {
          out.write(bytes);
        }
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
