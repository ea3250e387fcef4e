package io.tributary.jobs.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.catalog.store.CatalogStore;
import io.tributary.catalog.store.JobDefinition;
import io.tributary.catalog.store.JobRun;
import io.tributary.jobs.runs.FlinkRest;
import io.tributary.jobs.runs.JobFigures;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tributary jobs list|status|history|watch|definition|diff}: the pipeline runs kept in the
 * catalog store, a live view of a running one, and the definitions the runs ran.
 */
@Command(
        name = "jobs",
        mixinStandardHelpOptions = true,
        description = "Pipeline runs: the newest per pipeline, one run, or the whole history.",
        subcommands = {
            JobsCommand.ListRuns.class,
            JobsCommand.Status.class,
            JobsCommand.History.class,
            JobsCommand.Watch.class,
            JobsCommand.Definition.class,
            JobsCommand.Diff.class
        })
final class JobsCommand implements Runnable {

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** A run by id, else the newest run of the pipeline of that name (a running one first). */
    static JobRun find(CatalogStore store, String which) {
        return store.run(which)
                .or(
                        () ->
                                store.runs().stream()
                                        .filter(r -> r.pipeline().equals(which))
                                        .min(
                                                (a, b) ->
                                                        a.state().ended() == b.state().ended()
                                                                ? b.started().compareTo(a.started())
                                                                : a.state().ended() ? 1 : -1))
                .orElseThrow(
                        () ->
                                new IllegalArgumentException(
                                        "No run or pipeline called '"
                                                + which
                                                + "' in the run history (tributary jobs"
                                                + " history)"));
    }

    static ObjectNode json(JobRun r) {
        ObjectNode o = ServicesCommand.JSON.createObjectNode();
        o.put("id", r.id());
        o.put("pipeline", r.pipeline());
        o.put("state", r.state().name());
        o.put("file", r.file());
        o.put("flink-job-id", r.flinkJobId());
        o.put("target", r.target());
        o.put("started", String.valueOf(r.started()));
        o.put("ended", r.ended() == null ? null : r.ended().toString());
        o.put("restarts", r.attempts());
        o.put("last-checkpoint-id", r.lastCheckpointId());
        o.put("last-checkpoint", r.lastCheckpoint());
        o.put(
                "last-checkpoint-time",
                r.lastCheckpointTime() == null ? null : r.lastCheckpointTime().toString());
        o.put("savepoint", r.savepoint());
        o.put("resumed-from", r.resumedFrom());
        o.put("error", r.error());
        o.put("definition-version", r.definitionVersion());
        return o;
    }

    static JobDefinition definition(CatalogStore store, String pipeline, int version) {
        return store.jobDefinition(pipeline, version)
                .orElseThrow(
                        () ->
                                new IllegalArgumentException(
                                        store.jobDefinitions(pipeline).isEmpty()
                                                ? "No definition of a pipeline named '"
                                                        + pipeline
                                                        + "' is kept (a run stores it; tributary"
                                                        + " jobs list shows the pipelines that"
                                                        + " ran)"
                                                : "Pipeline '"
                                                        + pipeline
                                                        + "' has no definition version "
                                                        + version
                                                        + " (versions 1 to "
                                                        + store.jobDefinitions(pipeline).size()
                                                        + ")"));
    }

    static ObjectNode json(JobDefinition d) {
        ObjectNode o = ServicesCommand.JSON.createObjectNode();
        o.put("pipeline", d.pipeline());
        o.put("version", d.version());
        o.put("sha256", d.hash());
        o.put("stored", d.stored().toString());
        o.put("file", d.file());
        o.put("text", d.text());
        return o;
    }

    // no standard options here: --version is the definition's, not Tributary's
    @Command(
            name = "definition",
            description =
                    "The pipeline definition a run ran, as the catalog keeps it (literal secrets"
                            + " masked): the latest version, or --version N.")
    static final class Definition implements Callable<Integer> {
        @Mixin HomeOption home;

        @Option(
                names = {"-h", "--help"},
                usageHelp = true,
                description = "Show this help message and exit.")
        boolean help;

        @Parameters(index = "0", paramLabel = "PIPELINE")
        String pipeline;

        @Option(names = "--version", paramLabel = "N", description = "Version (default latest).")
        int version;

        @Option(names = "--versions", description = "List the versions instead.")
        boolean versions;

        @Option(names = "--json", description = "As JSON.")
        boolean json;

