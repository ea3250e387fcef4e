package io.tributary.connectors.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tributary.embedded.MariaDbService;
import io.tributary.embedded.PostgresService;
import io.tributary.embedded.SharedServices;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code 'connector' = 'tributary-cdc'} in Flink SQL, on MariaDB and PostgreSQL: Flink CDC's rows
 * as they are, and the figures {@code tributary cdc progress} shows for pipelines (snapshot rows
 * against the database's estimate, changes streamed, the moment streaming starts); a column added
 * before streaming fails the job once with the way out, as for Tributary's own CDC source.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CdcTableSourceITCase {

    private static final int ROWS = 1_000;

    @Test
    void mariadbRowsAndTheirProgress() throws Exception {
        MariaDbService db = SharedServices.mariadb();
        db.createDatabase("tcdc_shop");
        try (Connection c = db.connect("tcdc_shop");
                Statement s = c.createStatement()) {
            CustomersTable.create(s);
            CustomersTable.addMariaDbRows(s, ROWS + 6);
            s.execute("ANALYZE TABLE customers");
            rowsAndProgress(
                    s,
                    options("mysql", db.endpoints())
                            + ", 'database-name' = 'tcdc_shop', 'table-name' = 'customers',"
                            + " 'server-time-zone' = 'UTC'",
                    "tcdc_shop.customers");
        }
    }

    @Test
    void postgresRowsAndTheirProgress() throws Exception {
        PostgresService pg = SharedServices.postgres();
        pg.createDatabase("tcdc_crm");
        try (Connection c = pg.connect("tcdc_crm");
                Statement s = c.createStatement()) {
            CustomersTable.create(s);
            s.execute(
                    "INSERT INTO customers SELECT g, 'c' || g, g / 4.0, NULL"
                            + " FROM generate_series(10, "
                            + (ROWS + 6)
                            + ") g");
            s.execute("ALTER TABLE customers REPLICA IDENTITY FULL");
            s.execute("ANALYZE customers");
            try {
                rowsAndProgress(
                        s,
                        options("postgres", pg.endpoints())
                                + ", 'database-name' = 'tcdc_crm', 'schema-name' = 'public',"
                                + " 'table-name' = 'customers', 'slot.name' = 'tcdc_itcase',"
                                + " 'decoding.plugin.name' = 'pgoutput',"
                                + " 'scan.incremental.snapshot.enabled' = 'true',"
                                + " 'changelog-mode' = 'upsert'",
                        "public.customers");
            } finally {
                dropSlot(s, "tcdc_itcase");
            }
        }
    }

    private static void rowsAndProgress(Statement db, String options, String table)
            throws Exception {
        StreamTableEnvironment t = tableEnvironment("none");
        t.executeSql(
                "CREATE TABLE customers (id INT NOT NULL, name STRING, credit DECIMAL(10, 2),"
                        + " since DATE, PRIMARY KEY (id) NOT ENFORCED) WITH ('connector' ="
                        + " 'tributary-cdc', "
                        + options
                        + ")");
        TableResult result = t.executeSql("SELECT id, name FROM customers");
        JobClient job = result.getJobClient().orElseThrow();
        try (CloseableIterator<Row> rows = result.collect()) {
            List<Row> snapshot = next(rows, ROWS);
            assertThat(snapshot).extracting(Row::getKind).containsOnly(RowKind.INSERT);
            assertThat(snapshot)
                    .anySatisfy(r -> assertThat(r.getField(1)).isEqualTo("Ada"))
                    .extracting(r -> r.getField(0))
                    .doesNotHaveDuplicates();
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(200))
                    .until(
                            () -> JobMetrics.get(job.getJobID(), ProgressSource.STREAMING, "max"),
                            n -> n == 1);
            assertThat(JobMetrics.get(job.getJobID(), "snapshotRowsRead", "sum")).isEqualTo(ROWS);
            assertThat(JobMetrics.get(job.getJobID(), "snapshotRowsEstimated", "max"))
                    .as("the database's estimate, asked for when the reader started")
                    .isBetween(ROWS / 2L, ROWS * 2L);
            assertThat(JobMetrics.get(job.getJobID(), "changesStreamed", "sum")).isZero();
            assertThat(JobMetrics.get(job.getJobID(), ProgressSource.SCHEMA_VERSION, "max"))
                    .as("SQL rows carry no schema version: none shown, not 0")
                    .isEqualTo(-1);

            db.execute("INSERT INTO customers VALUES (4, 'Dan', 1.00, NULL)");
            db.execute("UPDATE customers SET name = 'Ada L.' WHERE id = 1");
            db.execute("DELETE FROM customers WHERE id = 2");
            // up to the delete; an update's old row (-U) comes or not as the planner needs it
            List<Row> changes = new ArrayList<>();
            while (rows.hasNext()) {
                Row r = rows.next();
                if (r.getKind() != RowKind.UPDATE_BEFORE) {
                    changes.add(r);
                }
                if (r.getKind() == RowKind.DELETE) {
                    break;
                }
            }
            assertThat(changes)
                    .extracting(r -> r.getKind().shortString())
                    .containsExactly("+I", "+U", "-D");
            assertThat(changes.get(0).getField(1)).isEqualTo("Dan");
            assertThat(changes.get(1).getField(1)).isEqualTo("Ada L.");
            assertThat(changes.get(2).getField(0)).isEqualTo(2);
            await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200))
                    .until(
                            () -> JobMetrics.get(job.getJobID(), "changesStreamed", "sum"),
                            n -> n == 3);
            // the per-table figures are named by the table: what `cdc progress` groups by
            String[] names = table.split("\\.");
            assertThat(
                            JobMetrics.get(
                                    job.getJobID(),
                                    "database."
                                            + names[0]
                                            + ".table."
                                            + names[1]
                                            + ".snapshotRowsRead",
                                    "sum"))
                    .isEqualTo(ROWS);
        } finally {
            if (!job.getJobStatus().get().isGloballyTerminalState()) {
                job.cancel().get();
            }
        }
    }

    @Test
    void mariadbColumnAddedBetweenSnapshotAndStreamingFailsOnceWithTheWayOut() throws Exception {
        MariaDbService db = SharedServices.mariadb();
        db.createDatabase("tgap_shop");
        try (Connection c = db.connect("tgap_shop");
                Statement s = c.createStatement()) {
            CustomersTable.create(s);
            CustomersTable.addMariaDbRows(s, 1200);
            ColumnsChangedBeforeStreamingITCase.EMITTED.set(0);
            StreamExecutionEnvironment env = environment("fixed-delay");
            StreamTableEnvironment t = StreamTableEnvironment.create(env);
            t.executeSql(
                    "CREATE TABLE customers (id INT NOT NULL, name STRING, PRIMARY KEY (id) NOT"
                            + " ENFORCED) WITH ('connector' = 'tributary-cdc', "
                            + options("mysql", db.endpoints())
                            + ", 'database-name' = 'tgap_shop', 'table-name' = 'customers',"
                            + " 'server-time-zone' = 'UTC')");
            // chained to the source: the snapshot's rows leave it at 4 ms each (~5 s), and the
            // binlog is read only after the last of them
            t.toChangelogStream(t.from("customers"))
                    .map(new Throttle())
                    .sinkTo(new DiscardingSink<>());
            JobClient job = env.executeAsync("columns-changed-before-streaming-sql");
            ColumnsChangedBeforeStreamingITCase.changeColumnsInTheWindowThenExpectTheWayOut(
                    s, job, ColumnsChangedBeforeStreamingITCase.EMITTED, "tgap_shop.customers");
        }
    }

    /** 4 ms per row. */
    static final class Throttle implements MapFunction<Row, Row> {
        @Override
        public Row map(Row r) {
            ColumnsChangedBeforeStreamingITCase.EMITTED.incrementAndGet();
            LockSupport.parkNanos(4_000_000L);
            return r;
        }
    }

    /** The database type and an embedded service's address and credentials, as table options. */
    private static String options(String type, Map<String, String> e) {
        return "'database-type' = '"
                + type
                + "', 'hostname' = '"
                + e.get("host")
                + "', 'port' = '"
                + e.get("port")
                + "', 'username' = '"
                + e.get("user")
                + "', 'password' = '"
                + e.get("password")
                + "'";
    }

    private static StreamExecutionEnvironment environment(String restarts) {
        Configuration conf = SharedServices.flink().clientConfiguration();
        conf.setString("execution.checkpointing.interval", "300 ms");
        conf.setString("restart-strategy.type", restarts);
        conf.setString("restart-strategy.fixed-delay.attempts", "3");
        conf.setString("restart-strategy.fixed-delay.delay", "500 ms");
        StreamExecutionEnvironment env = new StreamExecutionEnvironment(conf);
        env.setParallelism(1);
        return env;
    }

    private static StreamTableEnvironment tableEnvironment(String restarts) {
        return StreamTableEnvironment.create(environment(restarts));
    }

    private static List<Row> next(CloseableIterator<Row> rows, int n) {
        List<Row> out = new ArrayList<>();
        while (out.size() < n && rows.hasNext()) {
            out.add(rows.next());
        }
        return out;
    }

    /** Drops the test's slot once the cancelled job has let go of it. */
    private static void dropSlot(Statement s, String slot) throws Exception {
        String where = " FROM pg_replication_slots WHERE slot_name = '" + slot + "'";
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .ignoreExceptions()
                .until(
                        () -> {
                            s.execute(
                                    "SELECT pg_drop_replication_slot(slot_name)"
                                            + where
                                            + " AND NOT active");
                            try (var rs = s.executeQuery("SELECT count(*)" + where)) {
                                rs.next();
                                return rs.getInt(1) == 0;
                            }
                        });
    }
}
