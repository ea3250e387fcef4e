package io.tributary.jobs.runs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tributary.catalog.store.CatalogStore;
import io.tributary.catalog.store.CatalogStores;
import io.tributary.catalog.store.JobRun;
import io.tributary.embedded.JobDiagnostics;
import io.tributary.embedded.MariaDbService;
import io.tributary.embedded.PostgresService;
import io.tributary.embedded.SharedServices;
import io.tributary.jobs.cli.CliRun;
import io.tributary.jobs.definition.PipelineDef;
import io.tributary.jobs.definition.PipelineParser;
import io.tributary.jobs.definition.Variables;
import io.tributary.jobs.translator.PipelineTranslator;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pipeline file whose warehouse sink reads a {@code cdc} source straight follows the source
 * table's columns while it runs: a column added to the MariaDB table reaches the warehouse (older
 * rows NULL there), and every row lands once.
 */
class ChangePathITCase {

    @TempDir Path home;

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void aColumnAddedUpstreamWhileThePipelineRunsReachesTheWarehouseAndEveryRowOnce()
            throws Exception {
        MariaDbService db = SharedServices.mariadb();
        db.createDatabase("evolve_shop");
        try (Connection c = db.connect("evolve_shop");
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(40))");
            for (int i = 1; i <= 50; i++) {
                s.execute("INSERT INTO customers VALUES (" + i + ", 'c" + i + "')");
            }
        }
        PostgresService pg = SharedServices.postgres();
        pg.createDatabase("evolve_wh");
        Path file = home.resolve("evolve.yaml");
        Files.writeString(
                file,
                String.join(
                        "\n",
                        "version: 1",
                        "name: evolve",
                        "settings:",
                        "  parallelism: 1",
                        "  checkpoint-interval: 1 s",
                        "  restart: {strategy: fixed-delay, attempts: 20, delay: 1 s}",
                        "sources:",
                        "  - name: customers",
                        "    type: cdc",
                        "    url: " + db.jdbcUrl("evolve_shop"),
                        "    user: " + MariaDbService.USER,
                        "    password: " + MariaDbService.PASSWORD,
                        "    table: evolve_shop.customers",
                        "    columns: {id: INT NOT NULL, name: STRING}",
                        "    primary-key: [id]",
                        "sinks:",
                        "  - name: replica",
                        "    type: redshift",
                        "    from: customers",
                        "    url: " + pg.jdbcUrl("evolve_wh"),
                        "    user: " + PostgresService.USER,
                        "    table: public.customers",
                        "    keys: [id]",
                        ""));
        PipelineDef pipeline = new PipelineParser(Variables.of(Map.of(), Map.of())).parse(file);

        // the plan says which path the sink takes
        PipelineTranslator plan = new PipelineTranslator(pipeline, home);
        plan.translate(
                TableEnvironment.create(
                        EnvironmentSettings.newInstance().inStreamingMode().build()));
        assertThat(String.join("\n", plan.plan()))
                .contains("-- sink replica: the change stream of evolve_shop.customers")
                .doesNotContain("INSERT INTO");
        assertThat(plan.inserts()).isZero();

        try (CatalogStore store = CatalogStores.embedded(home.resolve("catalog"))) {
            PipelineRunner runner =
                    new PipelineRunner(pipeline, home, store, new PrintWriter(System.out, true));
            String rest = "127.0.0.1:" + SharedServices.flink().restPort();
            PipelineRunner.Submitted run = runner.submit(rest, null, List.of());
            AtomicBoolean stop = new AtomicBoolean();
            CompletableFuture<JobRun> watched = ReferenceFixture.watch(runner, run, stop);
            String job = run.run().flinkJobId();
            try {
                await("the snapshot's 50 rows in the warehouse")
                        .atMost(Duration.ofMinutes(2))
                        .ignoreExceptions()
                        .until(() -> rows(pg, "SELECT id FROM public.customers").size() == 50);
                // the capture streaming: from then on, columns may change (docs/cdc.md)
                assertThat(
                                CliRun.awaitStreaming(rest, job, "evolve_shop.customers")
                                        .get("read")
                                        .asLong())
                        .isEqualTo(50);

                try (Connection c = db.connect("evolve_shop");
                        Statement s = c.createStatement()) {
                    s.execute("ALTER TABLE customers ADD COLUMN tier VARCHAR(10)");
                    for (int i = 51; i <= 80; i++) {
                        s.execute(
                                "INSERT INTO customers VALUES (" + i + ", 'c" + i + "', 'silver')");
                    }
                    s.execute("UPDATE customers SET tier = 'gold', name = 'first' WHERE id = 1");
                    s.execute("DELETE FROM customers WHERE id = 2");
                }

                String query = "SELECT id, name, tier FROM customers ORDER BY id";
                await("the warehouse equal to the source, the new column included")
                        .atMost(Duration.ofMinutes(3))
                        .ignoreExceptions()
                        .until(
                                () ->
                                        rows(pg, query.replace("customers", "public.customers"))
                                                .equals(rows(db, query)));
            } catch (ConditionTimeoutException e) {
                // what the job was doing: its state, restarts and exceptions
                throw new AssertionError(
                        e.getMessage() + "\n" + JobDiagnostics.describe(run.rest().base(), job), e);
            } finally {
                stop.set(true);
            }
            JobRun ended = watched.get(2, TimeUnit.MINUTES);
            assertThat(ended.state()).isEqualTo(JobRun.State.STOPPED);
        }

        List<String> warehouse =
                rows(pg, "SELECT id, name, tier FROM public.customers ORDER BY id");
        assertThat(warehouse).hasSize(79); // 80 inserted, one deleted
        assertThat(warehouse.get(0)).isEqualTo("1|first|gold");
        assertThat(warehouse.get(1)).isEqualTo("3|c3|null"); // a row from before the column
        assertThat(warehouse.get(warehouse.size() - 1)).isEqualTo("80|c80|silver");
        assertThat(rows(pg, "SELECT count(DISTINCT id) = count(*) FROM public.customers"))
                .containsExactly("t");
    }

    private static List<String> rows(MariaDbService db, String sql) throws SQLException {
        try (Connection c = db.connect("evolve_shop")) {
            return rows(c, sql);
        }
    }

    private static List<String> rows(PostgresService pg, String sql) throws SQLException {
        try (Connection c = pg.connect("evolve_wh")) {
            return rows(c, sql);
        }
    }

    private static List<String> rows(Connection c, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    row.add(String.valueOf(rs.getString(i)));
                }
                out.add(String.join("|", row));
            }
        }
        return out;
    }
}
