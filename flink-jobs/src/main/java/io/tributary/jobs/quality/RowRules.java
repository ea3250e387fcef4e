package io.tributary.jobs.quality;

import io.tributary.jobs.quality.DqRule.Constraint;
import io.tributary.jobs.quality.DqRule.Keyword;
import io.tributary.jobs.quality.DqRule.Now;
import io.tributary.jobs.quality.DqRule.Num;
import io.tributary.jobs.quality.DqRule.Span;
import io.tributary.jobs.quality.DqRule.Str;
import io.tributary.jobs.quality.DqRule.Value;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.LogicalTypeFamily;
import org.apache.flink.table.types.logical.LogicalTypeRoot;

/**
 * The Flink SQL condition a record meets when it passes a row rule (or a schema rule, decided on
 * the columns the job is planned with). Conditions never yield NULL: as in Glue, a NULL fails every
 * rule but the negative ones ({@code !=}, {@code not in}, {@code not between}, {@code not
 * matches}), and a record outside a rule's {@code where} passes it (it is not checked).
 */
public final class RowRules {

    private static final Pattern CUSTOM_ROW =
            Pattern.compile(
                    "(?is)^\\s*select\\s+.+?\\s+from\\s+primary\\s+where\\s+(.+?)\\s*;?\\s*$");

    private RowRules() {}

    /**
     * The condition for {@code rule} over {@code columns} (name to type, in order); a rule that
     * names a missing column or does not fit its type is a {@link DqdlException} at its line.
     */
    public static String condition(DqRule rule, Map<String, LogicalType> columns) {
        String c = bare(rule, columns);
        if (rule.where() != null) {
            c = "CASE WHEN (" + rule.where() + ") THEN " + c + " ELSE TRUE END";
        }
        return c;
    }

    private static String bare(DqRule rule, Map<String, LogicalType> columns) {
        if (rule.composite()) {
            List<String> parts = new ArrayList<>();
            for (DqRule p : rule.parts()) {
                parts.add("(" + condition(p, columns) + ")");
            }
            return "(" + String.join(" " + rule.joiner().toUpperCase() + " ", parts) + ")";
        }
        return switch (rule.type()) {
            case "ColumnExists" -> columns.containsKey(rule.column()) ? "TRUE" : "FALSE";
            case "ColumnCount" ->
                    holds(new BigDecimal(columns.size()), rule.constraint()) ? "TRUE" : "FALSE";
            case "IsComplete" -> id(rule, columns) + " IS NOT NULL";
            case "ColumnValues" -> values(rule, columns);
            case "ColumnLength" -> {
                String col = id(rule, columns);
                if (!columns.get(rule.column()).is(LogicalTypeFamily.CHARACTER_STRING)) {
                    throw new DqdlException(
                            rule.line(),
                            "ColumnLength counts characters: '"
                                    + rule.column()
                                    + "' is "
                                    + columns.get(rule.column()).asSummaryString());
                }
                yield notNull(compare("CHAR_LENGTH(" + col + ")", rule.constraint(), rule, null));
            }
            case "DataFreshness" -> freshness(rule, columns);
            case "CustomSql" -> {
                Matcher m = CUSTOM_ROW.matcher(rule.column());
                if (!m.matches()) {
                    throw new DqdlException(
                            rule.line(),
                            "a CustomSql checked per record is 'select ... from primary where"
                                    + " <condition>'");
                }
                yield "COALESCE((" + m.group(1) + "), FALSE)";
            }
            default ->
                    throw new DqdlException(
                            rule.line(), rule.type() + " is not decided on one record");
        };
    }

    private static String id(DqRule rule, Map<String, LogicalType> columns) {
        return id(rule, rule.column(), columns);
    }

    /** {@code c} quoted, when it is one of {@code columns}; else an error at the rule. */
    static String id(DqRule rule, String c, Map<String, LogicalType> columns) {
        if (!columns.containsKey(c)) {
            throw new DqdlException(
                    rule.line(),
                    "'"
                            + c
                            + "' is not a column here ("
                            + String.join(", ", columns.keySet())
                            + ")");
        }
        return "`" + c.replace("`", "``") + "`";
    }

