package io.autoactivator.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.specific.SpecificData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** House rules for the contracts: one file per record, stable namespace, every type and field documented. */
class SchemaContractTest {

    private static final Path AVRO_SOURCES = Path.of("src/main/avro");

    static List<Schema> schemas() throws IOException {
        try (Stream<Path> files = Files.list(AVRO_SOURCES)) {
            List<Schema> schemas = new ArrayList<>();
            for (Path file : files.filter(f -> f.toString().endsWith(".avsc")).sorted().toList()) {
                Schema schema = new Schema.Parser().parse(file.toFile());
                assertThat(file.getFileName().toString()).as("one record per file, named after it")
                        .isEqualTo(schema.getName() + ".avsc");
                schemas.add(schema);
            }
            return schemas;
        }
    }

    @Test
    void thereIsOneSchemaFilePerTopLevelRecord() throws IOException {
        assertThat(schemas()).extracting(Schema::getName).containsExactlyInAnyOrder("DeadLetter", "LabelledSample",
                "ModelCommand", "ModelSnapshot", "Prediction", "PredictionRequest", "TaskBoundary");
    }

    @ParameterizedTest
    @MethodSource("schemas")
    void everyNamedTypeIsInTheStableNamespaceAndDocumented(Schema schema) {
        for (Schema named : namedTypes(schema, new ArrayList<>())) {
            assertThat(named.getNamespace()).as(named.getName()).isEqualTo("io.autoactivator.schemas");
            assertThat(named.getDoc()).as(named.getName() + " doc").isNotBlank();
        }
    }

    @ParameterizedTest
    @MethodSource("schemas")
    void everyFieldIsDocumented(Schema schema) {
        for (Schema named : namedTypes(schema, new ArrayList<>())) {
            if (named.getType() == Schema.Type.RECORD) {
                for (Schema.Field field : named.getFields()) {
                    assertThat(field.doc()).as(named.getName() + "." + field.name() + " doc").isNotBlank();
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("schemas")
    void theGeneratedClassesAreBuiltFromTheseFiles(Schema schema) throws ClassNotFoundException {
        // The generated SCHEMA$ adds "avro.java.string" properties, so compare what goes on the wire.
        Schema generated = SpecificData.get().getSchema(Class.forName(schema.getFullName()));

        assertThat(SchemaNormalization.toParsingForm(generated)).isEqualTo(SchemaNormalization.toParsingForm(schema));
        assertThat(generated.getDoc()).isEqualTo(schema.getDoc());
    }

    private static List<Schema> namedTypes(Schema schema, List<Schema> seen) {
        switch (schema.getType()) {
            case RECORD -> {
                if (seen.stream().noneMatch(s -> s == schema)) {
                    seen.add(schema);
                    schema.getFields().forEach(field -> namedTypes(field.schema(), seen));
                }
            }
            case ENUM, FIXED -> seen.add(schema);
            case ARRAY -> namedTypes(schema.getElementType(), seen);
            case MAP -> namedTypes(schema.getValueType(), seen);
            case UNION -> schema.getTypes().forEach(type -> namedTypes(type, seen));
            default -> {
            }
        }
        return seen;
    }
}
