package io.tributary.jobs.translator;

import io.tributary.jobs.Causes;
import io.tributary.jobs.definition.PiiDef;
import io.tributary.jobs.definition.PipelineException;
import io.tributary.jobs.definition.Position;
import io.tributary.jobs.definition.QualityDef;
import io.tributary.jobs.quality.DqRule;
import io.tributary.jobs.quality.DqdlException;
import io.tributary.jobs.quality.Matches;
import io.tributary.jobs.quality.PiiMask;
import io.tributary.jobs.quality.QualityAssert;
import io.tributary.jobs.quality.QualityCheck;
import io.tributary.jobs.quality.RowRules;
import io.tributary.jobs.quality.WindowRules;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.types.logical.LogicalType;

/**
 * The {@code quality:} and {@code pii:} of a transform or sink, as views over its input: one SELECT
 * masks the sensitive columns and, from the clear values, computes {@code dq_failed_rules} (the
 * rules a record fails, NULL when none); the ruleset's action then keeps the passing records and
 * sends the others to the quarantine (already masked, and a column with a crawler's PII tag that no
 * action masks as {@code [TAG]}), keeps them all with the column, or fails the job on the first.
 *
 * <pre>
 *   input ──▶ &lt;name&gt;__dq: SELECT masked columns, tributary_dq_&lt;name&gt;(rule conditions)
 *                  ├─ dq_failed_rules IS NULL ──────▶ &lt;name&gt; (what follows reads)
 *                  ├─ dq_failed_rules IS NOT NULL ──▶ quarantine (action: quarantine)
 *                  └─ as it is ─────────────────────▶ the window meters (results, gate)
 * </pre>
 *
 * Every operator here runs on every record, so the views add as few as they can: the meters read
 * the checked view as it is and a rule's column as it is when they can ({@link
 * WindowRules#readsDirectly}), with hidden {@code __dq_*} columns only for a {@code where}, a
 * masked column or a key of several columns; a ruleset without per-record rules has no {@code
 * dq_failed_rules} column (but for action flag) and no filter, and its checked view is its input
 * when it masks nothing.
 */
final class Guards {

    static final String FAILED_RULES = QualityCheck.FAILED_RULES;

    private Guards() {}

    /**
     * A guarded view, the query of its failing records for the quarantine (null if the action is
     * not quarantine), and the query the window measures read (null without a ruleset).
     */
    record Guarded(
            String view,
            String quarantineFrom,
            String measuredFrom,
            String gateFrom,
            int gateSinkColumns) {}

