package io.tributary.jobs.quality;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;

/**
 * One rule of a DQDL ruleset as written: its type ({@code IsComplete}, {@code ColumnValues}, ...),
 * its column or SQL arguments, its constraint, its {@code where} filter and {@code with threshold},
 * or, for a composite rule, the rules it joins with {@code and} / {@code or}. {@code text} is the
 * rule as written (whitespace collapsed): the rule's name in results, metrics and quarantine
 * entries, as in Glue's.
 *
 * @param line the rule's 1-based line in the ruleset's text
 * @param over the declared window a window rule is measured over ({@code RowCount > 1000 over 1
 *     hour}), null for the checkpoint's
 */
public record DqRule(
        String type,
        List<String> arguments,
        Constraint constraint,
        Constraint threshold,
        String where,
        String joiner,
        List<DqRule> parts,
        String text,
        int line,
        Duration over) {

    /** Where a rule can be decided, which decides how the stream evaluates it. */
    public enum Level {
        /** On each record alone: the record passes or fails. */
        ROW,
        /** On the columns the job was planned with: once per plan. */
        SCHEMA,
        /** On a window of records (a checkpoint's, or a declared one). */
        DATASET
    }

    public boolean composite() {
        return joiner != null;
    }

    /** The column the rule is about (its first argument), for single-column rules. */
    public String column() {
        return arguments.isEmpty() ? null : arguments.get(0);
    }

    public Level level() {
        if (composite()) {
            Level worst = Level.ROW;
            for (DqRule p : parts) {
                if (p.level() == Level.DATASET) {
                    return Level.DATASET;
                }
                if (p.level() == Level.SCHEMA) {
                    worst = Level.SCHEMA;
                }
            }
            // a record passes (a) and (b) when it passes both: row rules compose per record
            return worst == Level.SCHEMA ? Level.ROW : worst;
        }
        if (threshold != null) {
            return Level.DATASET;
        }
        return switch (type) {
            case "IsComplete", "ColumnValues", "ColumnLength", "DataFreshness" -> Level.ROW;
            case "CustomSql" -> constraint == null ? Level.ROW : Level.DATASET;
            case "ColumnExists", "ColumnCount" -> Level.SCHEMA;
            default -> Level.DATASET;
        };
    }

    /**
     * What a rule's expression says: an operator ({@code =}, {@code !=}, {@code >}, {@code >=},
     * {@code <}, {@code <=}, {@code between}, {@code not between}, {@code in}, {@code not in},
     * {@code matches}, {@code not matches}) and its operands.
     */
    public record Constraint(String op, List<Value> values) {}

    /** An operand of a constraint. */
    public sealed interface Value {}

    /** A number, as written. */
    public record Num(BigDecimal value) implements Value {}

    /** A quoted string. */
    public record Str(String value) implements Value {}

    /** {@code NULL}, {@code EMPTY} or {@code WHITESPACES_ONLY}. */
    public record Keyword(String name) implements Value {}

    /** A duration such as {@code 24 hours} (DataFreshness). */
    public record Span(Duration duration, String written) implements Value {}

    /** {@code now()}, or {@code (now() - 3 days)}: the moment a record is checked, shifted. */
    public record Now(Duration shift) implements Value {}
}
