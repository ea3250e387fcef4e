package io.tributary.jobs.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.catalog.store.CatalogStore;
import io.tributary.catalog.store.QualityResult;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.flink.util.TimeUtils;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tributary quality results <pipeline>}: what a pipeline's rulesets measured, per window;
 * {@code tributary quality recommend <db>.<table>}: a starter ruleset from a profile of a table.
 */
@Command(
        name = "quality",
        mixinStandardHelpOptions = true,
        description =
                "Data quality results of pipelines' DQDL rulesets, and rulesets recommended for"
                        + " catalog tables.",
        subcommands = {QualityCommand.Results.class, QualityCommand.Recommend.class})
final class QualityCommand implements Runnable {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The results of a pipeline's rules, one line per rule and window, oldest first. */
    @Command(
            name = "results",
            mixinStandardHelpOptions = true,
            description =
                    "Each rule's result per window (the records between two checkpoints): what it"
                            + " measured and whether it passed.")
    static final class Results implements Callable<Integer> {

        private static final ObjectMapper JSON = new ObjectMapper();

        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @Mixin HomeOption home = new HomeOption();
        @Mixin CatalogAccess catalog = new CatalogAccess();

        @Parameters(paramLabel = "PIPELINE", description = "The pipeline's name.")
        String pipeline;

        @Option(
                names = "--rule",
                paramLabel = "TEXT",
                description = "Only rules whose text contains TEXT (e.g. 'RowCount').")
        String rule;

        @Option(
                names = "--since",
                paramLabel = "WHEN",
                description =
                        "Only windows that ended since WHEN: an instant (2026-12-04T10:00:00Z) or"
                                + " a time ago (1 h, 30 min).")
        String since;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            Instant from;
            try {
                from = since == null ? null : since(since, Instant.now());
            } catch (IllegalArgumentException e) {
                spec.commandLine()
                        .getErr()
                        .println("tributary: quality results: " + e.getMessage());
                return ExitCodes.USAGE;
            }
            List<QualityResult> results;
            try (CatalogStore store = catalog.store(home.resolve())) {
                results = store.qualityResults(pipeline, from);
            }
            if (rule != null) {
                results = results.stream().filter(r -> r.rule().contains(rule)).toList();
            }
            if (json) {
                ArrayNode a = JSON.createArrayNode();
                for (QualityResult r : results) {
                    ObjectNode n = a.addObject();
                    n.put("pipeline", r.pipeline());
                    n.put("ruleset", r.ruleset());
                    n.put("rule", r.rule());
                    n.put("job", r.job());
                    n.put("checkpoint", r.checkpoint());
                    n.put("windowStart", r.windowStart().toString());
                    n.put("windowEnd", r.windowEnd().toString());
                    n.put("records", r.records());
                    if (r.value() == null) {
                        n.putNull("value");
                    } else {
                        n.put("value", r.value());
                    }
                    n.put("passed", r.passed());
                }
                out.println(a.toPrettyString());
                out.flush();
                return ExitCodes.OK;
            }
            if (results.isEmpty()) {
                out.println(
                        "No data quality results for pipeline "
                                + pipeline
                                + (rule == null ? "" : " and rule '" + rule + "'")
                                + (since == null ? "" : " since " + since)
                                + ": its rulesets record one per rule and checkpoint with records.");
                out.flush();
                return ExitCodes.OK;
            }
            out.printf(
                    "%-24s  %-6s  %9s  %14s  %s%n",
                    "WINDOW END", "RESULT", "RECORDS", "VALUE", "RULE");
            long failed = 0;
            for (QualityResult r : results) {
                failed += r.passed() ? 0 : 1;
                out.printf(
                        Locale.ROOT,
                        "%-24s  %-6s  %9d  %14s  %s  (%s)%n",
                        r.windowEnd().toString(),
                        r.passed() ? "PASS" : "FAIL",
                        r.records(),
                        r.value() == null ? "-" : String.format(Locale.ROOT, "%.6g", r.value()),
                        r.rule(),
                        r.ruleset());
            }
            out.printf(
                    Locale.ROOT,
                    "%d results, %d failed: score %.1f%%%n",
                    results.size(),
                    failed,
                    100.0 * (results.size() - failed) / results.size());
            out.flush();
            return ExitCodes.OK;
        }

        /** {@code text} as an instant, or as a time before {@code now}. */
        static Instant since(String text, Instant now) {
            try {
                return Instant.parse(text.trim());
            } catch (DateTimeParseException e) {
                try {
                    Duration ago = TimeUtils.parseDuration(text.trim());
                    return now.minus(ago);
                } catch (RuntimeException e2) {
                    throw new IllegalArgumentException(
                            "--since '"
                                    + text
                                    + "' is neither an instant (2026-12-04T10:00:00Z) nor a time"
                                    + " ago (1 h, 30 min)");
                }
            }
        }
    }

    /**
     * A starter ruleset for a catalog table, from a profile of its rows (Glue's recommendations).
     */
    @Command(
            name = "recommend",
            mixinStandardHelpOptions = true,
            description = {
                "Profile a catalog table (a bounded read of at most --rows rows) and print a"
                        + " starter DQDL ruleset for a pipeline's quality: block: completeness,"
                        + " uniqueness, value ranges, lengths and small value sets.",
                "Values of columns the crawler tagged as personal data are never listed."
            })
    static final class Recommend implements Callable<Integer> {

        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @Mixin HomeOption home = new HomeOption();
        @Mixin S3Access s3 = new S3Access();

        @Parameters(paramLabel = "DB.TABLE", description = "The catalog table.")
        String table;

        @Option(
                names = "--rows",
                defaultValue = "100000",
                paramLabel = "N",
                description = "Profile at most N rows (default ${DEFAULT-VALUE}).")
        int rows;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            String[] name = table.split("\\.", 2);
            if (name.length != 2 || rows < 1) {
                err.println(
                        "tributary: quality recommend: give a catalog table as DB.TABLE and --rows"
                                + " of at least 1");
                return ExitCodes.USAGE;
            }
            java.util.Map<String, String> tags = new java.util.LinkedHashMap<>();
            try (CatalogStore store = CatalogAccess.openStore(home.resolve())) {
                var t = store.table(name[0], name[1]);
                if (t.isEmpty()) {
                    err.println(
                            "tributary: quality recommend: no table "
                                    + table
                                    + " in the catalog (tributary catalog tables lists them)");
                    return ExitCodes.USAGE;
                }
                io.tributary.catalog.pii.PiiCounts.tagsOf(t.get().properties())
                        .forEach((c, tag) -> tags.put(c, tag.type().name()));
            }
            org.apache.flink.table.api.TableEnvironment env =
                    org.apache.flink.table.api.TableEnvironment.create(
                            org.apache.flink.table.api.EnvironmentSettings.inBatchMode());
            env.executeSql(
                    "CREATE CATALOG tributary_profile "
                            + io.tributary.jobs.translator.Sql.with(
                                    SqlCommand.catalogOptions(home.resolve(), s3, "bounded")));
            String path =
                    "tributary_profile."
                            + io.tributary.jobs.translator.Sql.id(name[0])
                            + "."
                            + io.tributary.jobs.translator.Sql.id(name[1]);
            err.println("Profiling " + table + " (at most " + rows + " rows)...");
            err.flush();
            io.tributary.jobs.quality.Recommender.Recommendation r =
                    io.tributary.jobs.quality.Recommender.recommend(env, path, rows, tags);
            out.print(r.dqdl(table));
            out.flush();
            return ExitCodes.OK;
        }
    }
}