    /**
     * Declares view {@code view} as {@code input} under {@code quality} and {@code pii} (either may
     * be null). {@code tagOf} gives the PII tag of an input column (null for none), for {@code pii:
     * tags:}. {@code what} names the element in metrics and messages ({@code pipeline/transform}).
     */
    static Guarded declare(
            TableEnvironment env,
            String view,
            String input,
            QualityDef quality,
            PiiDef pii,
            java.util.function.Function<String, String> tagOf,
            String what,
            Position at,
            Executor executor) {
        ResolvedSchema schema = env.from(Sql.id(input)).getResolvedSchema();
        Map<String, LogicalType> columns = new LinkedHashMap<>();
        for (Column c : schema.getColumns()) {
            if (c.isPhysical()) {
                columns.put(c.getName(), c.getDataType().getLogicalType());
            }
        }
        String fn = view.replaceAll("[^A-Za-z0-9_]", "_");
        List<String> select = new ArrayList<>();
        if (pii != null) {
            for (Map.Entry<String, PiiDef.Action> e : pii.columns().entrySet()) {
                if (!columns.containsKey(e.getKey())) {
                    throw new PipelineException(
                            e.getValue().at(),
                            "'"
                                    + e.getKey()
                                    + "' is not a column of what "
                                    + what
                                    + " reads ("
                                    + String.join(", ", columns.keySet())
                                    + ")");
                }
            }
        }
        Map<String, PiiDef.Action> actions =
                pii == null ? Map.of() : pii.resolve(columns.keySet(), tagOf);
        int masks = 0;
        for (String c : columns.keySet()) {
            PiiDef.Action a = actions.get(c);
            if (a == null) {
                select.add(Sql.id(c));
            } else if (!a.action().equals("drop")) {
                String name = "tributary_pii_" + fn + "_" + masks++;
                env.createTemporarySystemFunction(
                        name, new PiiMask(a.action(), a.keep(), pii.salt()));
                select.add(name + "(CAST(" + Sql.id(c) + " AS STRING)) AS " + Sql.id(c));
            }
        }
        String from = " FROM " + Sql.id(input);
        if (quality == null) {
            executor.run(
                    "CREATE TEMPORARY VIEW "
                            + Sql.id(view)
                            + " AS SELECT "
                            + String.join(", ", select)
                            + from,
                    at);
            return new Guarded(view, null, null, null, 0);
        }
        if (columns.containsKey(FAILED_RULES)) {
            throw new PipelineException(
                    quality.at(),
                    "the input already has a column "
                            + FAILED_RULES
                            + " (an earlier ruleset with action flag?): rename or drop it first");
        }
        if (!java.util.Arrays.asList(env.listUserDefinedFunctions()).contains(Matches.NAME)) {
            env.createTemporarySystemFunction(Matches.NAME, new Matches());
        }
        // each rule's SQL, planned over the input so an error names the rule's line
        List<String> planned = new ArrayList<>();
        List<DqRule> plannedRules = new ArrayList<>();
        List<String> conditions = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        List<Integer> numbers = new ArrayList<>();
        for (int i = 0; i < quality.rules().size(); i++) {
            DqRule r = quality.rules().get(i);
            if (r.level() == DqRule.Level.DATASET) {
                continue;
            }
            String c;
            try {
                c = RowRules.condition(r, columns);
            } catch (DqdlException e) {
                throw new PipelineException(quality.ruleAt(e.line()), e.getMessage());
            }
            planned.add(c);
            plannedRules.add(r);
            conditions.add(c);
            texts.add(r.text());
            numbers.add(i + 1);
        }
        Map<String, String> measured;
        try {
            measured = WindowRules.columns(quality.rules(), columns, actions.keySet());
        } catch (DqdlException e) {
            throw new PipelineException(quality.ruleAt(e.line()), e.getMessage());
        }
        for (Map.Entry<String, String> m : measured.entrySet()) {
            int i = Integer.parseInt(m.getKey().replaceAll("\\D+", " ").trim().split(" ")[0]);
            planned.add(m.getValue());
            plannedRules.add(quality.rules().get(i));
        }
        checkPlan(env, planned, plannedRules, from, quality);
        // without rules decided per record, a record fails none: no column says so, except for
        // action flag, whose output has it (NULL)
        boolean perRecord = !conditions.isEmpty() || quality.action().equals("flag");
        String failedRules = "CAST(NULL AS STRING)";
        if (!conditions.isEmpty()) {
            String check = "tributary_dq_" + fn;
            env.createTemporarySystemFunction(check, new QualityCheck(what, texts, numbers));
            failedRules = check + "(" + String.join(", ", conditions) + ")";
        }
        List<String> hidden = new ArrayList<>();
        measured.forEach((name, expr) -> hidden.add(expr + " AS " + Sql.id(name)));
        String checked = view + "__dq";
        executor.run(
                "CREATE TEMPORARY VIEW "
                        + Sql.id(checked)
                        + " AS SELECT "
                        + String.join(", ", select)
                        + (perRecord ? ", " + failedRules + " AS " + Sql.id(FAILED_RULES) : "")
                        + (hidden.isEmpty() ? "" : ", " + String.join(", ", hidden))
                        + from,
                at);
        List<String> kept = new ArrayList<>();
        for (String s : select) {
            int as = s.lastIndexOf(" AS ");
            kept.add(as < 0 ? s : s.substring(as + 4));
        }
        String keptColumns = String.join(", ", kept);
        String hiddenColumns =
                measured.keySet().stream().map(k -> ", " + Sql.id(k)).collect(Collectors.joining());
        // the quarantine keeps no value of a column a crawler tagged as personal data in clear,
        // acted on by the pii block or not
        List<String> quarantined = new ArrayList<>();
        for (String k : kept) {
            String column =
                    k.startsWith("`") ? k.substring(1, k.length() - 1).replace("``", "`") : k;
            String tag = actions.containsKey(column) ? null : tagOf.apply(column);
            quarantined.add(tag == null ? k : Sql.taggedAs(k, tag));
        }
        String failed = Sql.id(FAILED_RULES);
        String passes = failed + " IS NULL";
        String body =
                switch (perRecord ? quality.action() : "none") {
                    // nothing to filter: the checked view without its hidden columns (as it is,
                    // to the planner, when it has none and masks nothing)
                    case "none" -> "SELECT " + keptColumns + " FROM " + Sql.id(checked);
                    case "flag" ->
                            "SELECT "
                                    + keptColumns
                                    + ", "
                                    + Sql.id(FAILED_RULES)
                                    + " FROM "
                                    + Sql.id(checked);
                    case "fail" -> {
                        String assertion = "tributary_dq_assert_" + fn;
                        env.createTemporarySystemFunction(assertion, new QualityAssert(what));
                        yield "SELECT "
                                + keptColumns
                                + " FROM "
                                + Sql.id(checked)
                                + " WHERE "
                                + assertion
                                + "("
                                + failed
                                + ")";
                    }
                    default ->
                            "SELECT "
                                    + keptColumns
                                    + " FROM "
                                    + Sql.id(checked)
                                    + " WHERE "
                                    + passes;
                };
        executor.run("CREATE TEMPORARY VIEW " + Sql.id(view) + " AS " + body, at);
        return new Guarded(
                view,
                quality.action().equals("quarantine") && perRecord
                        ? "SELECT "
                                + String.join(", ", quarantined)
                                + ", "
                                + failed
                                + " FROM "
                                + Sql.id(checked)
                                + " WHERE "
                                + failed
                                + " IS NOT NULL"
                        : null,
                // the meters read the checked view as it is (a projection would cost a copy of
                // every record): the rules each failed, the hidden columns, the columns read
                "SELECT * FROM " + Sql.id(checked),
                // a gate reads every record: the sink's columns, then the rules each failed and
                // the window measures; it passes on the sink's columns
                "SELECT "
                        + keptColumns
                        + (perRecord ? ", " + failed : "")
                        + hiddenColumns
                        + " FROM "
                        + Sql.id(checked),
                kept.size() + (quality.action().equals("flag") ? 1 : 0));
    }

