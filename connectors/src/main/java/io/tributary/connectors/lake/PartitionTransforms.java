package io.tributary.connectors.lake;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;

/**
 * A lake table's partitioning as users write it ({@code day(order_ts), bucket(16, customer_id),
 * region}) as an Iceberg partition spec: identity, year, month, day, hour, bucket and truncate,
 * each checked against the table's columns with an error that names the part.
 */
final class PartitionTransforms {

    private static final Pattern CALL =
            Pattern.compile("(\\w+)\\s*\\(\\s*(?:(\\d+)\\s*,\\s*)?([^()]+?)\\s*\\)");

    private PartitionTransforms() {}

    /** The parts of a spec string, split at the commas between them. */
    static List<String> parts(String spec) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        StringBuilder cur = new StringBuilder();
        for (char c : spec.toCharArray()) {
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            }
            if (c == ',' && depth == 0) {
                out.add(cur.toString().trim());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        if (!cur.toString().isBlank()) {
            out.add(cur.toString().trim());
        }
        return out;
    }

    static PartitionSpec parse(String spec, Schema schema) {
        PartitionSpec.Builder b = PartitionSpec.builderFor(schema);
        if (spec == null || spec.isBlank()) {
            return b.build();
        }
        for (String part : parts(spec)) {
            Matcher m = CALL.matcher(part);
            try {
                if (!m.matches()) {
                    b.identity(column(part, schema, part));
                    continue;
                }
                String fn = m.group(1).toLowerCase(Locale.ROOT);
                String col = column(m.group(3), schema, part);
                Integer n = m.group(2) == null ? null : Integer.parseInt(m.group(2));
                switch (fn) {
                    case "year", "years" -> b.year(col);
                    case "month", "months" -> b.month(col);
                    case "day", "days" -> b.day(col);
                    case "hour", "hours" -> b.hour(col);
                    case "bucket" -> b.bucket(col, need(n, part, "bucket(N, column)"));
                    case "truncate" -> b.truncate(col, need(n, part, "truncate(W, column)"));
                    case "identity" -> b.identity(col);
                    default ->
                            throw new IllegalArgumentException(
                                    "partition-by '"
                                            + part
                                            + "': unknown transform '"
                                            + fn
                                            + "'; use year, month, day, hour, bucket(N, c),"
                                            + " truncate(W, c) or a column");
                }
            } catch (IllegalArgumentException
                    | org.apache.iceberg.exceptions.ValidationException e) {
                if (e.getMessage() != null && e.getMessage().startsWith("partition-by")) {
                    throw e;
                }
                throw new IllegalArgumentException(
                        "partition-by '" + part + "' does not apply: " + e.getMessage(), e);
            }
        }
        return b.build();
    }

    private static String column(String name, Schema schema, String part) {
        String n = name.trim().replaceAll("^`(.*)`$", "$1");
        if (schema.findField(n) == null) {
            throw new IllegalArgumentException(
                    "partition-by '"
                            + part
                            + "': no column '"
                            + n
                            + "'; the columns are "
                            + schema.columns().stream().map(f -> f.name()).toList());
        }
        return n;
    }

    private static int need(Integer n, String part, String form) {
        if (n == null || n <= 0) {
            throw new IllegalArgumentException(
                    "partition-by '" + part + "': write it as " + form + " with N > 0");
        }
        return n;
    }
}
