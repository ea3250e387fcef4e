package io.tributary.jobs.quality;

import io.tributary.jobs.quality.DqRule.Level;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.LogicalTypeFamily;

/**
 * How a ruleset is measured over a window of records. Each rule gets its inputs as hidden columns
 * of the checked view, computed in the same operator as the row checks ({@link #columns}): a rule's
 * scope ({@code __dq_<i>_w}, its {@code where}) and its value ({@code __dq_<i>_v}: a not-null test
 * for Completeness, the number for Mean / Sum / StandardDeviation, the key for Uniqueness, the row
 * condition of a rule {@code with threshold}). A row rule is measured from {@code dq_failed_rules}:
 * the share of records that passed it.
 */
public final class WindowRules {

    private WindowRules() {}

    /** What a rule measures over a window. */
    public enum Measure {
        /** A row rule: the share of records passing; passes when none failed. */
        ROW,
        ROW_COUNT,
        COMPLETENESS,
        MEAN,
        SUM,
        STANDARD_DEVIATION,
        /** Share of values seen exactly once (IsUnique: 1.0, IsPrimaryKey: and complete). */
        UNIQUENESS,
        /** The share of records meeting the rule's condition, against its threshold. */
        THRESHOLD
    }

    public static Measure measure(DqRule r) {
        if (r.level() != Level.DATASET) {
            return Measure.ROW;
        }
        if (r.composite()) {
            throw new DqdlException(
                    r.line(),
                    "'" + r.text() + "' joins a rule measured over a window: not evaluated yet");
        }
        if (r.threshold() != null) {
            return Measure.THRESHOLD;
        }
        return switch (r.type()) {
            case "RowCount" -> Measure.ROW_COUNT;
            case "Completeness" -> Measure.COMPLETENESS;
            case "Mean" -> Measure.MEAN;
            case "Sum" -> Measure.SUM;
            case "StandardDeviation" -> Measure.STANDARD_DEVIATION;
            case "Uniqueness", "IsUnique", "IsPrimaryKey" -> Measure.UNIQUENESS;
            default ->
                    throw new DqdlException(
                            r.line(),
                            "'"
                                    + r.text()
                                    + "' is not measured over a window by this version of"
                                    + " Tributary");
        };
    }

    public static String scopeColumn(int i) {
        return "__dq_" + i + "_w";
    }

    public static String valueColumn(int i) {
        return "__dq_" + i + "_v";
    }

    /**
     * Whether the window meter reads {@code r}'s value from its column as it is, so the translator
     * adds no hidden column for it: a column no pii action changes ({@code masked}), whole ({@code
     * Completeness}), a number ({@code Mean}, {@code Sum}, {@code StandardDeviation}), or the one
     * integer or string column of a uniqueness rule. A hidden column per record costs a projection
     * of every record in front of the meter.
     */
    public static boolean readsDirectly(
            DqRule r, Map<String, LogicalType> types, java.util.Set<String> masked) {
        Measure m = measure(r);
        if (r.arguments().size() != 1 || masked.contains(r.column())) {
            return false;
        }
        LogicalType t = types.get(r.column());
        if (t == null) {
            return false;
        }
        return switch (m) {
            case COMPLETENESS -> true;
            case MEAN, SUM, STANDARD_DEVIATION -> t.is(LogicalTypeFamily.NUMERIC);
            case UNIQUENESS ->
                    t.is(LogicalTypeFamily.INTEGER_NUMERIC)
                            || t.is(LogicalTypeFamily.CHARACTER_STRING);
            default -> false;
        };
    }

    /**
     * The hidden columns (name to SQL expression) the window measures of {@code rules} read: a
     * rule's scope when it has a {@code where} (without one, every record is in scope), and its
     * value unless the meter reads its column as it is ({@link #readsDirectly}; {@code masked}: the
     * columns pii actions change or drop).
     */
    public static Map<String, String> columns(
            List<DqRule> rules, Map<String, LogicalType> types, java.util.Set<String> masked) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < rules.size(); i++) {
            DqRule r = rules.get(i);
            Measure m = measure(r);
            if (m == Measure.ROW) {
                continue;
            }
            if (r.where() != null) {
                out.put(scopeColumn(i), "COALESCE((" + r.where() + "), FALSE)");
            }
            if (m != Measure.ROW_COUNT && readsDirectly(r, types, masked)) {
                // checked as the hidden column would be: an error names the rule's line
                RowRules.id(r, r.column(), types);
                continue;
            }
            switch (m) {
                case COMPLETENESS ->
                        out.put(valueColumn(i), id(r, r.column(), types) + " IS NOT NULL");
                case MEAN, SUM, STANDARD_DEVIATION -> {
                    String c = id(r, r.column(), types);
                    LogicalType t = types.get(r.column());
                    if (!t.is(LogicalTypeFamily.NUMERIC)) {
                        throw new DqdlException(
                                r.line(),
                                r.type()
                                        + " measures numbers: '"
                                        + r.column()
                                        + "' is "
                                        + t.asSummaryString());
                    }
                    out.put(valueColumn(i), "CAST(" + c + " AS DOUBLE)");
                }
                case UNIQUENESS -> {
                    List<String> parts = new ArrayList<>();
                    List<String> complete = new ArrayList<>();
                    for (String col : r.arguments()) {
                        String c = id(r, col, types);
                        parts.add("CAST(" + c + " AS STRING)");
                        complete.add(c + " IS NOT NULL");
                    }
                    // a key of several columns: their values joined by a separator data rarely
                    // holds (U+001F); a NULL in a key makes the key NULL (never counted unique)
                    out.put(
                            valueColumn(i),
                            "CASE WHEN "
                                    + String.join(" AND ", complete)
                                    + " THEN "
                                    + (parts.size() == 1
                                            ? parts.get(0)
                                            : "CONCAT_WS(CHR(31), "
                                                    + String.join(", ", parts)
                                                    + ")")
                                    + " END");
                }
                case THRESHOLD -> {
                    DqRule bare =
                            new DqRule(
                                    r.type(),
                                    r.arguments(),
                                    r.constraint(),
                                    null,
                                    null,
                                    null,
                                    List.of(),
                                    r.text(),
                                    r.line(),
                                    null);
                    out.put(valueColumn(i), RowRules.condition(bare, types));
                }
                default -> {}
            }
        }
        return out;
    }

    private static String id(DqRule r, String column, Map<String, LogicalType> types) {
        return RowRules.id(r, column, types);
    }

    /** Whether a measured window passes {@code r}. */
    static boolean passes(DqRule r, Measure m, Double value, long inScope, long failedRows) {
        return switch (m) {
            case ROW -> failedRows == 0;
            case ROW_COUNT -> RowRules.holds(BigDecimal.valueOf(inScope), r.constraint());
            case UNIQUENESS -> {
                if (inScope == 0) {
                    yield true;
                }
                if (r.type().equals("IsUnique") || r.type().equals("IsPrimaryKey")) {
                    yield value != null && value >= 1.0;
                }
                yield value != null && RowRules.holds(BigDecimal.valueOf(value), r.constraint());
            }
            case THRESHOLD ->
                    inScope == 0
                            || value != null
                                    && RowRules.holds(BigDecimal.valueOf(value), r.threshold());
            default ->
                    inScope == 0
                            || value != null
                                    && RowRules.holds(BigDecimal.valueOf(value), r.constraint());
        };
    }
}
