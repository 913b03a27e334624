package io.autoactivator.schemas.serde;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import org.apache.avro.Schema;

/**
 * A Confluent Schema Registry stand-in on 127.0.0.1 (ephemeral port) that answers the two calls our
 * client makes exactly as the documented API does, and records every request it receives.
 */
final class FakeSchemaRegistry implements AutoCloseable {

    static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern REGISTER = Pattern.compile("/subjects/([^/]+)/versions");
    private static final Pattern BY_ID = Pattern.compile("/schemas/ids/(-?\\d+)");

    /** One HTTP request as the server saw it. */
    record Request(String method, String path, String contentType, String accept, String authorization,
                   String body) {
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Map<String, Integer> idsBySchema = new ConcurrentHashMap<>();
    private final Map<Integer, String> schemasById = new ConcurrentHashMap<>();
    private final AtomicInteger nextId;
    private volatile int fixedStatus;
    private volatile String fixedBody;
    private volatile Duration delay = Duration.ZERO;

    FakeSchemaRegistry() {
        this(1);
    }

    FakeSchemaRegistry(int firstId) {
        nextId = new AtomicInteger(firstId);
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Serde config pointing at this registry, with short timeouts for tests. */
    Map<String, Object> serdeConfig() {
        return Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, url(), AvroSerdeConfig.REQUEST_TIMEOUT_MS, 2_000);
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    /** Stores a schema as if some other producer had registered it; returns its id. */
    int preRegister(Schema schema) {
        return idFor(schema.toString());
    }

    /** From now on answer every request with this status and body. */
    void answerAlways(int status, String body) {
        fixedStatus = status;
        fixedBody = body;
    }

    /** From now on wait this long before answering. */
    void delayAnswers(Duration delay) {
        this.delay = delay;
    }

    private int idFor(String schemaJson) {
        return idsBySchema.computeIfAbsent(schemaJson, json -> {
            int id = nextId.getAndIncrement();
            schemasById.put(id, json);
            return id;
        });
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body;
        try (InputStream in = exchange.getRequestBody()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String path = exchange.getRequestURI().getRawPath();
        requests.add(new Request(exchange.getRequestMethod(), path,
                exchange.getRequestHeaders().getFirst("Content-Type"),
                exchange.getRequestHeaders().getFirst("Accept"),
                exchange.getRequestHeaders().getFirst("Authorization"), body));
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (fixedBody != null) {
            respond(exchange, fixedStatus, fixedBody);
            return;
        }
        Matcher register = REGISTER.matcher(path);
        Matcher byId = BY_ID.matcher(path);
        if ("POST".equals(exchange.getRequestMethod()) && register.matches()) {
            String schema = JSON.readTree(body).get("schema").asText();
            respond(exchange, 200, JSON.writeValueAsString(Map.of("id", idFor(schema))));
        } else if ("GET".equals(exchange.getRequestMethod()) && byId.matches()) {
            String schema = schemasById.get(Integer.parseInt(byId.group(1)));
            if (schema == null) {
                respond(exchange, 404, "{\"error_code\":40403,\"message\":\"Schema not found\"}");
            } else {
                respond(exchange, 200, JSON.writeValueAsString(Map.of("schema", schema)));
            }
        } else {
            respond(exchange, 404, "{\"error_code\":404,\"message\":\"HTTP 404 Not Found\"}");
        }
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
