package io.tributary.jobs.quality;

import io.tributary.jobs.definition.Spelling;
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
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads a ruleset in Glue's Data Quality Definition Language ({@code Rules = [ IsComplete "id",
 * ColumnValues "qty" between 1 and 100 where "channel = 'web'", (IsComplete "a") and (IsComplete
 * "b") ]}) into {@link DqRule}s. Every rule type, argument and operand is checked here, so a
 * ruleset that parses is one the job can evaluate; anything else is a {@link DqdlException} with
 * its line. Comments start with {@code #}.
 */
public final class Dqdl {

    /** The rule types Tributary evaluates, with how many columns each takes (-1: one or more). */
    private static final Map<String, Integer> COLUMNS =
            Map.ofEntries(
                    Map.entry("IsComplete", 1),
                    Map.entry("Completeness", 1),
                    Map.entry("IsUnique", 1),
                    Map.entry("IsPrimaryKey", -1),
                    Map.entry("Uniqueness", -1),
                    Map.entry("ColumnValues", 1),
                    Map.entry("ColumnLength", 1),
                    Map.entry("ColumnExists", 1),
                    Map.entry("ColumnCount", 0),
                    Map.entry("RowCount", 0),
                    Map.entry("Mean", 1),
                    Map.entry("Sum", 1),
                    Map.entry("StandardDeviation", 1),
                    Map.entry("DataFreshness", 1),
                    Map.entry("CustomSql", 1));

    /** Rule types whose expression is required (the others take none, or CustomSql's optional). */
    private static final Set<String> NEEDS_EXPRESSION =
            Set.of(
                    "Completeness",
                    "Uniqueness",
                    "ColumnValues",
                    "ColumnLength",
                    "ColumnCount",
                    "RowCount",
                    "Mean",
                    "Sum",
                    "StandardDeviation",
                    "DataFreshness");

    private static final Set<String> NO_EXPRESSION =
            Set.of("IsComplete", "IsUnique", "IsPrimaryKey", "ColumnExists");

    /** Glue's other rule types: named as such, so the error says they are known but not here. */
    private static final Set<String> GLUE_ONLY =
            Set.of(
                    "AggregateMatch",
                    "ColumnCorrelation",
                    "ColumnDataType",
                    "ColumnNamesMatchPattern",
                    "DatasetMatch",
                    "DistinctValuesCount",
                    "Entropy",
                    "ReferentialIntegrity",
                    "RowCountMatch",
                    "SchemaMatch",
                    "UniqueValueRatio",
                    "DetectAnomalies",
                    "AllStatistics");

    private static final Set<String> KEYWORDS = Set.of("NULL", "EMPTY", "WHITESPACES_ONLY");

    private final String text;
    private final List<Token> tokens;
    private int next;

    private Dqdl(String text) {
        this.text = text;
        this.tokens = tokenize(text);
    }

    /** The rules of {@code text}, which holds one {@code Rules = [ ... ]} list. */
    public static List<DqRule> parse(String text) {
        return new Dqdl(text).ruleset();
    }

    /** The rule types this parser accepts, for messages and docs. */
    public static Set<String> ruleTypes() {
        return COLUMNS.keySet();
    }

    private List<DqRule> ruleset() {
        Token first = peek();
        if (!first.is("Rules")) {
            throw new DqdlException(
                    first.line,
                    "a ruleset starts with 'Rules = [' (Glue's DQDL), not '" + first.text + "'");
        }
        next++;
        expect("=");
        expect("[");
        List<DqRule> rules = listed(this::rule, "after a rule");
        expect("]");
        if (peek().kind != Kind.END) {
            throw new DqdlException(
                    peek().line, "unexpected '" + peek().text + "' after the ruleset's ']'");
        }
        if (rules.isEmpty()) {
            throw new DqdlException(first.line, "the ruleset has no rules");
        }
        return List.copyOf(rules);
    }

    /** A rule, or rules joined by one of {@code and} / {@code or}, each in parentheses. */
    private DqRule rule() {
        Token start = peek();
        if (!start.is("(")) {
            return simple();
        }
        List<DqRule> parts = new ArrayList<>();
        String joiner = null;
        while (true) {
            expect("(");
            parts.add(rule());
            expect(")");
            Token t = peek();
            if (t.kind == Kind.WORD && (t.lower().equals("and") || t.lower().equals("or"))) {
                if (joiner != null && !joiner.equals(t.lower())) {
                    throw new DqdlException(
                            t.line,
                            "'and' and 'or' mixed at one level: put parentheses around one side");
                }
                joiner = t.lower();
                next++;
                if (!peek().is("(")) {
                    throw new DqdlException(
                            peek().line,
                            "each rule joined with '" + joiner + "' goes in parentheses");
                }
            } else {
                break;
            }
        }
        if (parts.size() == 1) {
            return parts.get(0);
        }
        return new DqRule(
                null,
                List.of(),
                null,
                null,
                null,
                joiner,
                List.copyOf(parts),
                textFrom(start),
                start.line,
                null);
    }

    private DqRule simple() {
        Token start = peek();
        if (start.kind != Kind.WORD) {
            throw new DqdlException(start.line, "expected a rule type, found '" + start.text + "'");
        }
        String type = start.text;
        next++;
        Integer columns = COLUMNS.get(type);
        if (columns == null) {
            throw new DqdlException(start.line, unknownType(type));
        }
        List<String> args = new ArrayList<>();
        while (peek().kind == Kind.STRING) {
            args.add(peek().text);
            next++;
        }
        if (columns >= 0 && args.size() != columns) {
            throw new DqdlException(
                    start.line,
                    type
                            + " takes "
                            + (columns == 0
                                    ? "no column"
                                    : columns == 1
                                            ? type.equals("CustomSql")
                                                    ? "one quoted SQL query"
                                                    : "one quoted column name"
                                            : columns + " quoted column names")
                            + ", found "
                            + args.size()
                            + (args.isEmpty() ? " (column names go in double quotes)" : ""));
        }
        if (columns < 0 && args.isEmpty()) {
            throw new DqdlException(start.line, type + " takes one or more quoted column names");
        }
        Constraint constraint = null;
        if (startsConstraint(peek())) {
            constraint = constraint(type);
        }
        if (constraint == null && NEEDS_EXPRESSION.contains(type)) {
            throw new DqdlException(
                    peek().line,
                    type
                            + " needs an expression (e.g. "
                            + example(type)
                            + "), found '"
                            + peek().text
                            + "'");
        }
        if (constraint != null && NO_EXPRESSION.contains(type)) {
            throw new DqdlException(start.line, type + " takes no expression");
        }
        String where = null;
        Constraint threshold = null;
        Duration over = null;
        while (peek().kind == Kind.WORD) {
            String w = peek().lower();
            if (w.equals("over") && over == null) {
                Token at = peek();
                next++;
                Value v = peek().kind == Kind.NUMBER ? value() : null;
                if (!(v instanceof Span span) || span.duration().isZero()) {
                    throw new DqdlException(
                            at.line,
                            "over takes a duration, the window the rule is measured over: over 1"
                                    + " hour, over 15 minutes");
                }
                over = span.duration();
                continue;
            }
            if (w.equals("where") && where == null) {
                next++;
                if (peek().kind != Kind.STRING) {
                    throw new DqdlException(
                            peek().line, "where takes a quoted SQL condition: where \"qty > 0\"");
                }
                where = peek().text;
                next++;
            } else if (w.equals("with") && threshold == null) {
                next++;
                if (!peek().lower().equals("threshold")) {
                    throw new DqdlException(
                            peek().line, "expected 'with threshold', found 'with " + peek().text);
                }
                next++;
                if (!type.equals("ColumnValues") && !type.equals("ColumnLength")) {
                    throw new DqdlException(
                            start.line,
                            "with threshold applies to ColumnValues and ColumnLength, not " + type);
                }
                threshold = constraint("threshold");
                checkNumeric("threshold", threshold, start.line);
            } else {
                break;
            }
        }
        if (type.equals("CustomSql")) {
            checkCustomSql(args.get(0), constraint, start.line);
        }
        DqRule rule =
                new DqRule(
                        type,
                        List.copyOf(args),
                        constraint,
                        threshold,
                        where,
                        null,
                        List.of(),
                        textFrom(start),
                        start.line,
                        over);
        if (over != null && rule.level() != DqRule.Level.DATASET) {
            throw new DqdlException(
                    start.line,
                    "over applies to rules measured over a window (RowCount, Completeness,"
                            + " Uniqueness, Mean, ..., ColumnValues with threshold), not to "
                            + type
                            + ", which each record passes or fails");
        }
        return rule;
    }

    private static void checkCustomSql(String sql, Constraint constraint, int line) {
        String s = sql.strip().toLowerCase(Locale.ROOT);
        if (!s.startsWith("select")) {
            throw new DqdlException(line, "CustomSql takes a SELECT query over 'primary'");
        }
        if (!s.matches("(?s).*\\bfrom\\s+primary\\b.*")) {
            throw new DqdlException(
                    line, "CustomSql's query reads 'primary' (the rows the ruleset checks)");
        }
        if (constraint == null && !s.matches("(?s).*\\bwhere\\b.*")) {
            throw new DqdlException(
                    line,
                    "a CustomSql without an expression is checked per record: its query is"
                            + " 'select ... from primary where <condition>', the rows the"
                            + " condition keeps pass");
        }
    }

    private static boolean startsConstraint(Token t) {
        if (t.kind == Kind.SYMBOL) {
            return Set.of("=", "!=", ">", ">=", "<", "<=").contains(t.text);
        }
        if (t.kind == Kind.WORD) {
            return Set.of("between", "in", "not", "matches").contains(t.lower());
        }
        return false;
    }

    private Constraint constraint(String type) {
        Token t = peek();
        int line = t.line;
        String op;
        List<Value> values = new ArrayList<>();
        boolean negated = false;
        if (t.kind == Kind.WORD && t.lower().equals("not")) {
            negated = true;
            next++;
            t = peek();
            if (!(t.kind == Kind.WORD && Set.of("between", "in", "matches").contains(t.lower()))) {
                throw new DqdlException(
                        t.line,
                        "expected between, in or matches after 'not', found '" + t.text + "'");
            }
        }
        if (t.kind == Kind.SYMBOL) {
            op = t.text;
            next++;
            values.add(value());
        } else {
            op = t.lower();
            next++;
            switch (op) {
                case "between" -> {
                    values.add(value());
                    if (!peek().lower().equals("and")) {
                        throw new DqdlException(
                                peek().line,
                                "between takes 'low and high', found '" + peek().text + "'");
                    }
                    next++;
                    values.add(value());
                }
                case "in" -> {
                    expect("[");
                    values.addAll(listed(this::value, "in the list"));
                    expect("]");
                    if (values.isEmpty()) {
                        throw new DqdlException(
                                line, "in takes a non-empty list: in [\"a\", \"b\"]");
                    }
                }
                case "matches" -> {
                    Value v = value();
                    if (!(v instanceof Str s)) {
                        throw new DqdlException(line, "matches takes a quoted regular expression");
                    }
                    try {
                        Pattern.compile(s.value());
                    } catch (PatternSyntaxException e) {
                        throw new DqdlException(
                                line,
                                "'"
                                        + s.value()
                                        + "' is not a regular expression: "
                                        + e.getDescription());
                    }
                    values.add(v);
                }
                default -> throw new IllegalStateException(op);
            }
            if (negated) {
                op = "not " + op;
            }
        }
        Constraint c = new Constraint(op, List.copyOf(values));
        switch (type) {
            case "Completeness",
                    "Uniqueness",
                    "ColumnLength",
                    "ColumnCount",
                    "RowCount",
                    "Mean",
                    "Sum",
                    "StandardDeviation",
                    "CustomSql" ->
                    checkNumeric(type, c, line);
            case "DataFreshness" -> {
                for (Value v : c.values()) {
                    if (!(v instanceof Span)) {
                        throw new DqdlException(
                                line, "DataFreshness compares with a duration: <= 24 hours");
                    }
                }
                if (c.op().contains("in") || c.op().contains("matches")) {
                    throw new DqdlException(line, "DataFreshness takes a comparison or between");
                }
            }
            default -> {}
        }
        return c;
    }

    private static void checkNumeric(String type, Constraint c, int line) {
        if (c.op().contains("matches")) {
            throw new DqdlException(line, type + " compares numbers; matches is for ColumnValues");
        }
        for (Value v : c.values()) {
            if (!(v instanceof Num)) {
                throw new DqdlException(
                        line, type + " compares numbers (e.g. " + example(type) + ")");
            }
        }
        if ((type.equals("Completeness")
                || type.equals("Uniqueness")
                || type.equals("threshold"))) {
            for (Value v : c.values()) {
                BigDecimal n = ((Num) v).value();
                if (n.signum() < 0 || n.compareTo(BigDecimal.ONE) > 0) {
                    throw new DqdlException(
                            line, type + " is a share between 0 and 1, not " + n.toPlainString());
                }
            }
        }
    }

    private Value value() {
        Token t = peek();
        if (t.kind == Kind.STRING) {
            next++;
            return new Str(t.text);
        }
        if (t.is("(") || t.lower().equals("now")) {
            return now();
        }
        boolean minus = false;
        if (t.is("-")) {
            minus = true;
            next++;
            t = peek();
        }
        if (t.kind == Kind.NUMBER) {
            next++;
            BigDecimal n = new BigDecimal(t.text);
            if (minus) {
                n = n.negate();
            }
            Duration unit = unit(peek());
            if (unit != null) {
                String written = t.text + " " + peek().text;
                next++;
                if (minus) {
                    throw new DqdlException(t.line, "a duration is not negative: " + written);
                }
                return new Span(unit.multipliedBy(n.longValueExact()), written);
            }
            return new Num(n);
        }
        if (t.kind == Kind.WORD && KEYWORDS.contains(t.text)) {
            next++;
            return new Keyword(t.text);
        }
        throw new DqdlException(
                t.line,
                "expected a value (a number, a \"string\", NULL, EMPTY, WHITESPACES_ONLY, now()),"
                        + " found '"
                        + t.text
                        + "'");
    }

    /** {@code now()} or {@code (now() - 3 days)} / {@code (now() + 1 hours)}. */
    private Value now() {
        boolean parens = peek().is("(");
        if (parens) {
            next++;
        }
        Token t = peek();
        if (!t.lower().equals("now")) {
            throw new DqdlException(t.line, "expected now(), found '" + t.text + "'");
        }
        next++;
        expect("(");
        expect(")");
        Duration shift = Duration.ZERO;
        if (parens && (peek().is("-") || peek().is("+"))) {
            boolean minus = peek().is("-");
            next++;
            Token n = peek();
            if (n.kind != Kind.NUMBER) {
                throw new DqdlException(n.line, "expected a number of days, hours or minutes");
            }
            next++;
            Duration unit = unit(peek());
            if (unit == null) {
                throw new DqdlException(
                        peek().line,
                        "expected days, hours or minutes, found '" + peek().text + "'");
            }
            next++;
            shift = unit.multipliedBy(new BigDecimal(n.text).longValueExact());
            if (minus) {
                shift = shift.negated();
            }
        }
        if (parens) {
            expect(")");
        }
        return new Now(shift);
    }

    private static Duration unit(Token t) {
        if (t.kind != Kind.WORD) {
            return null;
        }
        return switch (t.lower()) {
            case "day", "days" -> Duration.ofDays(1);
            case "hour", "hours" -> Duration.ofHours(1);
            case "minute", "minutes" -> Duration.ofMinutes(1);
            case "second", "seconds" -> Duration.ofSeconds(1);
            default -> null;
        };
    }

    private static String example(String type) {
        return switch (type) {
            case "ColumnValues" -> "ColumnValues \"qty\" between 1 and 100";
            case "DataFreshness" -> "DataFreshness \"ordered_at\" <= 24 hours";
            case "RowCount" -> "RowCount > 0";
            case "ColumnCount" -> "ColumnCount >= 5";
            case "Completeness", "Uniqueness" -> type + " \"id\" > 0.95";
            case "ColumnLength" -> "ColumnLength \"code\" = 3";
            default -> type + " \"amount\" > 0";
        };
    }

    private static String unknownType(String type) {
        if (GLUE_ONLY.contains(type)) {
            return type
                    + " is a Glue rule type Tributary does not evaluate in the stream; it evaluates "
                    + String.join(", ", new java.util.TreeSet<>(COLUMNS.keySet()));
        }
        String near = Spelling.nearest(type, COLUMNS.keySet());
        return "'"
                + type
                + "' is not a DQDL rule type"
                + (near != null ? " (did you mean " + near + "?)" : "")
                + "; rule types are case-sensitive: "
                + String.join(", ", new java.util.TreeSet<>(COLUMNS.keySet()));
    }

    /** The rule's text from {@code start} to the last token read, whitespace collapsed. */
    private String textFrom(Token start) {
        Token last = tokens.get(next - 1);
        return text.substring(start.offset, last.end).replaceAll("\\s+", " ").strip();
    }

    /** Items separated by commas (a trailing one allowed) up to a {@code ]}, not read. */
    private <T> List<T> listed(java.util.function.Supplier<T> item, String where) {
        List<T> out = new ArrayList<>();
        while (!peek().is("]")) {
            out.add(item.get());
            if (peek().is(",")) {
                next++;
            } else if (!peek().is("]")) {
                throw new DqdlException(
                        peek().line, "expected ',' or ']' " + where + ", found " + found(peek()));
            }
        }
        return out;
    }

    private Token peek() {
        return tokens.get(next);
    }

    private void expect(String symbol) {
        Token t = peek();
        if (!t.is(symbol)) {
            throw new DqdlException(t.line, "expected '" + symbol + "', found " + found(t));
        }
        next++;
    }

    private static String found(Token t) {
        return t.kind == Kind.END ? "the end of the ruleset" : "'" + t.text + "'";
    }

    private enum Kind {
        WORD,
        STRING,
        NUMBER,
        SYMBOL,
        END
    }

    private record Token(Kind kind, String text, int line, int offset, int end) {
        boolean is(String s) {
            return (kind == Kind.SYMBOL || kind == Kind.WORD) && text.equals(s);
        }

        String lower() {
            return kind == Kind.WORD ? text.toLowerCase(Locale.ROOT) : "";
        }
    }

    private static List<Token> tokenize(String s) {
        List<Token> out = new ArrayList<>();
        int line = 1;
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '\n') {
                line++;
                i++;
            } else if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '#') {
                while (i < s.length() && s.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '"') {
                int start = i;
                int startLine = line;
                StringBuilder sb = new StringBuilder();
                i++;
                while (true) {
                    if (i >= s.length()) {
                        throw new DqdlException(
                                startLine,
                                "a string is not closed: "
                                        + s.substring(start, Math.min(s.length(), start + 40)));
                    }
                    char d = s.charAt(i);
                    if (d == '\\' && i + 1 < s.length() && s.charAt(i + 1) == '"') {
                        sb.append('"');
                        i += 2;
                    } else if (d == '"') {
                        i++;
                        break;
                    } else {
                        if (d == '\n') {
                            line++;
                        }
                        sb.append(d);
                        i++;
                    }
                }
                out.add(new Token(Kind.STRING, sb.toString(), startLine, start, i));
            } else if (Character.isDigit(c)
                    || (c == '.' && i + 1 < s.length() && Character.isDigit(s.charAt(i + 1)))) {
                int start = i;
                while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
                    i++;
                }
                String n = s.substring(start, i);
                try {
                    new BigDecimal(n);
                } catch (NumberFormatException e) {
                    throw new DqdlException(line, "'" + n + "' is not a number");
                }
                out.add(new Token(Kind.NUMBER, n, line, start, i));
            } else if (Character.isLetter(c) || c == '_') {
                int start = i;
                while (i < s.length()
                        && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_')) {
                    i++;
                }
                out.add(new Token(Kind.WORD, s.substring(start, i), line, start, i));
            } else {
                int start = i;
                String two = i + 1 < s.length() ? s.substring(i, i + 2) : "";
                if (two.equals(">=") || two.equals("<=") || two.equals("!=")) {
                    i += 2;
                } else if ("=<>[](),-+".indexOf(c) >= 0) {
                    i++;
                } else {
                    throw new DqdlException(line, "unexpected character '" + c + "'");
                }
                out.add(new Token(Kind.SYMBOL, s.substring(start, i), line, start, i));
            }
        }
        out.add(new Token(Kind.END, "", line, s.length(), s.length()));
        return out;
    }
}
