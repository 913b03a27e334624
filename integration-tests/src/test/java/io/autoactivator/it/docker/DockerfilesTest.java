package io.autoactivator.it.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * What can be checked of the Dockerfiles without a Docker engine: they build with the wrapper, copy the jar the
 * build really produces, run it as a non-root user and have a health check on the app's endpoint.
 */
class DockerfilesTest {

    private static final Pattern HEALTH_URL = Pattern.compile("http://localhost:(\\S+?)/health/(live|ready)");

    @ParameterizedTest
    @ValueSource(strings = {"docker/Dockerfile", "docker/Dockerfile.gpu"})
    void buildsWithTheWrapperAndCopiesTheRealJar(String dockerfile) {
        String text = RepoFiles.read(dockerfile);
        String jar = RepoFiles.appJarPath();

        assertThat(runLines(text)).anyMatch(l -> l.contains("./mvnw ") && l.contains(" package"));
        assertThat(text).contains(jar);
        assertThat(RepoFiles.root().resolve(jar).getParent().getParent()).isDirectory(); // streams-app/ exists
        // the jar is copied under one name and run under that name
        String runJar = entrypointJar(text);
        assertThat(text).contains("COPY --from=build /autoactivator.jar " + runJar);
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker/Dockerfile", "docker/Dockerfile.gpu"})
    void runsAsNonRootWithAHealthCheckOnTheAppPort(String dockerfile) {
        String text = RepoFiles.read(dockerfile);
        List<String> lastStage = lastStage(text);

        List<String> users = lastStage.stream().filter(l -> l.startsWith("USER ")).toList();
        assertThat(users).as("USER in the final stage").isNotEmpty();
        String user = users.get(users.size() - 1).substring(5).trim().split(":")[0];
        assertThat(user).isNotIn("root", "0");
        assertThat(String.join("\n", lastStage)).contains("useradd").contains(user);

        String healthcheck = String.join(" ", lastStage.stream()
                .dropWhile(l -> !l.startsWith("HEALTHCHECK")).limit(2).toList());
        Matcher m = HEALTH_URL.matcher(healthcheck);
        assertThat(m.find()).as("HEALTHCHECK hits /health/live or /health/ready: %s", healthcheck).isTrue();
        String port = m.group(1);
        if (port.startsWith("${")) { // e.g. ${AUTOACTIVATOR_HTTP_PORT}: must be set to the app's port in the image
            String var = port.substring(2, port.length() - 1);
            assertThat(String.join("\n", lastStage)).containsPattern(Pattern.quote(var) + "=" + RepoFiles.APP_HTTP_PORT + "\\b");
        } else {
            assertThat(port).isEqualTo(String.valueOf(RepoFiles.APP_HTTP_PORT));
        }
        assertThat(lastStage).contains("EXPOSE " + RepoFiles.APP_HTTP_PORT);
    }

    @Test
    void cpuImageRunsOnASlimJre17() {
        assertThat(fromLines(RepoFiles.read("docker/Dockerfile"))).last().asString()
                .matches("FROM eclipse-temurin:17-jre(-\\w+)?");
        assertThat(RepoFiles.read("docker/Dockerfile")).doesNotContain("-Pcuda");
    }

    @Test
    void gpuImageBuildsWithTheCudaProfileOnACuda116Runtime() {
        String text = RepoFiles.read("docker/Dockerfile.gpu");
        assertThat(text).containsPattern("\\./mvnw [^\\n]*-Pcuda\\b");
        assertThat(RepoFiles.parentProfiles()).contains("cuda", "cuda-redist");
        assertThat(fromLines(text)).last().asString().matches("FROM nvidia/cuda:11\\.6(\\.\\d+)?-(cudnn8-)?runtime-ubuntu\\d+\\.\\d+");
    }

    @Test
    void theCudaProfileKeepsTheCpuBackendSoNd4jCanFallBack() {
        assertThat(RepoFiles.xpath("pom.xml", "/project/properties/nd4j.backend")).isEqualTo("nd4j-native");
        assertThat(RepoFiles.xpath("pom.xml", "/project/profiles/profile[id='cuda']/dependencies/dependency[1]/artifactId"))
                .isEqualTo("${nd4j.cuda.backend}");
        assertThat(RepoFiles.xpath("pom.xml", "/project/properties/nd4j.cuda.backend")).isEqualTo("nd4j-cuda-11.6");
        assertThat(RepoFiles.read("pom.xml")).doesNotContainPattern(
                "<id>cuda</id>\\s*<properties>\\s*<nd4j.backend>");
    }

    @Test
    void dockerignoreKeepsBuildOutputGitAndDataOutOfTheContext() {
        assertThat(RepoFiles.lines(".dockerignore")).contains("**/target/", ".git/", "data/");
    }

    private static String entrypointJar(String dockerfile) {
        Matcher m = Pattern.compile("ENTRYPOINT \\[\"java\", \"-jar\", \"([^\"]+)\"]").matcher(dockerfile);
        assertThat(m.find()).as("ENTRYPOINT runs java -jar").isTrue();
        return m.group(1);
    }

    private static List<String> fromLines(String dockerfile) {
        return dockerfile.lines().filter(l -> l.startsWith("FROM ")).map(l -> l.replaceAll(" AS \\w+$", "")).toList();
    }

    private static List<String> lastStage(String dockerfile) {
        List<String> lines = dockerfile.lines().toList();
        int from = 0;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("FROM ")) {
                from = i;
            }
        }
        return lines.subList(from, lines.size());
    }

    private static List<String> runLines(String dockerfile) {
        return dockerfile.lines().filter(l -> l.contains("./mvnw")).toList();
    }
}
