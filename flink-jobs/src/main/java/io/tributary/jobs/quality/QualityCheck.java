package io.tributary.jobs.quality;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.table.functions.FunctionContext;
import org.apache.flink.table.functions.ScalarFunction;

/**
 * The row rules of one ruleset, applied to one record: given whether the record passes each rule
 * (conditions from {@link RowRules}, evaluated by Flink's generated code), returns the rules it
 * failed as a JSON array of their texts, or NULL when it passed them all; and counts, per rule, the
 * records evaluated and failed (metrics {@code quality_evaluated} / {@code quality_failed},
 * labelled with the ruleset and the rule).
 */
public final class QualityCheck extends ScalarFunction {

    private static final long serialVersionUID = 1L;

    private static final com.fasterxml.jackson.databind.ObjectMapper READER =
            new com.fasterxml.jackson.databind.ObjectMapper();

    /** The column holding the rules a record failed (NULL when none), as Glue's row outcomes. */
    public static final String FAILED_RULES = "dq_failed_rules";

    private final String ruleset;
    private final List<String> rules;
    private final List<Integer> numbers;
    private transient Counter[] evaluated;
    private transient Counter[] failed;
    private transient Counter records;

    /**
     * @param ruleset where the ruleset is (pipeline and transform or sink), as metrics label it
     * @param rules the rules' texts, in the order their conditions are passed
     * @param numbers each rule's number in its ruleset (from 1), which its metric label starts with
     */
    public QualityCheck(String ruleset, List<String> rules, List<Integer> numbers) {
        this.ruleset = ruleset;
        this.rules = List.copyOf(rules);
        this.numbers = List.copyOf(numbers);
    }

    @Override
    public void open(FunctionContext context) {
        MetricGroup group = context.getMetricGroup().addGroup("ruleset", ruleset);
        evaluated = new Counter[rules.size()];
        failed = new Counter[rules.size()];
        records = group.counter("quality_records");
        for (int i = 0; i < rules.size(); i++) {
            MetricGroup rule = group.addGroup("rule", label(numbers.get(i), rules.get(i)));
            evaluated[i] = rule.counter("quality_evaluated");
            failed[i] = rule.counter("quality_failed");
        }
    }

    /**
     * Not deterministic to the planner: it counts, so it must run once per record where the
     * translator put it, never be folded into constants or copied into another expression.
     */
    @Override
    public boolean isDeterministic() {
        return false;
    }

    /**
     * A rule's metric label: {@code r<number> <text>}, at most 120 characters. Prometheus' reporter
     * turns what is not a letter, digit, '_' or ':' into '_' ({@code r2_ColumnValues__qty__...}):
     * the number keeps two rules apart that differ only there ({@code > 0}, {@code < 0}).
     */
    static String label(int number, String rule) {
        String l = "r" + number + " " + rule.replaceAll("[^\\x20-\\x7E]", "?");
        return l.length() > 120 ? l.substring(0, 117) + "..." : l;
    }

    public String eval(Boolean... passes) {
        List<String> out = null;
        if (records != null) {
            records.inc();
        }
        for (int i = 0; i < passes.length; i++) {
            if (evaluated != null) {
                evaluated[i].inc();
            }
            if (passes[i] == null || !passes[i]) {
                if (failed != null) {
                    failed[i].inc();
                }
                if (out == null) {
                    out = new ArrayList<>();
                }
                out.add(rules.get(i));
            }
        }
        return out == null ? null : json(out);
    }

    /** The texts of a {@link #json} array. */
    static List<String> parse(String json) {
        try {
            List<String> out = new ArrayList<>();
            READER.readTree(json).forEach(n -> out.add(n.asText()));
            return out;
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("not a list of failed rules: " + json, e);
        }
    }

    /** The failed rules' texts as a JSON array of strings. */
    static String json(List<String> texts) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < texts.size(); i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append('"');
            for (char c : texts.get(i).toCharArray()) {
                switch (c) {
                    case '"' -> sb.append("\\\"");
                    case '\\' -> sb.append("\\\\");
                    case '\n' -> sb.append("\\n");
                    case '\t' -> sb.append("\\t");
                    case '\r' -> sb.append("\\r");
                    default -> {
                        if (c < 0x20) {
                            sb.append(String.format("\\u%04x", (int) c));
                        } else {
                            sb.append(c);
                        }
                    }
                }
            }
            sb.append('"');
        }
        return sb.append(']').toString();
    }
}
