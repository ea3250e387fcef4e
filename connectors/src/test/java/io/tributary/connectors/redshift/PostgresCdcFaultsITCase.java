package io.tributary.connectors.redshift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tributary.catalog.registry.RegistryHttpServer;
import io.tributary.connectors.cdc.CdcConnection;
import io.tributary.connectors.cdc.CdcSourceBuilder;
import io.tributary.connectors.cdc.FailingChanges;
import io.tributary.connectors.cdc.OrdersWriter;
import io.tributary.connectors.changes.SourceTable;
import io.tributary.embedded.PostgresService;
import io.tributary.embedded.SharedServices;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL → CDC (pgoutput) → the exactly-once warehouse sink, with ten task failures at random
 * records (wherever they fall: in the snapshot, which is then read again, or while streaming) while
 * rows keep changing: each failure restarts the job from its last checkpoint; afterwards the
 * warehouse equals the source table by key and content. (MariaDB → warehouse is the reference
 * pipeline's, in {@code ReferenceFaultsITCase}.)
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class PostgresCdcFaultsITCase {

    private static final int ROWS = 2000;
    private static final int FAILURES = 10;
    private static final int MARKER = 1_000_000;

    @TempDir Path registryDir;

    @Test
    void tenTaskFailuresBetweenPostgresCdcAndTheWarehouseLoseAndDoubleNothing() throws Exception {
        long seed = Long.getLong("tributary.fault.seed", System.nanoTime() % 100_000);
        System.out.println(
                "fault seed " + seed + " (rerun with -Dtributary.fault.seed=" + seed + ")");
        String slot = "pf_faults_" + Math.floorMod(seed, 1_000_000);
        PostgresService pg = SharedServices.postgres();
        pg.createDatabase("pf_crm");
        Warehouse wh = new Warehouse("pf_wh");
        wh.execute("CREATE SCHEMA IF NOT EXISTS pf");
        wh.execute("DROP TABLE IF EXISTS pf.orders");
        try (RegistryHttpServer registry = RegistryHttpServer.start(registryDir, 0);
                Connection c = pg.connect("pf_crm");
                Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS orders");
            s.execute("CREATE TABLE orders (id INT PRIMARY KEY, qty INT NOT NULL)");
            s.execute("INSERT INTO orders SELECT g, g % 7 FROM generate_series(1, " + ROWS + ") g");
            StreamExecutionEnvironment env =
                    new StreamExecutionEnvironment(FailingChanges.jobConfiguration());
            env.setParallelism(1);
            env.fromSource(
                            CdcSourceBuilder.forConnection(
                                            CdcConnection.parse(
                                                    pg.jdbcUrl("pf_crm"), null, "unused"))
                                    .tables("public.orders")
                                    .slotName(slot)
                                    .registry(registry.url(), null)
                                    .build(),
                            WatermarkStrategy.noWatermarks(),
                            "cdc")
                    .map(new FailingChanges("pg-to-warehouse", seed, FAILURES, 200, 2_300))
                    .sinkTo(
                            RedshiftChangeSink.builder()
                                    .url(wh.url)
                                    .table("pf", "orders")
                                    .source(new SourceTable("pf_crm", "public", "orders"))
                                    .registry(registry.url(), null)
                                    .keys(List.of("id"))
                                    .buildForChanges());
            JobClient job = env.executeAsync("postgres-cdc-task-failures");
            OrdersWriter writer = new OrdersWriter(() -> pg.connect("pf_crm"), ROWS, seed);
            TreeSet<String> source;
            try {
                writer.writeUntil(
                        () -> FailingChanges.injected("pg-to-warehouse") >= FAILURES,
                        Duration.ofMinutes(4));
                s.execute("INSERT INTO orders VALUES (" + MARKER + ", 0)");
                source = rows(s, "SELECT id, qty FROM orders");
                await().atMost(Duration.ofMinutes(2))
                        .pollInterval(Duration.ofMillis(500))
                        .ignoreExceptions()
                        .until(
                                () ->
                                        new TreeSet<>(wh.rows("SELECT id, qty FROM pf.orders"))
                                                .equals(source));
                assertThat(job.getJobStatus().get().isGloballyTerminalState()).isFalse();
            } finally {
                job.cancel().get();
                // the job's slot would keep WAL for the rest of this JVM's tests
                await().atMost(Duration.ofSeconds(30))
                        .ignoreExceptions()
                        .until(() -> s.execute("SELECT pg_drop_replication_slot('" + slot + "')"));
            }
            assertThat(FailingChanges.injected("pg-to-warehouse")).isEqualTo(FAILURES);
            System.out.printf(
                    "reliability: PostgreSQL CDC → warehouse, %d task failures injected (seed %d)"
                            + " while %d statements changed rows: %d rows compared by key and"
                            + " content, 0 lost, 0 duplicated%n",
                    FailingChanges.injected("pg-to-warehouse"),
                    seed,
                    writer.statements() + 1,
                    source.size());
        }
    }

    private static TreeSet<String> rows(Statement s, String sql) throws Exception {
        TreeSet<String> out = new TreeSet<>();
        try (ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getInt(1) + "|" + rs.getInt(2));
            }
        }
        return out;
    }
}
