package io.tributary.jobs.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.connectors.cdc.CdcConnection;
import io.tributary.connectors.cdc.CdcReadiness;
import io.tributary.connectors.cdc.CdcSourceBuilder;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
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
        subcommands = {CdcCommand.Tables.class})
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
}
