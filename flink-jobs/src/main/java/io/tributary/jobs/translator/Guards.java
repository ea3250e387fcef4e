package io.tributary.jobs.translator;

import io.tributary.jobs.Causes;
import io.tributary.jobs.definition.PiiDef;
import io.tributary.jobs.definition.PipelineException;
import io.tributary.jobs.definition.Position;
import io.tributary.jobs.definition.QualityDef;
import io.tributary.jobs.quality.DqRule;
import io.tributary.jobs.quality.DqdlException;
import io.tributary.jobs.quality.PiiMask;
import io.tributary.jobs.quality.QualityAssert;
import io.tributary.jobs.quality.QualityCheck;
import io.tributary.jobs.quality.RowRules;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.types.logical.LogicalType;

/**
 * The {@code quality:} and {@code pii:} of a transform or sink, as views over its input: one SELECT
 * masks the sensitive columns and, from the clear values, computes {@code dq_failed_rules} (the
 * rules a record fails, NULL when none); the ruleset's action then keeps the passing records and
 * sends the others to the quarantine (already masked), keeps them all with the column, or fails the
 * job on the first.
 *
 * <pre>
 *   input ──▶ &lt;name&gt;__dq: SELECT masked columns, tributary_dq_&lt;name&gt;(rule conditions)
 *                  ├─ dq_failed_rules IS NULL ──────▶ &lt;name&gt; (what follows reads)
 *                  └─ dq_failed_rules IS NOT NULL ──▶ quarantine (action: quarantine)
 * </pre>
 */
final class Guards {

    static final String FAILED_RULES = "dq_failed_rules";

    private Guards() {}

    /** A guarded view, and the quarantine INSERT its failing records take (null if none). */
    record Guarded(String view, String quarantineFrom) {}

    /**
     * Declares view {@code view} as {@code input} under {@code quality} and {@code pii} (either may
     * be null). {@code what} names the element in metrics and messages ({@code
     * pipeline/transform}).
     */
    static Guarded declare(
            TableEnvironment env,
            String view,
            String input,
            QualityDef quality,
            PiiDef pii,
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
        int masks = 0;
        for (String c : columns.keySet()) {
            PiiDef.Action a = pii == null ? null : pii.columns().get(c);
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
            return new Guarded(view, null);
        }
        if (columns.containsKey(FAILED_RULES)) {
            throw new PipelineException(
                    quality.at(),
                    "the input already has a column "
                            + FAILED_RULES
                            + " (an earlier ruleset with action flag?): rename or drop it first");
        }
        List<String> conditions = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        for (DqRule r : quality.rules()) {
            String c;
            try {
                c = RowRules.condition(r, columns);
            } catch (DqdlException e) {
                throw new PipelineException(quality.ruleAt(e.line()), e.getMessage());
            }
            try {
                env.sqlQuery("SELECT " + c + from).getResolvedSchema();
            } catch (RuntimeException e) {
                throw new PipelineException(
                        quality.ruleAt(r.line()),
                        "'" + r.text() + "' cannot be checked here: " + Causes.innermost(e));
            }
            conditions.add(c);
            texts.add(r.text());
        }
        String check = "tributary_dq_" + fn;
        env.createTemporarySystemFunction(check, new QualityCheck(what, texts));
        String checked = view + "__dq";
        executor.run(
                "CREATE TEMPORARY VIEW "
                        + Sql.id(checked)
                        + " AS SELECT "
                        + String.join(", ", select)
                        + ", "
                        + check
                        + "("
                        + String.join(", ", conditions)
                        + ") AS "
                        + Sql.id(FAILED_RULES)
                        + from,
                at);
        List<String> kept = new ArrayList<>();
        for (String s : select) {
            int as = s.lastIndexOf(" AS ");
            kept.add(as < 0 ? s : s.substring(as + 4));
        }
        String keptColumns = String.join(", ", kept);
        String failed = Sql.id(FAILED_RULES);
        String passes = failed + " IS NULL";
        String body =
                switch (quality.action()) {
                    case "flag" -> "SELECT * FROM " + Sql.id(checked);
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
                quality.action().equals("quarantine")
                        ? "SELECT * FROM " + Sql.id(checked) + " WHERE " + failed + " IS NOT NULL"
                        : null);
    }

    /** Runs a statement of the translation, errors at {@code at}. */
    interface Executor {
        void run(String statement, Position at);
    }
}