    /**
     * Plans the rules' expressions over the input in one query (each query plans the input's views
     * again: one per rule planned them ten times for a ruleset of ten); when it fails, one by one,
     * so the error is at the line of the rule it is in.
     */
    private static void checkPlan(
            TableEnvironment env,
            List<String> expressions,
            List<DqRule> rules,
            String from,
            QualityDef quality) {
        if (expressions.isEmpty()) {
            return;
        }
        try {
            env.sqlQuery("SELECT " + String.join(", ", expressions) + from).getResolvedSchema();
        } catch (RuntimeException e) {
            for (int i = 0; i < expressions.size(); i++) {
                checkPlans(env, expressions.get(i), from, quality, rules.get(i));
            }
            throw new PipelineException(
                    quality.at(), "the ruleset cannot be checked here: " + Causes.innermost(e));
        }
    }

    /** Plans {@code expression} over the input, so a rule's SQL error is at its line. */
    private static void checkPlans(
            TableEnvironment env, String expression, String from, QualityDef quality, DqRule r) {
        try {
            env.sqlQuery("SELECT " + expression + from).getResolvedSchema();
        } catch (RuntimeException e) {
            throw new PipelineException(
                    quality.ruleAt(r.line()),
                    "'" + r.text() + "' cannot be checked here: " + Causes.innermost(e));
        }
    }

    /** Runs a statement of the translation, errors at {@code at}. */
    interface Executor {
        void run(String statement, Position at);
    }
}
