package io.autoactivator.schemas.serde;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.avro.Schema;

/**
 * Which of a writer schema's fields a field-by-field body reader reads itself, computed once per writer schema.
 *
 * <p>Why: a reader that wants a few fields of a record without Avro building the record (a sample's ids and
 * whether its features are finite, a query's ids and its features as a {@code float[]}) may read a field directly
 * only when the writer wrote it with exactly the type the current schema has; every other field is skipped by
 * Avro, and a writer that differs in any wanted field (a promotion, a union, an alias, a missing field) is left to
 * Avro's resolving reader. This class owns that decision for every such reader.
 */
final class FieldPlan {

    /** A writer field no slot wants: skipped by Avro. */
    static final int SKIP = -1;

    private final Schema current;
    private final List<String> wanted;
    /** Per writer schema: the slot of each of its fields, or {@link #RESOLVE}. */
    private final Map<Schema, int[]> plans = new ConcurrentHashMap<>();
    private static final int[] RESOLVE = new int[0];

    /**
     * @param current the generated class's schema
     * @param wanted  the fields the reader reads itself; a field's slot is its index in this list
     */
    FieldPlan(Schema current, List<String> wanted) {
        this.current = current;
        this.wanted = List.copyOf(wanted);
    }

    /**
     * For each field of {@code writer} (in its order) the slot it fills, or {@link #SKIP}; {@code null} when the
     * record must be resolved by Avro (another record type, a wanted field missing or written with another type).
     */
    int[] of(Schema writer) {
        int[] plan = plans.computeIfAbsent(writer, this::plan);
        return plan == RESOLVE ? null : plan;
    }

    private int[] plan(Schema writer) {
        if (writer.getType() != Schema.Type.RECORD || !writer.getFullName().equals(current.getFullName())) {
            return RESOLVE;
        }
        int[] plan = new int[writer.getFields().size()];
        int found = 0;
        for (Schema.Field field : writer.getFields()) {
            int slot = wanted.indexOf(field.name());
            if (slot >= 0) {
                Schema.Field ours = current.getField(field.name());
                if (ours == null || !ours.aliases().isEmpty() || !sameType(field.schema(), ours.schema())) {
                    return RESOLVE;
                }
                found++;
            }
            plan[field.pos()] = slot >= 0 ? slot : SKIP;
        }
        return found == wanted.size() ? plan : RESOLVE;
    }

    /** Same type, same element type for an array, the same branches in the same order for a union. */
    private static boolean sameType(Schema written, Schema read) {
        if (written.getType() != read.getType()) {
            return false;
        }
        return switch (written.getType()) {
            case ARRAY -> written.getElementType().getType() == read.getElementType().getType()
                    && written.getElementType().getType() != Schema.Type.UNION;
            case UNION -> {
                List<Schema> w = written.getTypes();
                List<Schema> r = read.getTypes();
                boolean same = w.size() == r.size();
                for (int i = 0; same && i < w.size(); i++) {
                    same = w.get(i).getType() == r.get(i).getType() && isPrimitive(w.get(i));
                }
                yield same;
            }
            default -> isPrimitive(written);
        };
    }

    private static boolean isPrimitive(Schema s) {
        return switch (s.getType()) {
            case NULL, BOOLEAN, INT, LONG, FLOAT, DOUBLE, STRING, BYTES -> true;
            default -> false;
        };
    }
}