    private static String values(DqRule rule, Map<String, LogicalType> columns) {
        String col = id(rule, columns);
        LogicalType type = columns.get(rule.column());
        Constraint c = rule.constraint();
        boolean string = type.is(LogicalTypeFamily.CHARACTER_STRING);
        for (Value v : c.values()) {
            if (v instanceof Keyword k && !k.name().equals("NULL") && !string) {
                throw new DqdlException(
                        rule.line(),
                        k.name()
                                + " applies to strings: '"
                                + rule.column()
                                + "' is "
                                + type.asSummaryString());
            }
            if (v instanceof Span) {
                throw new DqdlException(
                        rule.line(),
                        "ColumnValues compares values; a duration is for DataFreshness");
            }
        }
        if (c.op().endsWith("matches") && !string) {
            throw new DqdlException(
                    rule.line(),
                    "matches applies to strings: '"
                            + rule.column()
                            + "' is "
                            + type.asSummaryString());
        }
        return compare(col, c, rule, type);
    }

    private static String freshness(DqRule rule, Map<String, LogicalType> columns) {
        String col = id(rule, columns);
        LogicalType type = columns.get(rule.column());
        String age;
        if (type.is(LogicalTypeRoot.TIMESTAMP_WITH_LOCAL_TIME_ZONE)) {
            age = "TIMESTAMPDIFF(SECOND, " + col + ", CURRENT_TIMESTAMP)";
        } else if (type.is(LogicalTypeRoot.TIMESTAMP_WITHOUT_TIME_ZONE)) {
            age = "TIMESTAMPDIFF(SECOND, " + col + ", LOCALTIMESTAMP)";
        } else if (type.is(LogicalTypeRoot.DATE)) {
            age = "TIMESTAMPDIFF(SECOND, CAST(" + col + " AS TIMESTAMP(3)), LOCALTIMESTAMP)";
        } else {
            throw new DqdlException(
                    rule.line(),
                    "DataFreshness measures a date or timestamp: '"
                            + rule.column()
                            + "' is "
                            + type.asSummaryString()
                            + " (cast it in a transform: resolve-choice)");
        }
        List<Value> seconds = new ArrayList<>();
        for (Value v : rule.constraint().values()) {
            seconds.add(new Num(BigDecimal.valueOf(((Span) v).duration().toSeconds())));
        }
        return notNull(compare(age, new Constraint(rule.constraint().op(), seconds), rule, null));
    }

    /** {@code subject op values} per DQDL's NULL rules (see the class comment). */
    private static String compare(String s, Constraint c, DqRule rule, LogicalType type) {
        List<Value> vs = c.values();
        return switch (c.op()) {
            case "=" -> equal(s, vs.get(0), type, rule);
            case "!=" -> {
                Value v = vs.get(0);
                if (v instanceof Keyword k && k.name().equals("NULL")) {
                    yield s + " IS NOT NULL";
                }
                yield "(" + s + " IS NULL OR NOT (" + equal(s, v, type, rule) + "))";
            }
            case ">", ">=", "<", "<=" ->
                    notNull(s + " " + c.op() + " " + literal(vs.get(0), type, rule));
            case "between" ->
                    notNull(
                            s
                                    + " BETWEEN "
                                    + literal(vs.get(0), type, rule)
                                    + " AND "
                                    + literal(vs.get(1), type, rule));
            case "not between" ->
                    "("
                            + s
                            + " IS NULL OR "
                            + s
                            + " NOT BETWEEN "
                            + literal(vs.get(0), type, rule)
                            + " AND "
                            + literal(vs.get(1), type, rule)
                            + ")";
            case "in", "not in" -> {
                List<String> alternatives = new ArrayList<>();
                List<String> plain = new ArrayList<>();
                boolean nullListed = false;
                for (Value v : vs) {
                    if (v instanceof Keyword k) {
                        nullListed |= k.name().equals("NULL");
                        alternatives.add(equal(s, v, type, rule));
                    } else {
                        plain.add(literal(v, type, rule));
                    }
                }
                if (!plain.isEmpty()) {
                    alternatives.add(s + " IN (" + String.join(", ", plain) + ")");
                }
                String any = "(" + String.join(" OR ", alternatives) + ")";
                if (c.op().equals("in")) {
                    yield notNull(any);
                }
                // not in: a NULL passes unless NULL is listed
                yield nullListed
                        ? "NOT " + notNull(any)
                        : "(" + s + " IS NULL OR NOT " + notNull(any) + ")";
            }
            case "matches" ->
                    notNull(
                            Matches.NAME
                                    + "("
                                    + s
                                    + ", "
                                    + quote("^(?:" + ((Str) vs.get(0)).value() + ")$")
                                    + ")");
            case "not matches" ->
                    "("
                            + s
                            + " IS NULL OR NOT "
                            + Matches.NAME
                            + "("
                            + s
                            + ", "
                            + quote("^(?:" + ((Str) vs.get(0)).value() + ")$")
                            + "))";
            default -> throw new DqdlException(rule.line(), "unknown operator " + c.op());
        };
    }

