package io.autoactivator.schemas.serde;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.apache.avro.Schema;

/**
 * Every schema version we have released, read from {@code io/autoactivator/schemas/released/index.txt}.
 *
 * <p>Why: a single-object decoder only knows the writer schemas it was given; records written by older
 * producers carry an older fingerprint. Keeping each release's .avsc files as resources lets the decoder
 * register them all and lets the evolution tests check compatibility against them.
 */
public final class ReleasedSchemas {

    static final String FOLDER = "/io/autoactivator/schemas/released/";

    private static final List<Schema> ALL = load();

    private ReleasedSchemas() {
    }

    /** All released schemas of every record type, in index order. */
    public static List<Schema> all() {
        return ALL;
    }

    /** Released versions of the record named {@code fullName}, oldest first. */
    public static List<Schema> of(String fullName) {
        return ALL.stream().filter(s -> s.getFullName().equals(fullName)).toList();
    }

    private static List<Schema> load() {
        List<Schema> schemas = new ArrayList<>();
        for (String path : lines(FOLDER + "index.txt")) {
            try (InputStream in = open(FOLDER + path)) {
                schemas.add(new Schema.Parser().parse(in));
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read released schema " + FOLDER + path, e);
            }
        }
        return List.copyOf(schemas);
    }

    private static List<String> lines(String resource) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(open(resource), StandardCharsets.UTF_8))) {
            return reader.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + resource, e);
        }
    }

    private static InputStream open(String resource) {
        InputStream in = ReleasedSchemas.class.getResourceAsStream(resource);
        if (in == null) {
            throw new IllegalStateException("Missing classpath resource " + resource);
        }
        return in;
    }
}
