package io.autoactivator.schemas.serde;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A minimal client for Confluent Schema Registry's REST API, with a cache.
 *
 * <p>Why ours: Confluent's client jars are not on Maven Central. We need only two calls:
 * {@code POST /subjects/{subject}/versions} with {@code {"schema": "<schema json>"}} answering
 * {@code {"id": N}}, and {@code GET /schemas/ids/{id}} answering {@code {"schema": "..."}}, both with
 * content type {@code application/vnd.schemaregistry.v1+json}. Answers never change for a given question,
 * so both are cached for the life of the client: after warm-up no record pays for HTTP.
 *
 * <p>Transport failures (connect refused, timeouts) move on to the next configured URL; the last one's
 * failure is reported. Every failure is a {@link SchemaRegistryException} naming method, URL, subject,
 * HTTP status and Confluent's {@code error_code}/{@code message}. Thread-safe.
 */
public final class HttpSchemaRegistryClient implements SchemaRegistryClient {

    static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    static final String ACCEPT =
            "application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json; qs=0.9, application/json; qs=0.5";

    private static final Logger LOG = LoggerFactory.getLogger(HttpSchemaRegistryClient.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_BODY_IN_MESSAGE = 500;

    private final List<URI> baseUrls;
    private final Duration requestTimeout;
    private final Optional<String> authorization;
    private final HttpClient http;
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
    private final Map<SubjectSchema, Integer> idsBySubjectSchema = new ConcurrentHashMap<>();

    private record SubjectSchema(String subject, Schema schema) {
    }

    /** A successful answer: the JSON object and the URL that gave it. */
    private record Answer(URI uri, JsonNode json) {
    }

    /**
     * @param baseUrls        registry base URLs (no trailing slash), tried in order on transport failures
     * @param connectTimeout  TCP connect timeout
     * @param requestTimeout  timeout for each HTTP exchange
     * @param basicUserInfo   {@code user:password} for basic auth, or empty
     */
    public HttpSchemaRegistryClient(List<URI> baseUrls, Duration connectTimeout, Duration requestTimeout,
                                    Optional<String> basicUserInfo) {
        if (baseUrls.isEmpty()) {
            throw new IllegalArgumentException("at least one schema registry URL is needed");
        }
        this.baseUrls = List.copyOf(baseUrls);
        this.requestTimeout = requestTimeout;
        this.authorization = basicUserInfo.map(info ->
                "Basic " + Base64.getEncoder().encodeToString(info.getBytes(StandardCharsets.UTF_8)));
        this.http = HttpClient.newBuilder().connectTimeout(connectTimeout).build();
    }

    /** Builds a client from the serde config; requires {@link AvroSerdeConfig#SCHEMA_REGISTRY_URL}. */
    public static HttpSchemaRegistryClient from(AvroSerdeConfig config) {
        return new HttpSchemaRegistryClient(config.registryUrls(), config.connectTimeout(),
                config.requestTimeout(), config.basicAuthUserInfo());
    }

    @Override
    public int register(String subject, Schema schema) {
        SubjectSchema key = new SubjectSchema(subject, schema);
        Integer cached = idsBySubjectSchema.get(key);
        if (cached != null) {
            return cached;
        }
        String path = "/subjects/" + URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20")
                + "/versions";
        String body;
        try {
            body = JSON.writeValueAsString(Map.of("schema", schema.toString()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write a JSON string", e);
        }
        Answer answer = exchange("POST", path, body, subject);
        JsonNode id = answer.json().get("id");
        if (id == null || !id.canConvertToInt()) {
            throw new SchemaRegistryException(describe("POST", answer.uri(), subject)
                    + " answered without an integer \"id\": " + abbreviate(answer.json().toString()), 200, -1, null);
        }
        int schemaId = id.intValue();
        idsBySubjectSchema.put(key, schemaId);
        LOG.info("Schema {} is id {} under subject '{}'", schema.getFullName(), schemaId, subject);
        schemasById.putIfAbsent(schemaId, schema);
        return schemaId;
    }

    @Override
    public Schema schemaById(int id) {
        Schema cached = schemasById.get(id);
        if (cached != null) {
            return cached;
        }
        String path = "/schemas/ids/" + id;
        Answer answer = exchange("GET", path, null, null);
        JsonNode type = answer.json().get("schemaType");
        if (type != null && !"AVRO".equals(type.asText())) {
            throw new SchemaRegistryException(describe("GET", answer.uri(), null) + " returned a " + type.asText()
                    + " schema, not AVRO", 200, -1, null);
        }
        JsonNode text = answer.json().get("schema");
        if (text == null || !text.isTextual()) {
            throw new SchemaRegistryException(describe("GET", answer.uri(), null)
                    + " answered without a \"schema\" string: " + abbreviate(answer.json().toString()), 200, -1, null);
        }
        Schema schema;
        try {
            schema = new Schema.Parser().parse(text.asText());
        } catch (SchemaParseException e) {
            throw new SchemaRegistryException(describe("GET", answer.uri(), null) + " returned an invalid Avro schema: "
                    + e.getMessage(), 200, -1, e);
        }
        Schema previous = schemasById.putIfAbsent(id, schema);
        return previous != null ? previous : schema;
    }

    private Answer exchange(String method, String path, String body, String subject) {
        SchemaRegistryException lastFailure = null;
        for (URI base : baseUrls) {
            URI uri = URI.create(base + path);
            HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                    .timeout(requestTimeout)
                    .header("Accept", ACCEPT)
                    .method(method, body == null
                            ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
            if (body != null) {
                request.header("Content-Type", CONTENT_TYPE);
            }
            authorization.ifPresent(value -> request.header("Authorization", value));
            HttpResponse<String> response;
            try {
                response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            } catch (HttpConnectTimeoutException e) {
                lastFailure = new SchemaRegistryException(describe(method, uri, subject) + " failed: no connection within "
                        + http.connectTimeout().map(Duration::toMillis).orElse(0L) + " ms", -1, -1, e);
                continue;
            } catch (HttpTimeoutException e) {
                lastFailure = new SchemaRegistryException(describe(method, uri, subject) + " failed: no response within "
                        + requestTimeout.toMillis() + " ms", -1, -1, e);
                continue;
            } catch (IOException e) {
                lastFailure = new SchemaRegistryException(describe(method, uri, subject) + " failed: " + e, -1, -1, e);
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SchemaRegistryException(describe(method, uri, subject) + " interrupted", -1, -1, e);
            }
            return new Answer(uri, parse(method, uri, subject, response));
        }
        throw lastFailure;
    }

    private static JsonNode parse(String method, URI uri, String subject, HttpResponse<String> response) {
        int status = response.statusCode();
        JsonNode json = null;
        try {
            json = JSON.readTree(response.body());
        } catch (JsonProcessingException e) {
            // reported below, with the body
        }
        if (status / 100 == 2 && json != null && json.isObject()) {
            return json;
        }
        StringBuilder message = new StringBuilder(describe(method, uri, subject)).append(" failed: HTTP ").append(status);
        int errorCode = -1;
        if (json != null && json.has("error_code")) {
            errorCode = json.get("error_code").asInt(-1);
            message.append(", error_code ").append(errorCode);
            if (json.hasNonNull("message")) {
                message.append(": ").append(json.get("message").asText());
            }
        } else {
            message.append(status / 100 == 2 ? ", body is not a JSON object: " : ", body: ")
                    .append(abbreviate(response.body()));
        }
        throw new SchemaRegistryException(message.toString(), status, errorCode, null);
    }

    private static String describe(String method, URI uri, String subject) {
        return "Schema registry " + method + " " + uri + (subject == null ? "" : " (subject '" + subject + "')");
    }

    private static String abbreviate(String text) {
        if (text == null || text.isEmpty()) {
            return "<empty>";
        }
        return text.length() <= MAX_BODY_IN_MESSAGE ? text : text.substring(0, MAX_BODY_IN_MESSAGE) + "...";
    }
}