        @Spec picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            try (CatalogStore store = CatalogAccess.openStore(home.resolve())) {
                if (versions) {
                    List<JobDefinition> all = store.jobDefinitions(pipeline);
                    if (all.isEmpty()) {
                        definition(store, pipeline, 0); // the error naming the pipeline
                    }
                    if (json) {
                        var a = ServicesCommand.JSON.createArrayNode();
                        all.forEach(d -> a.add(json(d).without("text")));
                        out.println(ServicesCommand.JSON.writeValueAsString(a));
                    } else {
                        for (JobDefinition d : all) {
                            out.printf(
                                    "v%-4d %s  sha256 %s  %s%n",
                                    d.version(),
                                    d.stored().toString().substring(0, 19).replace('T', ' '),
                                    d.hash().substring(0, 12),
                                    d.file());
                        }
                    }
                    return ExitCodes.OK;
                }
                JobDefinition d = definition(store, pipeline, version);
                if (json) {
                    out.println(ServicesCommand.JSON.writeValueAsString(json(d)));
                } else {
                    out.printf(
                            "# pipeline %s, definition version %d (sha256 %s), stored %s from %s%n",
                            d.pipeline(), d.version(), d.hash(), d.stored(), d.file());
                    out.print(d.text().endsWith("\n") ? d.text() : d.text() + "\n");
                }
                out.flush();
                return ExitCodes.OK;
            } catch (IllegalArgumentException e) {
                spec.commandLine().getErr().println("jobs definition: " + e.getMessage());
                return ExitCodes.FAILURE;
            }
        }
    }

    @Command(
            name = "diff",
            mixinStandardHelpOptions = true,
            description = "What changed in a pipeline's definition between two versions.")
    static final class Diff implements Callable<Integer> {
        @Mixin HomeOption home;

        @Parameters(index = "0", paramLabel = "PIPELINE")
        String pipeline;

        @Parameters(index = "1", paramLabel = "V1", description = "The older version.")
        int from;

        @Parameters(index = "2", paramLabel = "V2", description = "The newer version.")
        int to;

        @Option(names = "--json", description = "As JSON.")
        boolean json;

        @Spec picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            try (CatalogStore store = CatalogAccess.openStore(home.resolve())) {
                JobDefinition a = definition(store, pipeline, from);
                JobDefinition b = definition(store, pipeline, to);
                List<String> diff = LineDiff.unified(a.text(), b.text(), 2);
                if (json) {
                    ObjectNode o = ServicesCommand.JSON.createObjectNode();
                    o.put("pipeline", pipeline);
                    o.set("from", json(a).without("text"));
                    o.set("to", json(b).without("text"));
                    var lines = o.putArray("diff");
                    diff.forEach(lines::add);
                    out.println(ServicesCommand.JSON.writeValueAsString(o));
                } else {
                    out.printf(
                            "--- %s v%d (%s, %s)%n", pipeline, a.version(), a.stored(), a.file());
                    out.printf(
                            "+++ %s v%d (%s, %s)%n", pipeline, b.version(), b.stored(), b.file());
                    if (diff.isEmpty()) {
                        out.println("(the same definition)");
                    }
                    diff.forEach(out::println);
                }
                out.flush();
                return ExitCodes.OK;
            } catch (IllegalArgumentException e) {
                spec.commandLine().getErr().println("jobs diff: " + e.getMessage());
                return ExitCodes.FAILURE;
            }
        }
    }

    static void table(PrintWriter out, List<JobRun> runs) {
        out.printf(
                "%-50s %-10s %-20s %-9s %8s %11s%n",
                "RUN", "STATE", "STARTED", "DURATION", "RESTARTS", "CHECKPOINT");
        for (JobRun r : runs) {
            Instant end = r.ended() != null ? r.ended() : Instant.now();
            Duration d = Duration.between(r.started(), end);
            out.printf(
                    "%-50s %-10s %-20s %-9s %8d %11s%n",
                    r.id(),
                    r.state(),
                    r.started().toString().substring(0, 19).replace('T', ' '),
                    String.format("%dm%02ds", d.toMinutes(), d.toSecondsPart()),
                    r.attempts(),
                    r.lastCheckpointId() > 0 ? "#" + r.lastCheckpointId() : "-");
            if (r.error() != null && r.state() == JobRun.State.FAILED) {
                out.println("    error: " + r.error());
            }
        }
        out.flush();
    }

    static void print(PrintWriter out, boolean json, List<JobRun> runs) throws Exception {
        if (json) {
            ArrayNode a = ServicesCommand.JSON.createArrayNode();
            runs.forEach(r -> a.add(json(r)));
            out.println(ServicesCommand.JSON.writeValueAsString(a));
            out.flush();
        } else {
            table(out, runs);
        }
    }

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = "The newest run of each pipeline.")
    static final class ListRuns implements Callable<Integer> {
        @Mixin HomeOption home;

        @Option(names = "--json", description = "As JSON.")
        boolean json;

        @Spec picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            try (CatalogStore store = CatalogAccess.openStore(home.resolve())) {
                Map<String, JobRun> newest = new LinkedHashMap<>();
                for (JobRun r : store.runs()) {
                    newest.putIfAbsent(r.pipeline(), r);
                }
                print(spec.commandLine().getOut(), json, List.copyOf(newest.values()));
                return ExitCodes.OK;
            }
        }
    }

    @Command(
            name = "history",
            mixinStandardHelpOptions = true,
            description = "Every run, newest first.")
    static final class History implements Callable<Integer> {
        @Mixin HomeOption home;

        @Option(
                names = "--pipeline",
                paramLabel = "NAME",
                description = "Only this pipeline's runs.")
        String pipeline;

        @Option(names = "--json", description = "As JSON.")
        boolean json;

        @Spec picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            try (CatalogStore store = CatalogAccess.openStore(home.resolve())) {
                List<JobRun> runs =
                        store.runs().stream()
                                .filter(r -> pipeline == null || r.pipeline().equals(pipeline))
                                .toList();
                print(spec.commandLine().getOut(), json, runs);
                return ExitCodes.OK;
            }
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "One run, in full.")
    static final class Status implements Callable<Integer> {
        @Mixin HomeOption home;

        @Parameters(
                index = "0",
                paramLabel = "RUN|PIPELINE",
                description = "A run id or a pipeline name.")
        String which;

        @Option(names = "--json", description = "As JSON.")
        boolean json;

        @Spec picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            try (CatalogStore store = CatalogAccess.openStore(home.resolve())) {
                JobRun r = find(store, which);
                ObjectNode o = json(r);
                if (json) {
                    out.println(ServicesCommand.JSON.writeValueAsString(o));
                } else {
                    o.fields()
                            .forEachRemaining(
                                    f ->
                                            out.printf(
                                                    "%-22s %s%n",
                                                    f.getKey(),
                                                    f.getValue().isNull()
                                                            ? "-"
                                                            : f.getValue().asText()));
                }
                out.flush();
                return ExitCodes.OK;
            }
        }
    }

    @Command(
            name = "watch",
            mixinStandardHelpOptions = true,
            description =
                    "A refreshing view of a running pipeline: records in and out, rows committed,"
                            + " freshness, quarantine, pending files, CDC lag, checkpoints (the"
                            + " figures Prometheus scrapes).")
    static final class Watch implements Callable<Integer> {
        @Mixin HomeOption home;

        @Parameters(
                index = "0",
                paramLabel = "RUN|PIPELINE",
                description = "A run id or a pipeline name.")
        String which;

        @Option(
                names = "--interval",
                defaultValue = "PT2S",
                description = "Time between refreshes (default ${DEFAULT-VALUE}).")
        Duration interval;

        @Option(
                names = "--count",
                defaultValue = "0",
                description = "Stop after this many views (default: until the job ends).")
        int count;

        @Spec picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            JobRun run;
            try (CatalogStore store = CatalogAccess.openStore(home.resolve())) {
                run = find(store, which);
            }
            if (run.state().ended()) {
                out.printf(
                        "Run %s ended %s (%s); nothing to watch. tributary jobs status %s shows"
                                + " it.%n",
                        run.id(), run.ended(), run.state(), run.id());
                out.flush();
                return ExitCodes.OK;
            }
            if (run.flinkJobId() == null || run.target() == null) {
                throw new IllegalArgumentException(
                        "Run " + run.id() + " has no Flink job yet (state " + run.state() + ")");
            }
            FlinkRest rest = new FlinkRest(run.target());
            // a terminal redraws in place; a pipe or a file gets one view after the other
            boolean redraw = System.console() != null && count != 1;
            for (int n = 1; ; n++) {
                JobFigures f = JobFigures.read(rest, run.flinkJobId());
                if (redraw) {
                    out.print("\033[H\033[2J");
                }
                render(out, run, f);
                out.flush();
                boolean ended =
                        !f.state().equals("RUNNING")
                                && !f.state().equals("CREATED")
                                && !f.state().equals("RESTARTING")
                                && !f.state().equals("INITIALIZING");
                if (ended || (count > 0 && n >= count)) {
                    return ExitCodes.OK;
                }
                Thread.sleep(interval.toMillis());
            }
        }

        static void render(PrintWriter out, JobRun run, JobFigures f) {
            out.printf(
                    "%s  run %s  Flink job %s at %s  %s  %s%n",
                    run.pipeline(),
                    run.id(),
                    run.flinkJobId(),
                    run.target(),
                    f.state(),
                    Instant.now().toString().substring(11, 19));
            out.printf("%-64s %14s %14s %10s%n", "VERTEX", "RECORDS IN", "RECORDS OUT", "OUT/S");
            for (JobFigures.Vertex v : f.vertices()) {
                String name = v.name().length() > 64 ? v.name().substring(0, 61) + "..." : v.name();
                out.printf(
                        "%-64s %,14d %,14d %,10.1f%n",
                        name, v.recordsIn(), v.recordsOut(), v.outPerSecond());
            }
            out.printf(
                    "warehouse    rows committed %,d · freshness %s · commit p50 %s · last"
                            + " committed checkpoint %s%n",
                    f.rowsCommitted(),
                    millis(f.freshnessMs()),
                    millis(f.commitLatencyP50Ms()),
                    f.lastCommittedCheckpoint() < 0 ? "-" : "#" + f.lastCommittedCheckpoint());
            StringBuilder reasons = new StringBuilder();
            f.quarantinedByReason()
                    .forEach(
                            (reason, n) -> {
                                if (n > 0) {
                                    reasons.append(reasons.length() == 0 ? " (" : ", ")
                                            .append(reason)
                                            .append(' ')
                                            .append(n);
                                }
                            });
            if (reasons.length() > 0) {
                reasons.append(')');
            }
            out.printf(
                    "s3           pending files %s · quarantined %,d%s%n",
                    f.pendingFiles() < 0 ? "-" : String.format("%,d", f.pendingFiles()),
                    f.quarantined(),
                    reasons);
            StringBuilder versions = new StringBuilder();
            f.schemaVersions()
                    .forEach(
                            (table, v) ->
                                    versions.append(versions.length() == 0 ? "" : ", ")
                                            .append(table)
                                            .append(" v")
                                            .append(v));
            out.printf(
                    "cdc          %slag %s · schema versions %s%n",
                    phase(f), millis(f.cdcLagMs()), versions.length() == 0 ? "-" : versions);
            out.printf(
                    "checkpoints  %,d completed · %,d failed · last took %s%n",
                    f.checkpointsCompleted(), f.checkpointsFailed(), millis(f.lastCheckpointMs()));
            String quality = quality(f.quality());
            if (quality != null) {
                out.println(quality);
            }
        }

        /** The rulesets' line: their score and what it counts; null for a job without any. */
        static String quality(JobFigures.Quality q) {
            if (q.checks() == 0 && q.windows() == 0) {
                return null;
            }
            return String.format(
                    java.util.Locale.ROOT,
                    "quality      score %.1f%% · row checks %,d (%,d failed) · windows %,d (%,d"
                            + " failed)",
                    q.score(),
                    q.checks(),
                    q.checksFailed(),
                    q.windows(),
                    q.windowsFailed());
        }

        /**
         * Where the CDC sources are: {@code snapshot 1,234 of ~10,000 rows · } while one reads its
         * snapshot, {@code streaming · } once all do (columns may change from then on).
         */
        static String phase(JobFigures f) {
            if (f.cdcSources() == 0) {
                return "";
            }
            if (f.cdcStreaming() == f.cdcSources()) {
                return "streaming · ";
            }
            return String.format(
                    "snapshot %,d%s rows%s · ",
                    f.snapshotRowsRead(),
                    f.snapshotRowsEstimated() < 0
                            ? ""
                            : String.format(" of ~%,d", f.snapshotRowsEstimated()),
                    f.cdcStreaming() == 0
                            ? ""
                            : " (" + f.cdcStreaming() + " of " + f.cdcSources() + " streaming)");
        }

        private static String millis(long ms) {
            if (ms < 0) {
                return "-";
            }
            if (ms < 10_000) {
                return ms + " ms";
            }
            double s = ms / 1000.0;
            return s < 120
                    ? String.format("%.1f s", s)
                    : s < 7200
                            ? String.format("%.1f min", s / 60)
                            : s < 172_800
                                    ? String.format("%.1f h", s / 3600)
                                    : String.format("%.1f d", s / 86_400);
        }
    }
}
