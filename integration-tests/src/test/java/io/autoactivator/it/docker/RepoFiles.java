package io.autoactivator.it.docker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;

import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

/** The repository's build and docker files, read as text; no Docker engine needed. */
final class RepoFiles {

    /** The CLI's subcommands (io.autoactivator.app.cli.AutoActivatorCli), used while that class is not built yet. */
    static final Set<String> DOCUMENTED_SUBCOMMANDS =
            Set.of("demo", "serve", "publish", "query", "snapshots", "promote", "rollback", "bench");

    /**
     * The CLI's subcommands: read from the {@code @Command} annotations of AutoActivatorCli once it is built
     * (no instantiation), otherwise the documented list.
     */
    static Set<String> cliSubcommands() {
        Class<?> cli;
        try {
            cli = Class.forName("io.autoactivator.app.cli.AutoActivatorCli");
        } catch (ClassNotFoundException e) {
            return DOCUMENTED_SUBCOMMANDS;
        }
        picocli.CommandLine.Command top = cli.getAnnotation(picocli.CommandLine.Command.class);
        Set<String> names = new java.util.TreeSet<>();
        for (Class<?> sub : top.subcommands()) {
            picocli.CommandLine.Command c = sub.getAnnotation(picocli.CommandLine.Command.class);
            if (c != null) {
                names.add(c.name());
                names.addAll(List.of(c.aliases()));
            }
        }
        for (java.lang.reflect.Method m : cli.getDeclaredMethods()) { // @Command-annotated methods are subcommands too
            picocli.CommandLine.Command c = m.getAnnotation(picocli.CommandLine.Command.class);
            if (c != null) {
                names.add(c.name().isEmpty() ? m.getName() : c.name());
            }
        }
        return names;
    }

    /** The port the app's HTTP server (health, metrics) listens on by default. */
    static final int APP_HTTP_PORT = 8080;

    private RepoFiles() {
    }

    static Path root() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null) {
            if (Files.isRegularFile(p.resolve("mvnw")) && Files.isDirectory(p.resolve("docker"))) {
                return p;
            }
            p = p.getParent();
        }
        throw new IllegalStateException("repository root (with mvnw and docker/) not found above " + Path.of("").toAbsolutePath());
    }

    static String read(String relative) {
        try {
            return Files.readString(root().resolve(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> lines(String relative) {
        return read(relative).lines().toList();
    }

    /** streams-app's executable jar as the build names it: the shade plugin's outputFile. */
    static String appJarPath() {
        String output = xpath("streams-app/pom.xml",
                "/project/build/plugins/plugin[artifactId='maven-shade-plugin']/executions/execution/configuration/outputFile");
        return output.replace("${project.build.directory}", "streams-app/target");
    }

    /** Ids of the profiles in the parent pom. */
    static List<String> parentProfiles() {
        NodeList ids = (NodeList) evaluate("pom.xml", "/project/profiles/profile/id", XPathConstants.NODESET);
        return java.util.stream.IntStream.range(0, ids.getLength()).mapToObj(i -> ids.item(i).getTextContent().trim()).toList();
    }

    static String xpath(String pom, String expression) {
        String value = ((String) evaluate(pom, expression, XPathConstants.STRING)).trim();
        if (value.isEmpty()) {
            throw new IllegalStateException(expression + " is empty in " + pom);
        }
        return value;
    }

    private static Object evaluate(String pom, String expression, javax.xml.namespace.QName type) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(false);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            Document doc = f.newDocumentBuilder().parse(root().resolve(pom).toFile());
            return XPathFactory.newInstance().newXPath().evaluate(expression, doc, type);
        } catch (Exception e) {
            throw new IllegalStateException("cannot read " + expression + " from " + pom, e);
        }
    }
}
