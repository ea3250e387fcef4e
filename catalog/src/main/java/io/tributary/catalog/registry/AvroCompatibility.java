package io.tributary.catalog.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;

/**
 * Checks a new Avro schema against earlier versions under a compatibility level, with Avro's own
 * reader/writer checker; each problem names the fields it concerns.
 */
public final class AvroCompatibility {

    private AvroCompatibility() {}

    /**
     * Problems that keep {@code candidate} from being accepted after {@code previous} (oldest
     * first); empty when it is compatible.
     */
    public static List<String> check(
            Schema candidate, List<Schema> previous, CompatibilityLevel level) {
        List<String> problems = new ArrayList<>();
        if (level == CompatibilityLevel.NONE || previous.isEmpty()) {
            return problems;
        }
        List<Schema> against =
                level.transitive() ? previous : List.of(previous.get(previous.size() - 1));
        for (Schema earlier : against) {
            if (level.backward()) {
                describe(
                        candidate,
                        earlier,
                        "BACKWARD: the new schema cannot read data written with",
                        problems);
            }
            if (level.forward()) {
                describe(
                        earlier,
                        candidate,
                        "FORWARD: data written with the new schema cannot be read by",
                        problems);
            }
        }
        return problems;
    }

    private static void describe(Schema reader, Schema writer, String what, List<String> problems) {
        var result = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getResult();
        if (result.getCompatibility() == SchemaCompatibilityType.COMPATIBLE) {
            return;
        }
        Schema other = what.startsWith("BACKWARD") ? writer : reader;
        List<String> fields = incompatibleFields(reader, writer, "");
        String detail =
                result.getIncompatibilities().stream()
                        .map(i -> i.getType() + ": " + i.getMessage())
                        .distinct()
                        .collect(Collectors.joining("; "));
        problems.add(
                what
                        + " schema "
                        + other.getFullName()
                        + (fields.isEmpty() ? "" : ": field " + String.join(", ", fields))
                        + " ("
                        + detail
                        + ")");
    }

    /**
     * The (dotted) names of the reader's fields that cannot read the writer's: missing without a
     * default, or of a type that does not resolve. Avro's own locations lose the field inside
     * unions, so the records are compared field by field.
     */
    static List<String> incompatibleFields(Schema reader, Schema writer, String prefix) {
        List<String> out = new ArrayList<>();
        Schema r = recordOf(reader);
        Schema w = recordOf(writer);
        if (r == null || w == null) {
            return out;
        }
        for (Schema.Field rf : r.getFields()) {
            Schema.Field wf = w.getField(rf.name());
            if (wf == null) {
                if (!rf.hasDefaultValue()) {
                    out.add(prefix + rf.name());
                }
                continue;
            }
            SchemaCompatibilityType type =
                    SchemaCompatibility.checkReaderWriterCompatibility(rf.schema(), wf.schema())
                            .getType();
            if (type != SchemaCompatibilityType.COMPATIBLE) {
                List<String> nested =
                        incompatibleFields(rf.schema(), wf.schema(), prefix + rf.name() + ".");
                out.addAll(nested.isEmpty() ? List.of(prefix + rf.name()) : nested);
            }
        }
        return out;
    }

    private static Schema recordOf(Schema s) {
        if (s.getType() == Schema.Type.RECORD) {
            return s;
        }
        if (s.getType() == Schema.Type.UNION) {
            return s.getTypes().stream()
                    .filter(t -> t.getType() == Schema.Type.RECORD)
                    .findFirst()
                    .orElse(null);
        }
        return null;
    }
}
