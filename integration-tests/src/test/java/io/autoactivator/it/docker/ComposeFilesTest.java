package io.autoactivator.it.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.Yaml;

/**
 * docker/compose.yaml and its GPU override, checked without Docker: they parse, refer only to services, files,
 * ports and variables that exist, and run only subcommands the CLI has.
 */
class ComposeFilesTest {

    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(:?[-?+][^}]*)?}");

    @ParameterizedTest
    @ValueSource(strings = {"docker/compose.yaml", "docker/compose.gpu.yaml"})
    void parsesAndDependsOnlyOnServicesThatExist(String file) {
        Map<String, Object> services = services(file);
        Set<String> known = new LinkedHashSet<>(services("docker/compose.yaml").keySet());

        assertThat(services).isNotEmpty();
        assertThat(known).as("an override only changes base services").containsAll(services.keySet());
        services.forEach((name, spec) -> {
            Object deps = map(spec).get("depends_on");
            List<String> names = deps instanceof Map<?, ?> m ? m.keySet().stream().map(String::valueOf).toList()
                    : deps instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of();
            assertThat(names).as("depends_on of %s", name).allMatch(known::contains).doesNotContain(name);
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker/compose.yaml", "docker/compose.gpu.yaml"})
    void everyVariableHasADefaultAndIsDocumented(String file) {
        String text = RepoFiles.read(file);
        String readme = RepoFiles.read("docker/README.md");
        Matcher m = VARIABLE.matcher(text);
        List<String> seen = new ArrayList<>();
        while (m.find()) {
            seen.add(m.group(1));
            assertThat(m.group(2)).as("${%s} needs a default (${%s:-...})", m.group(1), m.group(1))
                    .isNotNull().startsWith(":-");
            assertThat(readme).as("docker/README.md documents %s", m.group(1)).contains("`" + m.group(1) + "`");
        }
        assertThat(text.replaceAll("\\$\\{[^}]*}", "")).as("bare $VAR references").doesNotContainPattern("\\$[A-Za-z_]");
        if (file.endsWith("compose.yaml")) {
            assertThat(seen).contains("DATA_DIR");
        }
    }

    @Test
    void theAppListensOn8080AndIsCheckedThere() {
        Map<String, Object> app = map(services("docker/compose.yaml").get("app"));
        Map<String, Object> env = map(app.get("environment"));

        assertThat(String.valueOf(env.get("AUTOACTIVATOR_HTTP_PORT"))).isEqualTo(String.valueOf(RepoFiles.APP_HTTP_PORT));
        assertThat(list(app.get("ports"))).isNotEmpty()
                .allSatisfy(p -> assertThat(String.valueOf(p)).endsWith(":" + RepoFiles.APP_HTTP_PORT));
        String probe = String.valueOf(map(app.get("healthcheck")).get("test"));
        assertThat(probe).containsPattern("http://localhost:" + RepoFiles.APP_HTTP_PORT + "/health/(live|ready)");
        assertThat(String.valueOf(map(app.get("deploy")).get("replicas"))).contains("2");
        assertThat(String.valueOf(map(app.get("build")).get("dockerfile"))).isEqualTo("docker/Dockerfile");
        assertThat(String.valueOf(map(app.get("build")).get("context"))).isEqualTo("..");
    }

    @Test
    void theAppReachesKafkaAndTheRegistryOnTheirInternalListeners() {
        Map<String, Object> services = services("docker/compose.yaml");
        Map<String, Object> appEnv = map(map(services.get("app")).get("environment"));
        Map<String, Object> kafkaEnv = map(map(services.get("kafka")).get("environment"));
        Map<String, Object> registryEnv = map(map(services.get("schema-registry")).get("environment"));

        assertThat(String.valueOf(kafkaEnv.get("KAFKA_ADVERTISED_LISTENERS")))
                .contains("://" + appEnv.get("AUTOACTIVATOR_BOOTSTRAP_SERVERS"));
        assertThat(String.valueOf(registryEnv.get("SCHEMA_REGISTRY_LISTENERS")))
                .endsWith(":" + port(String.valueOf(appEnv.get("AUTOACTIVATOR_SCHEMA_REGISTRY_URL"))));
        assertThat(String.valueOf(appEnv.get("AUTOACTIVATOR_SCHEMA_REGISTRY_URL"))).startsWith("http://schema-registry:");
        assertThat(String.valueOf(map(services.get("kafka")).get("image"))).startsWith("apache/kafka:${KAFKA_VERSION:-4.");
        assertThat(String.valueOf(map(services.get("schema-registry")).get("image")))
                .matches("confluentinc/cp-schema-registry:\\$\\{SCHEMA_REGISTRY_VERSION:-\\d+\\.\\d+\\.\\d+}");
    }

    @Test
    void servicesRunOnlySubcommandsTheCliHas() {
        Set<String> subcommands = RepoFiles.cliSubcommands();
        Map<String, Object> services = services("docker/compose.yaml");
        for (String service : List.of("app", "publisher")) {
            List<Object> command = list(map(services.get(service)).get("command"));
            assertThat(command).as("%s command", service).isNotEmpty();
            assertThat(String.valueOf(command.get(0))).as("%s subcommand", service).isIn(subcommands);
        }
        assertThat(list(map(services.get("publisher")).get("command"))).first().isEqualTo("publish");
        assertThat(list(map(services.get("app")).get("command"))).first().isEqualTo("serve");
    }

    @Test
    void thePublisherReadsTheDatasetFromAMountedDirectory() {
        Map<String, Object> publisher = map(services("docker/compose.yaml").get("publisher"));
        assertThat(list(publisher.get("volumes"))).anySatisfy(v ->
                assertThat(String.valueOf(v)).isEqualTo("${DATA_DIR:-../../shared/data}:/data:ro"));
        assertThat(map(publisher.get("environment"))).containsEntry("AUTOACTIVATOR_DATA_DIR", "/data");
        assertThat(String.valueOf(publisher.get("restart"))).isEqualTo("no");
    }

    @Test
    void theGpuOverrideReservesAnNvidiaDeviceAndUsesTheGpuImage() {
        Map<String, Object> app = map(services("docker/compose.gpu.yaml").get("app"));
        Map<String, Object> reservations = map(map(map(app.get("deploy")).get("resources")).get("reservations"));
        Map<String, Object> device = map(list(reservations.get("devices")).get(0));

        assertThat(device).containsEntry("driver", "nvidia");
        assertThat(list(device.get("capabilities"))).contains("gpu");
        assertThat(String.valueOf(map(app.get("build")).get("dockerfile"))).isEqualTo("docker/Dockerfile.gpu");
        assertThat(RepoFiles.root().resolve("docker/Dockerfile.gpu")).isRegularFile();
    }

    @Test
    void namedVolumesAreDeclared() {
        Map<String, Object> doc = load("docker/compose.yaml");
        Set<String> declared = map(doc.get("volumes")).keySet();
        services("docker/compose.yaml").forEach((name, spec) -> list(map(spec).getOrDefault("volumes", List.of()))
                .forEach(v -> {
                    String source = String.valueOf(v).split(":")[0];
                    if (!source.startsWith(".") && !source.startsWith("/") && !source.startsWith("$")) {
                        assertThat(declared).as("volume %s of %s", source, name).contains(source);
                    }
                }));
    }

    private static String port(String url) {
        return url.replaceAll("^.*:(\\d+)/?$", "$1");
    }

    private static Map<String, Object> load(String file) {
        Object doc = new Yaml().load(RepoFiles.read(file));
        assertThat(doc).as(file).isInstanceOf(Map.class);
        return map(doc);
    }

    private static Map<String, Object> services(String file) {
        return map(load(file).get("services"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return o == null ? new LinkedHashMap<>() : (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o) {
        return o == null ? List.of() : (List<Object>) o;
    }
}
