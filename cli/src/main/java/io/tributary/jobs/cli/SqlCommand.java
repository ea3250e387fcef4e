package io.tributary.jobs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.connectors.catalog.TributaryCatalogFactory;
import io.tributary.connectors.storage.S3AccessOptions;
import io.tributary.embedded.internal.Ports;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.flink.table.catalog.CommonCatalogOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tributary sql}: Flink's own SQL client (or, with {@code --gateway}, the SQL Gateway) in a
 * JVM with Tributary's connectors on the classpath and the Tributary catalog registered as {@code
 * tributary} (Flink's file catalog store under {@code $TRIBUTARY_HOME/sql/catalogs}), so {@code
 * SHOW DATABASES}, {@code SELECT} from crawled tables and {@code INSERT INTO} the warehouse just
 * work. Jobs run on a local MiniCluster, or on the cluster of {@code --target} / {@code services
 * up}.
 */
@Command(
        name = "sql",
        mixinStandardHelpOptions = true,
        description =
                "Flink's SQL client with the Tributary catalog and connectors (-f runs a script;"
                        + " --gateway starts the SQL Gateway instead).")
final class SqlCommand implements Callable<Integer> {

    @Mixin HomeOption home;

    @Mixin S3Access s3;

    @Option(
            names = {"-f", "--file"},
            paramLabel = "SCRIPT",
            description = "Run this SQL script and exit.")
    Path script;

    @Option(
            names = "--target",
            paramLabel = "HOST:PORT",
            description =
                    "Run jobs on the Flink cluster with this REST address (default: the one of"
                            + " `services up`, else a local MiniCluster in the client).")
    String target;

    @Option(
            names = "--scan-mode",
            defaultValue = "bounded",
            description =
                    "How catalog tables are read: bounded (queries end) or continuous (files as"
                            + " they land, JDBC tables as change streams). Default ${DEFAULT-VALUE}.")
    String scanMode;

    @Option(
            names = "--gateway",
            description = "Start the SQL Gateway (REST) instead of the client.")
    boolean gateway;

    @Option(
            names = "--gateway-port",
            defaultValue = "0",
            description = "The gateway's REST port on 127.0.0.1 (default: a free one).")
    int gatewayPort;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path dir = home.resolve();
        Instant started = Instant.now();
        Path sql = dir.resolve("sql");
        Path conf = Files.createDirectories(sql.resolve("conf"));
        Path catalogs = Files.createDirectories(sql.resolve("catalogs"));
        writeCatalog(dir, catalogs, err);
        Files.write(conf.resolve("config.yaml"), config(dir, catalogs), StandardCharsets.UTF_8);
        Path init = sql.resolve("init.sql");
        Files.writeString(init, "USE CATALOG tributary;\n", StandardCharsets.UTF_8);

