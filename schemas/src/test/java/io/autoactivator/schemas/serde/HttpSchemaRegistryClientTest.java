package io.autoactivator.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.autoactivator.schemas.LabelledSample;
import io.autoactivator.schemas.TaskBoundary;

/** The registry client speaks Confluent's REST API exactly, caches answers, and fails loudly and clearly. */
class HttpSchemaRegistryClientTest {

    private static final Schema SAMPLE = LabelledSample.getClassSchema();

    private final FakeSchemaRegistry registry = new FakeSchemaRegistry(7);

    @AfterEach
    void stopRegistry() {
        registry.close();
    }

    private HttpSchemaRegistryClient client(Duration requestTimeout) {
        return new HttpSchemaRegistryClient(List.of(URI.create(registry.url())), Duration.ofSeconds(2), requestTimeout,
                Optional.empty());
    }

    @Test
    void registerPostsTheSchemaAsAJsonStringToTheSubjectVersionsAndReturnsTheId() throws IOException {
        int id = client(Duration.ofSeconds(2)).register("samples-value", SAMPLE);

        assertThat(id).isEqualTo(7);
        assertThat(registry.requests()).singleElement().satisfies(request -> {
            assertThat(request.method()).isEqualTo("POST");
            assertThat(request.path()).isEqualTo("/subjects/samples-value/versions");
            assertThat(request.contentType()).isEqualTo("application/vnd.schemaregistry.v1+json");
            assertThat(request.accept()).startsWith("application/vnd.schemaregistry.v1+json");
            assertThat(request.authorization()).isNull();
            assertThat(new ObjectMapper().readTree(request.body()))
                    .isEqualTo(new ObjectMapper().createObjectNode().put("schema", SAMPLE.toString()));
        });
    }

    @Test
    void schemaByIdGetsTheSchemaAndParsesIt() {
        int id = registry.preRegister(TaskBoundary.getClassSchema());

        Schema schema = client(Duration.ofSeconds(2)).schemaById(id);

        assertThat(schema).isEqualTo(TaskBoundary.getClassSchema());
        assertThat(registry.requests()).singleElement().satisfies(request -> {
            assertThat(request.method()).isEqualTo("GET");
            assertThat(request.path()).isEqualTo("/schemas/ids/" + id);
            assertThat(request.body()).isEmpty();
        });
    }

    @Test
    void answersAreCachedSoRepeatedCallsMakeNoHttpRequest() {
        HttpSchemaRegistryClient client = client(Duration.ofSeconds(2));
        int other = registry.preRegister(TaskBoundary.getClassSchema());

        int id = client.register("samples-value", SAMPLE);
        client.register("samples-value", SAMPLE);
        client.schemaById(other);
        client.schemaById(other);
        Schema registered = client.schemaById(id);

        assertThat(registered).as("an id we registered needs no GET").isEqualTo(SAMPLE);
        assertThat(registry.requests()).extracting(FakeSchemaRegistry.Request::method).containsExactly("POST", "GET");
    }

    @Test
    void theSameSchemaUnderAnotherSubjectIsRegisteredAgain() {
        HttpSchemaRegistryClient client = client(Duration.ofSeconds(2));

        client.register("samples-value", SAMPLE);
        client.register("samples-key", SAMPLE);

        assertThat(registry.requests()).extracting(FakeSchemaRegistry.Request::path)
                .containsExactly("/subjects/samples-value/versions", "/subjects/samples-key/versions");
    }

    @Test
    void anUnknownIdIsReportedAsSchemaNotFoundWithConfluentsErrorCodeAndMessage() {
        assertThatThrownBy(() -> client(Duration.ofSeconds(2)).schemaById(404))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(404);
                    assertThat(e.errorCode()).isEqualTo(40403);
                    assertThat(e.isSchemaNotFound()).isTrue();
                })
                .hasMessageContaining("GET " + registry.url() + "/schemas/ids/404")
                .hasMessageContaining("HTTP 404")
                .hasMessageContaining("error_code 40403")
                .hasMessageContaining("Schema not found");
    }

    @Test
    void aRejectedRegistrationNamesTheSubjectStatusAndRegistryMessage() {
        registry.answerAlways(409, "{\"error_code\":409,\"message\":\"Schema being registered is incompatible with an"
                + " earlier schema for subject \\\"samples-value\\\"\"}");

        assertThatThrownBy(() -> client(Duration.ofSeconds(2)).register("samples-value", SAMPLE))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(409);
                    assertThat(e.errorCode()).isEqualTo(409);
                    assertThat(e.isSchemaNotFound()).isFalse();
                })
                .hasMessageContaining("POST " + registry.url() + "/subjects/samples-value/versions")
                .hasMessageContaining("subject 'samples-value'")
                .hasMessageContaining("HTTP 409")
                .hasMessageContaining("incompatible with an earlier schema");
    }

    @Test
    void aNonJsonErrorBodyIsQuotedInTheMessage() {
        registry.answerAlways(503, "<html>upstream unavailable</html>");

        assertThatThrownBy(() -> client(Duration.ofSeconds(2)).schemaById(1))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("HTTP 503")
                .hasMessageContaining("<html>upstream unavailable</html>");
    }

    @Test
    void aRegistrySlowerThanTheRequestTimeoutFailsWithAClearMessage() {
        registry.delayAnswers(Duration.ofSeconds(3));
        long start = System.nanoTime();

        assertThatThrownBy(() -> client(Duration.ofMillis(300)).register("samples-value", SAMPLE))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.httpStatus()).isEqualTo(-1))
                .hasMessageContaining("no response within 300 ms")
                .hasMessageContaining(registry.url() + "/subjects/samples-value/versions");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void anUnreachableRegistryNamesTheUrl() throws IOException {
        String deadUrl = "http://127.0.0.1:" + freePort();
        HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(List.of(URI.create(deadUrl)),
                Duration.ofSeconds(1), Duration.ofSeconds(1), Optional.empty());

        assertThatThrownBy(() -> client.schemaById(3))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("GET " + deadUrl + "/schemas/ids/3")
                .hasMessageContaining("ConnectException");
    }

    @Test
    void theNextUrlIsTriedWhenOneCannotBeReached() throws IOException {
        String deadUrl = "http://127.0.0.1:" + freePort();
        AvroSerdeConfig config = new AvroSerdeConfig(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL,
                deadUrl + "," + registry.url() + "/"));

        assertThat(HttpSchemaRegistryClient.from(config).register("samples-value", SAMPLE)).isEqualTo(7);
    }

    @Test
    void basicAuthUserInfoIsSentAsABasicAuthorizationHeader() {
        AvroSerdeConfig config = new AvroSerdeConfig(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, registry.url(),
                AvroSerdeConfig.BASIC_AUTH_USER_INFO, "fred:s3cr:et"));

        HttpSchemaRegistryClient.from(config).register("samples-value", SAMPLE);

        String expected = "Basic " + Base64.getEncoder().encodeToString("fred:s3cr:et".getBytes(StandardCharsets.UTF_8));
        assertThat(registry.requests()).singleElement()
                .extracting(FakeSchemaRegistry.Request::authorization).isEqualTo(expected);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
