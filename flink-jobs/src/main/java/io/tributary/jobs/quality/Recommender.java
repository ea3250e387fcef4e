package io.tributary.jobs.quality;

import io.tributary.jobs.translator.Sql;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.LogicalTypeFamily;
import org.apache.flink.table.types.logical.LogicalTypeRoot;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;

/**
 * A starter DQDL ruleset for a table from a profile of its rows, as Glue's rule recommendations
 * propose one: the column count, each column's completeness ({@code IsComplete} when no value was
 * null, else {@code Completeness >=} what was seen), {@code IsUnique} for a column whose values
 * never repeated, the range of numbers, the lengths of text, and the set of values of a text column
 * with few of them. The profile is one bounded query (a batch job) over at most {@code rows} rows.
 * A column the crawler tagged as personal data never has its values written into the ruleset (no
 * {@code in [...]}).
 */
public final class Recommender {

    /** At most this many distinct values make a text column's {@code in [...]} rule. */
    static final int MAX_SET = 10;

    private static final String FEW_VALUES = "tributary_recommend_few_values";
    private static final com.fasterxml.jackson.databind.ObjectMapper READER =
            new com.fasterxml.jackson.databind.ObjectMapper();

    private Recommender() {}

    /** What the profile saw and the rules it proposes. */
    public record Recommendation(long rows, List<String> rules) {

        /** The ruleset as DQDL, one rule per line, with a header saying where it came from. */
        public String dqdl(String table) {
            StringBuilder b = new StringBuilder();
            b.append("# Recommended for ")
                    .append(table)
                    .append(" from a profile of ")
                    .append(rows)
                    .append(" row(s): what was seen, not a contract; review before use.\n");
            b.append("Rules = [\n");
            for (int i = 0; i < rules.size(); i++) {
                b.append("    ").append(rules.get(i)).append(i + 1 < rules.size() ? ",\n" : "\n");
            }
            return b.append("]\n").toString();
        }
    }

    /**
     * Profiles {@code table} (a path Flink resolves, quoted) through {@code env} (batch mode) and
     * proposes rules; {@code tags} names the columns tagged as personal data (column to tag).
     */
    public static Recommendation recommend(
            TableEnvironment env, String table, int rows, Map<String, String> tags)
            throws Exception {
        List<Column> columns = new ArrayList<>();
        for (Column c : env.from(table).getResolvedSchema().getColumns()) {
            if (c.isPhysical()) {
                columns.add(c);
            }
        }
        String from = "(SELECT * FROM " + table + " LIMIT " + rows + ") AS profiled";
        env.createTemporarySystemFunction(FEW_VALUES, new FewValues(MAX_SET));
        List<String> measures = new ArrayList<>();
        measures.add("COUNT(*)");
        for (Column c : columns) {
            String id = Sql.id(c.getName());
            LogicalType t = c.getDataType().getLogicalType();
            measures.add("COUNT(" + id + ")");
            measures.add(comparable(t) ? "COUNT(DISTINCT " + id + ")" : "CAST(-1 AS BIGINT)");
            if (numeric(t)) {
                measures.add("CAST(MIN(" + id + ") AS STRING)");
                measures.add("CAST(MAX(" + id + ") AS STRING)");
            } else if (text(t)) {
                measures.add("CAST(MIN(CHAR_LENGTH(" + id + ")) AS STRING)");
                measures.add("CAST(MAX(CHAR_LENGTH(" + id + ")) AS STRING)");
            } else {
                measures.add("CAST(NULL AS STRING)");
                measures.add("CAST(NULL AS STRING)");
            }
            // a value set in the same scan; never for a column tagged as personal data
            measures.add(
                    text(t) && !tags.containsKey(c.getName())
                            ? FEW_VALUES + "(CAST(" + id + " AS STRING))"
                            : "CAST(NULL AS STRING)");
        }
        Row profile = one(env, "SELECT " + String.join(", ", measures) + " FROM " + from);
        long count = (Long) profile.getField(0);
        List<String> rules = new ArrayList<>();
        rules.add("ColumnCount = " + columns.size());
        if (count == 0) {
            return new Recommendation(0, rules);
        }
        int f = 1;
        for (Column c : columns) {
            String name = c.getName();
            String quoted = "\"" + name.replace("\"", "\\\"") + "\"";
            LogicalType t = c.getDataType().getLogicalType();
            long present = (Long) profile.getField(f++);
            long distinct = ((Number) profile.getField(f++)).longValue();
            String low = (String) profile.getField(f++);
            String high = (String) profile.getField(f++);
            String few = (String) profile.getField(f++);
            if (present == count) {
                rules.add("IsComplete " + quoted);
            } else if (present > 0) {
                rules.add(
                        "Completeness "
                                + quoted
                                + " >= "
                                + BigDecimal.valueOf((double) present / count)
                                        .setScale(2, RoundingMode.FLOOR)
                                        .toPlainString());
            }
            if (present == 0) {
                continue;
            }
            if (distinct == present && present > 1) {
                rules.add("IsUnique " + quoted);
            }
            if (numeric(t) && low != null) {
                rules.add(
                        "ColumnValues "
                                + quoted
                                + (low.equals(high)
                                        ? " = " + number(low)
                                        : " between " + number(low) + " and " + number(high)));
            } else if (text(t) && low != null) {
                rules.add(
                        "ColumnLength "
                                + quoted
                                + (low.equals(high)
                                        ? " = " + low
                                        : " between " + low + " and " + high));
                boolean repeated = distinct > 0 && distinct <= MAX_SET && present >= 2 * distinct;
                if (repeated && few != null && !tags.containsKey(name)) {
                    rules.add("ColumnValues " + quoted + " in [" + values(few) + "]");
                }
            }
        }
        return new Recommendation(count, rules);
    }

    /** The values of {@link FewValues}' JSON array, quoted as DQDL lists them. */
    private static String values(String few) throws Exception {
        List<String> quoted = new ArrayList<>();
        for (com.fasterxml.jackson.databind.JsonNode v : READER.readTree(few)) {
            quoted.add("\"" + v.asText().replace("\"", "\\\"") + "\"");
        }
        return String.join(", ", quoted);
    }

    private static Row one(TableEnvironment env, String query) throws Exception {
        TableResult r = env.executeSql(query);
        try (CloseableIterator<Row> it = r.collect()) {
            return it.next();
        }
    }

    /** A number as DQDL writes it: no exponent, no trailing zeros. */
    private static String number(String s) {
        BigDecimal d = new BigDecimal(s).stripTrailingZeros();
        return d.scale() < 0 ? d.setScale(0).toPlainString() : d.toPlainString();
    }

    private static boolean numeric(LogicalType t) {
        return t.is(LogicalTypeFamily.NUMERIC);
    }

    private static boolean text(LogicalType t) {
        return t.is(LogicalTypeFamily.CHARACTER_STRING);
    }

    /** Types COUNT(DISTINCT) takes: not maps, arrays, rows or raw values. */
    private static boolean comparable(LogicalType t) {
        LogicalTypeRoot r = t.getTypeRoot();
        return r != LogicalTypeRoot.MAP
                && r != LogicalTypeRoot.ARRAY
                && r != LogicalTypeRoot.MULTISET
                && r != LogicalTypeRoot.ROW
                && r != LogicalTypeRoot.STRUCTURED_TYPE
                && r != LogicalTypeRoot.RAW;
    }
}
