package io.autoactivator.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

/** What the serde config keys mean and what they default to. */
class AvroSerdeConfigTest {

    @Test
    void withNothingSetThereIsNoRegistryAndTheTimeoutsAreFiveAndTenSeconds() {
        AvroSerdeConfig config = new AvroSerdeConfig(Map.of("bootstrap.servers", "localhost:9092"));

        assertThat(config.usesSchemaRegistry()).isFalse();
        assertThat(config.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.requestTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.basicAuthUserInfo()).isEmpty();
    }

    @Test
    void registryUrlsAreTrimmedOfTrailingSlashes() {
        AvroSerdeConfig config = new AvroSerdeConfig(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL,
                "http://a:8081/, https://b:8081"));

        assertThat(config.usesSchemaRegistry()).isTrue();
        assertThat(config.registryUrls()).containsExactly(URI.create("http://a:8081"), URI.create("https://b:8081"));
    }

    @Test
    void anEmptyRegistryUrlMeansNoRegistry() {
        assertThat(new AvroSerdeConfig(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "")).usesSchemaRegistry()).isFalse();
    }

    @Test
    void timeoutsAcceptStringsAsKafkaConfigsOftenAre() {
        AvroSerdeConfig config = new AvroSerdeConfig(Map.of(AvroSerdeConfig.CONNECT_TIMEOUT_MS, "250",
                AvroSerdeConfig.REQUEST_TIMEOUT_MS, "750"));

        assertThat(config.connectTimeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(config.requestTimeout()).isEqualTo(Duration.ofMillis(750));
    }

    @Test
    void invalidValuesAreRejectedWithTheKeyNamed() {
        assertThatThrownBy(() -> new AvroSerdeConfig(Map.of(AvroSerdeConfig.REQUEST_TIMEOUT_MS, 0)))
                .isInstanceOf(ConfigException.class).hasMessageContaining(AvroSerdeConfig.REQUEST_TIMEOUT_MS);
        assertThatThrownBy(() -> new AvroSerdeConfig(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "localhost:8081"))
                .registryUrls())
                .isInstanceOf(ConfigException.class).hasMessageContaining(AvroSerdeConfig.SCHEMA_REGISTRY_URL);
    }
}