    private static String equal(String s, Value v, LogicalType type, DqRule rule) {
        if (v instanceof Keyword k) {
            return switch (k.name()) {
                case "NULL" -> s + " IS NULL";
                case "EMPTY" -> "COALESCE(" + s + " = '', FALSE)";
                default -> "COALESCE(CHAR_LENGTH(" + s + ") > 0 AND TRIM(" + s + ") = '', FALSE)";
            };
        }
        return notNull(s + " = " + literal(v, type, rule));
    }

    private static String literal(Value v, LogicalType type, DqRule rule) {
        if (v instanceof Num n) {
            return n.value().toPlainString();
        }
        if (v instanceof Str s) {
            return quote(s.value());
        }
        if (v instanceof Now now) {
            String base;
            if (type != null && type.is(LogicalTypeRoot.TIMESTAMP_WITH_LOCAL_TIME_ZONE)) {
                base = "CURRENT_TIMESTAMP";
            } else if (type != null && type.is(LogicalTypeRoot.DATE)) {
                base = "CURRENT_DATE";
            } else if (type != null && type.is(LogicalTypeRoot.TIMESTAMP_WITHOUT_TIME_ZONE)) {
                base = "LOCALTIMESTAMP";
            } else {
                throw new DqdlException(
                        rule.line(), "now() compares with dates and timestamps, not this column");
            }
            return shifted(base, now.shift());
        }
        throw new DqdlException(
                rule.line(), "NULL, EMPTY and WHITESPACES_ONLY go with =, != and in");
    }

    private static String shifted(String base, Duration shift) {
        if (shift.isZero()) {
            return base;
        }
        long seconds = Math.abs(shift.toSeconds());
        String interval =
                seconds % 86400 == 0
                        ? "INTERVAL '" + seconds / 86400 + "' DAY"
                        : seconds % 3600 == 0
                                ? "INTERVAL '" + seconds / 3600 + "' HOUR"
                                : seconds % 60 == 0
                                        ? "INTERVAL '" + seconds / 60 + "' MINUTE"
                                        : "INTERVAL '" + seconds + "' SECOND";
        return "(" + base + (shift.isNegative() ? " - " : " + ") + interval + ")";
    }

    /** Whether {@code n} meets a numeric constraint (for what is decided when planning). */
    public static boolean holds(BigDecimal n, Constraint c) {
        List<BigDecimal> v = new ArrayList<>();
        for (Value x : c.values()) {
            v.add(((Num) x).value());
        }
        return switch (c.op()) {
            case "=" -> n.compareTo(v.get(0)) == 0;
            case "!=" -> n.compareTo(v.get(0)) != 0;
            case ">" -> n.compareTo(v.get(0)) > 0;
            case ">=" -> n.compareTo(v.get(0)) >= 0;
            case "<" -> n.compareTo(v.get(0)) < 0;
            case "<=" -> n.compareTo(v.get(0)) <= 0;
            case "between" -> n.compareTo(v.get(0)) >= 0 && n.compareTo(v.get(1)) <= 0;
            case "not between" -> n.compareTo(v.get(0)) < 0 || n.compareTo(v.get(1)) > 0;
            case "in" -> v.stream().anyMatch(x -> x.compareTo(n) == 0);
            case "not in" -> v.stream().noneMatch(x -> x.compareTo(n) == 0);
            default -> false;
        };
    }

    private static String notNull(String condition) {
        return "COALESCE(" + condition + ", FALSE)";
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "''") + "'";
    }
}