        List<String> cmd = JvmLauncher.java();
        if (gateway) {
            int port = gatewayPort > 0 ? gatewayPort : Ports.freePort();
            cmd.add(TributarySqlGateway.class.getName());
            cmd.add("-Dsql-gateway.endpoint.rest.address=127.0.0.1");
            cmd.add("-Dsql-gateway.endpoint.rest.bind-address=127.0.0.1");
            cmd.add("-Dsql-gateway.endpoint.rest.port=" + port);
            out.println(
                    "SQL Gateway on http://127.0.0.1:"
                            + port
                            + " (catalog 'tributary'); Ctrl-C stops it");
            out.flush();
        } else {
            cmd.add("org.apache.flink.table.client.SqlClient");
            cmd.add("embedded");
            cmd.add("-i");
            cmd.add(init.toString());
            if (script != null) {
                if (!Files.isRegularFile(script)) {
                    throw new IllegalArgumentException("No SQL script at " + script);
                }
                cmd.add("-f");
                cmd.add(script.toAbsolutePath().toString());
            }
        }
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("FLINK_CONF_DIR", conf.toString());
        if (script == null) {
            // interactive: the client owns the terminal
            pb.inheritIO();
            int rc = pb.start().waitFor();
            reportQuarantined(dir, started, out);
            return rc;
        }
        pb.redirectErrorStream(true);
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Process p = pb.start();
        boolean failed = false;
        try (BufferedReader in =
                new BufferedReader(
                        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                // Flink's client stops a script at a failed statement but exits 0: say it failed
                failed |= line.contains(SQL_CLIENT_ERROR); // after a colour code, on a terminal
                out.println(line);
                out.flush();
            }
        }
        int rc = p.waitFor();
        reportQuarantined(dir, started, out);
        return rc == 0 && !failed ? ExitCodes.OK : ExitCodes.FAILURE;
    }

    /** How Flink's SQL client starts the report of a statement that failed. */
    private static final String SQL_CLIENT_ERROR = "[ERROR] Could not execute SQL statement";

    /**
     * The records this session's reads quarantined, per table, and how to list them: a query that
     * set records aside says so instead of leaving a smaller count unexplained.
     */
    static void reportQuarantined(Path dir, Instant since, PrintWriter out) throws IOException {
        Path base = dir.resolve("quarantine");
        if (!Files.isDirectory(base)) {
            return;
        }
        Map<String, Long> perTable = new TreeMap<>();
        try (Stream<Path> files = Files.walk(base)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (f.toString().endsWith(".json")
                        && Files.getLastModifiedTime(f).toInstant().isAfter(since)
                        && base.relativize(f).getNameCount() >= 3) {
                    Path rel = base.relativize(f);
                    // folder names as they are: the location's URI escapes are decoded on disk
                    String table = rel.getName(0) + "." + rel.getName(1);
                    perTable.merge(table, 1L, Long::sum);
                }
            }
        }
        perTable.forEach(
                (table, n) ->
                        out.println(
                                n
                                        + " record(s) of "
                                        + table
                                        + " were quarantined by this session's reads:"
                                        + " tributary quarantine list '"
                                        + table
                                        + "'"));
        out.flush();
    }

    /** The Tributary catalog as a file catalog store entry: every session of the client sees it. */
    private void writeCatalog(Path dir, Path catalogs, PrintWriter err) throws IOException {
        Map<String, String> options = catalogOptions(dir, s3, scanMode);
        List<String> lines = new ArrayList<>();
        options.forEach(
                (k, v) ->
                        lines.add(
                                k + ": \"" + v.replace("\\", "\\\\").replace("\"", "\\\"") + "\""));
        Files.write(catalogs.resolve("tributary.yaml"), lines, StandardCharsets.UTF_8);
    }

    /**
     * The options of the Tributary catalog as the CLI's queries see it: the store of {@code
     * $TRIBUTARY_CATALOG_STORE} or of {@code dir}, the scan mode, the quarantine, and S3 access
     * (given, else the embedded server of {@code services up}).
     */
    static Map<String, String> catalogOptions(Path dir, S3Access s3, String scanMode) {
        Map<String, String> options = new LinkedHashMap<>();
        options.put(CommonCatalogOptions.CATALOG_TYPE.key(), TributaryCatalogFactory.IDENTIFIER);
        String store = System.getenv(CatalogAccess.STORE_ENV);
        options.put(
                TributaryCatalogFactory.STORE.key(),
                store != null && !store.isBlank() ? store : dir.resolve("catalog").toString());
        options.put(TributaryCatalogFactory.SCAN_MODE.key(), scanMode);
        options.put(
                TributaryCatalogFactory.QUARANTINE_PATH.key(),
                dir.resolve("quarantine").toUri().toString());
        Optional<JsonNode> running = ServicesCommand.runningState(dir);
        if (s3.endpoint != null) {
            options.put(S3AccessOptions.ENDPOINT.key(), s3.endpoint);
            options.put(S3AccessOptions.PATH_STYLE.key(), "true");
        } else if (running.isPresent() && running.get().at("/services/s3/endpoint").isTextual()) {
            JsonNode e = running.get().at("/services/s3");
            options.put(S3AccessOptions.ENDPOINT.key(), e.get("endpoint").asText());
            options.put(S3AccessOptions.PATH_STYLE.key(), "true");
            // the embedded server's fixed loopback keys, not secrets
            options.put(S3AccessOptions.ACCESS_KEY.key(), e.path("access-key").asText());
            options.put(S3AccessOptions.SECRET_KEY.key(), e.path("secret-key").asText());
        }
        if (s3.region != null) {
            options.put(S3AccessOptions.REGION.key(), s3.region);
        }
        return options;
    }

    private List<String> config(Path dir, Path catalogs) {
        List<String> c = new ArrayList<>();
        String rest = target;
        if (rest == null) {
            rest =
                    ServicesCommand.runningState(dir)
                            .map(s -> s.at("/services/flink/rest-address").asText(null))
                            .orElse(null);
        }
        if (rest != null) {
            String[] hp = rest.replaceFirst("^https?://", "").split(":");
            c.add("execution.target: remote");
            c.add("rest.address: " + hp[0]);
            c.add("rest.port: " + hp[1]);
        } else {
            c.add("execution.target: local");
        }
        // bounded reads give one answer per query (batch); continuous ones a changelog (streaming)
        c.add("execution.runtime-mode: " + ("continuous".equals(scanMode) ? "streaming" : "batch"));
        // the exactly-once sink commits on checkpoints (and when a bounded input ends)
        c.add("execution.checkpointing.interval: 10 s");
        c.add("parallelism.default: 1");
        c.add("table.dml-sync: true");
        c.add("sql-client.execution.result-mode: tableau");
        c.add("table.catalog-store.kind: file");
        c.add("table.catalog-store.file.path: " + catalogs.toUri());
        return c;
    }
}
