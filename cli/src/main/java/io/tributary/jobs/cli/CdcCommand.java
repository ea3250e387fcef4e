package io.tributary.jobs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.connectors.cdc.CdcConnection;
import io.tributary.connectors.cdc.CdcReadiness;
import io.tributary.connectors.cdc.CdcSourceBuilder;
import io.tributary.jobs.runs.FlinkRest;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tributary cdc ...}: change data capture from RDS MySQL/MariaDB and PostgreSQL. */
@Command(
        name = "cdc",
        mixinStandardHelpOptions = true,
        description = "Change data capture from MySQL/MariaDB (binlog) and PostgreSQL (pgoutput).",
        subcommands = {CdcCommand.Tables.class, CdcCommand.Progress.class})
final class CdcCommand implements Runnable {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code tributary cdc tables <jdbc-url>}: what would be captured, and is the DB ready. */
    @Command(
            name = "tables",
            mixinStandardHelpOptions = true,
            description = {
                "Check a database for change data capture (binary log / wal_level, privileges,"
                        + " replication slots, primary keys) and list the tables a capture would"
                        + " read, with their estimated row counts.",
                "Exit code 0 when ready, 1 when something must change first (each problem is"
                        + " named with its fix)."
            })
    static final class Tables implements Callable<Integer> {

        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Mixin JdbcCredentials credentials = new JdbcCredentials();

        @Parameters(
                index = "0",
                paramLabel = "JDBC_URL",
                description =
                        "jdbc:mysql://host:port/db, jdbc:mariadb://... or jdbc:postgresql://...")
        String url;

        @Option(
                names = "--tables",
                paramLabel = "PATTERN",
                split = ",",
                description =
                        "db.table (MySQL) or schema.table (PostgreSQL), * for any characters;"
                                + " default every table of the URL's database (public.* on"
                                + " PostgreSQL).")
        List<String> tables = new ArrayList<>();

        @Option(
                names = "--slot",
                paramLabel = "NAME",
                description =
                        "PostgreSQL replication slot the capture will use (default tributary_<db>).")
        String slot;

        @Option(names = "--json", description = "Print the report as JSON.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            CdcConnection connection =
                    CdcConnection.parse(url, credentials.user, credentials.password());
            List<String> patterns = tables;
            if (patterns.isEmpty()) {
                patterns =
                        List.of(
                                connection.kind() == CdcConnection.Kind.MYSQL
                                        ? connection.database() + ".*"
                                        : "public.*");
            }
            CdcReadiness.Report report =
                    CdcReadiness.check(
                            connection,
                            patterns,
                            slot != null
                                    ? slot
                                    : CdcSourceBuilder.defaultSlotName(connection.database()));
            if (json) {
                out.println(toJson(report));
            } else {
                print(out, report);
            }
            return report.ready() ? ExitCodes.OK : ExitCodes.FAILURE;
        }

        private static void print(PrintWriter out, CdcReadiness.Report report) {
            out.println(
                    report.connection()
                            + (report.ready()
                                    ? ": ready for change data capture"
                                    : ": NOT ready for change data capture"));
            for (CdcReadiness.Finding f : report.findings()) {
                out.println(
                        "  "
                                + String.format(Locale.ROOT, "%-5s ", f.level())
                                + f.what()
                                + (f.fix() == null ? "" : "\n        fix: " + f.fix()));
            }
            long rows =
                    report.tables().stream().mapToLong(t -> Math.max(0, t.estimatedRows())).sum();
            out.println(
                    "tables to capture: "
                            + report.tables().size()
                            + " (about "
                            + String.format(Locale.ROOT, "%,d", rows)
                            + " rows to snapshot)");
            int width =
                    report.tables().stream()
                            .mapToInt(t -> t.table().qualified().length())
                            .max()
                            .orElse(0);
            for (CdcReadiness.TableInfo t : report.tables()) {
                out.println(
                        "  "
                                + String.format(
                                        Locale.ROOT,
                                        "%-" + width + "s  %14s rows  ",
                                        t.table().qualified(),
                                        String.format(
                                                Locale.ROOT,
                                                "~%,d",
                                                Math.max(0, t.estimatedRows())))
                                + (t.primaryKey().isEmpty()
                                        ? "no primary key"
                                        : "key (" + String.join(", ", t.primaryKey()) + ")"));
            }
        }

        private static String toJson(CdcReadiness.Report report) {
            ObjectMapper m = new ObjectMapper();
            ObjectNode root = m.createObjectNode();
            root.put("connection", report.connection().toString());
            root.put("ready", report.ready());
            ArrayNode findings = root.putArray("findings");
            for (CdcReadiness.Finding f : report.findings()) {
                ObjectNode n = findings.addObject();
                n.put("level", f.level().name());
                n.put("what", f.what());
                n.put("fix", f.fix());
            }
            ArrayNode tables = root.putArray("tables");
            for (CdcReadiness.TableInfo t : report.tables()) {
                ObjectNode n = tables.addObject();
                n.put("table", t.table().qualified());
                n.put("estimatedRows", t.estimatedRows());
                ArrayNode key = n.putArray("primaryKey");
                t.primaryKey().forEach(key::add);
            }
            return root.toString();
        }
    }

    /** {@code tributary cdc progress [job]}: the snapshot of each captured table, rows done. */
    @Command(
            name = "progress",
            mixinStandardHelpOptions = true,
            description = {
                "Show how far the capture jobs running on a Flink cluster are: per table, the"
                        + " snapshot rows read against the database's estimate, and the changes"
                        + " streamed since.",
                "Reads the metrics Tributary's CDC sources export (pipelines' cdc sources and"
                        + " tributary-cdc tables, CDC jobs to the warehouse) through Flink's REST API."
            })
    static final class Progress implements Callable<Integer> {

        private static final Pattern METRIC =
                Pattern.compile(
                        "(?:^|.*?\\.)(?:database\\.([^.]+)\\.)?table\\.(.+)\\."
                                + "(snapshotRowsRead|snapshotRowsEstimated|changesStreamed)$");

        /** The reader-level flag: 1 once a reader has the binlog/WAL split. */
        private static final Pattern STREAMING = Pattern.compile("(?:^|.*\\.)streaming$");

        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Mixin HomeOption home = new HomeOption();

        @Parameters(
                index = "0",
                arity = "0..1",
                paramLabel = "JOB_ID",
                description = "A job id (default: every running job with a CDC source).")
        String jobId;

        @Option(
                names = "--rest",
                paramLabel = "HOST:PORT",
                description =
                        "Flink's REST address (default: the Flink of `tributary services up`).")
        String rest;

        @Option(names = "--json", description = "Print the progress as JSON.")
        boolean json;

        /**
         * One table's figures in one job; {@code streaming}: the source that reads it is past the
         * snapshot of every table it captures, reading the binlog or WAL (columns may change now).
         */
        record TableProgress(
                String job,
                String jobName,
                String table,
                long read,
                long estimated,
                long streamed,
                boolean streaming) {}

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            FlinkRest flink = ServicesCommand.flinkRest(rest, home.resolve());
            List<String> jobs = new ArrayList<>();
            if (jobId != null) {
                jobs.add(jobId);
            } else {
                for (JsonNode j : flink.get("/jobs/overview").path("jobs")) {
                    if (j.path("state").asText().equals("RUNNING")) {
                        jobs.add(j.path("jid").asText());
                    }
                }
            }
            List<TableProgress> all = new ArrayList<>();
            for (String job : jobs) {
                all.addAll(progress(flink, job));
            }
            if (json) {
                ObjectMapper m = new ObjectMapper();
                ArrayNode root = m.createArrayNode();
                for (TableProgress p : all) {
                    root.add(m.valueToTree(p));
                }
                out.println(root);
            } else if (all.isEmpty()) {
                out.println(
                        jobs.isEmpty()
                                ? "No running jobs on " + flink.base()
                                : "No CDC source in job(s) " + String.join(", ", jobs));
            } else {
                print(out, all);
            }
            return ExitCodes.OK;
        }

        private static List<TableProgress> progress(FlinkRest flink, String job)
                throws IOException {
            JsonNode detail = flink.get("/jobs/" + job);
            String name = detail.path("name").asText();
            // per table: rows read, estimate, changes streamed, and whether the source reading it
            // streams (each CDC source of a pipeline is a vertex of its own, in its own phase)
            Map<String, long[]> byTable = new TreeMap<>();
            for (JsonNode v : detail.path("vertices")) {
                String vertex = v.path("id").asText();
                List<String> names =
                        flink.metricNames(
                                job,
                                vertex,
                                id ->
                                        METRIC.matcher(id).matches()
                                                || STREAMING.matcher(id).matches());
                if (names.isEmpty()) {
                    continue;
                }
                boolean streaming = false;
                Set<String> tables = new HashSet<>();
                for (JsonNode m : flink.aggregated(job, vertex, names)) {
                    String id = m.path("id").asText();
                    if (STREAMING.matcher(id).matches()) {
                        streaming |= m.path("max").asLong() > 0;
                        continue;
                    }
                    Matcher x = METRIC.matcher(id);
                    if (!x.matches()) {
                        continue;
                    }
                    String table = x.group(1) == null ? x.group(2) : x.group(1) + "." + x.group(2);
                    tables.add(table);
                    long[] n = byTable.computeIfAbsent(table, t -> new long[] {0, -1, 0, 1});
                    switch (x.group(3)) {
                        case "snapshotRowsRead" -> n[0] += m.path("sum").asLong();
                        // registered by the first reader only: one estimate per table
                        case "snapshotRowsEstimated" -> n[1] = m.path("max").asLong();
                        default -> n[2] += m.path("sum").asLong();
                    }
                }
                for (String table : tables) {
                    if (!streaming) {
                        byTable.get(table)[3] = 0;
                    }
                }
            }
            List<TableProgress> out = new ArrayList<>();
            byTable.forEach(
                    (table, n) ->
                            out.add(
                                    new TableProgress(
                                            job, name, table, n[0], n[1], n[2], n[3] == 1)));
            return out;
        }

        /** The phase of a job's capture: every source streaming, none, or some. */
        private static String phase(List<TableProgress> all, String job) {
            long tables = all.stream().filter(p -> p.job().equals(job)).count();
            long streaming = all.stream().filter(p -> p.job().equals(job) && p.streaming()).count();
            return streaming == tables
                    ? "streaming changes (every snapshot done)"
                    : streaming == 0
                            ? "snapshot"
                            : "snapshot of " + (tables - streaming) + " of " + tables + " tables";
        }

        private static void print(PrintWriter out, List<TableProgress> all) {
            int width = Math.max(5, all.stream().mapToInt(p -> p.table().length()).max().orElse(0));
            String job = null;
            for (TableProgress p : all) {
                if (!p.job().equals(job)) {
                    job = p.job();
                    out.println(
                            "job " + p.job() + " (" + p.jobName() + "): " + phase(all, p.job()));
                    out.println(
                            String.format(
                                    Locale.ROOT,
                                    "  %-" + width + "s  %15s  %15s  %6s  %16s",
                                    "table",
                                    "snapshot rows",
                                    "estimated",
                                    "done",
                                    "changes streamed"));
                }
                String done =
                        p.estimated() > 0
                                ? String.format(
                                        Locale.ROOT,
                                        "%d%%",
                                        Math.min(100, p.read() * 100 / p.estimated()))
                                : "-";
                out.println(
                        String.format(
                                Locale.ROOT,
                                "  %-" + width + "s  %,15d  %15s  %6s  %,16d",
                                p.table(),
                                p.read(),
                                p.estimated() < 0
                                        ? "?"
                                        : String.format(Locale.ROOT, "~%,d", p.estimated()),
                                done,
                                p.streamed()));
            }
        }
    }
}
