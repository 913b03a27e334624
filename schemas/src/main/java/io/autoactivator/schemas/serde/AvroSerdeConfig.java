package io.autoactivator.schemas.serde;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * The serdes' configuration, declared once with types, defaults and docs.
 *
 * <p>Keys are Confluent's, so an existing Confluent serde config works unchanged. The framing is chosen by
 * {@link #SCHEMA_REGISTRY_URL}: set means Confluent wire format through that registry, unset means Avro
 * single-object encoding with no registry. Unknown keys (the rest of a Kafka or Streams config) are ignored.
 */
public final class AvroSerdeConfig extends AbstractConfig {

    /** Base URL of a Confluent-compatible schema registry; unset selects single-object encoding. */
    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    /** {@code user:password} for HTTP basic auth against the registry; unset means no auth. */
    public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";
    /** Registry TCP connect timeout in milliseconds. */
    public static final String CONNECT_TIMEOUT_MS = "schema.registry.connect.timeout.ms";
    /** Registry request timeout (whole HTTP exchange) in milliseconds. */
    public static final String REQUEST_TIMEOUT_MS = "schema.registry.request.timeout.ms";

    public static final int DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
    public static final int DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

    static final ConfigDef DEFINITION = new ConfigDef()
            .define(SCHEMA_REGISTRY_URL, Type.LIST, List.of(), Importance.HIGH,
                    "Comma-separated base URLs of a Confluent-compatible schema registry, tried in order when one "
                            + "cannot be reached. Set: values are framed in the Confluent wire format (magic 0, "
                            + "4-byte schema id). Unset: Avro single-object encoding, no registry needed.")
            .define(BASIC_AUTH_USER_INFO, Type.PASSWORD, null, Importance.MEDIUM,
                    "'user:password' sent as HTTP basic auth to the schema registry. Unset: no auth.")
            .define(CONNECT_TIMEOUT_MS, Type.INT, DEFAULT_CONNECT_TIMEOUT_MS, Range.atLeast(1), Importance.LOW,
                    "Milliseconds to wait for a TCP connection to the schema registry.")
            .define(REQUEST_TIMEOUT_MS, Type.INT, DEFAULT_REQUEST_TIMEOUT_MS, Range.atLeast(1), Importance.LOW,
                    "Milliseconds to wait for a schema registry response.");

    public AvroSerdeConfig(Map<String, ?> originals) {
        super(DEFINITION, originals, false);
    }

    /** The documented definition, e.g. for generating docs. */
    public static ConfigDef configDef() {
        return new ConfigDef(DEFINITION);
    }

    /** True if a registry URL is set, i.e. values use the Confluent wire format. */
    public boolean usesSchemaRegistry() {
        return !registryUrls().isEmpty();
    }

    List<URI> registryUrls() {
        return getList(SCHEMA_REGISTRY_URL).stream()
                .map(String::strip)
                .filter(url -> !url.isEmpty())
                .map(AvroSerdeConfig::toUri)
                .toList();
    }

    Optional<String> basicAuthUserInfo() {
        Password password = getPassword(BASIC_AUTH_USER_INFO);
        return Optional.ofNullable(password).map(Password::value).filter(v -> !v.isEmpty());
    }

    Duration connectTimeout() {
        return Duration.ofMillis(getInt(CONNECT_TIMEOUT_MS));
    }

    Duration requestTimeout() {
        return Duration.ofMillis(getInt(REQUEST_TIMEOUT_MS));
    }

    private static URI toUri(String url) {
        String trimmed = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        try {
            URI uri = URI.create(trimmed);
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
                throw new ConfigException(SCHEMA_REGISTRY_URL, url, "must be an http:// or https:// URL");
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new ConfigException(SCHEMA_REGISTRY_URL, url, "not a URL: " + e.getMessage());
        }
    }
}
