package io.tributary.jobs.runs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.catalog.model.CatalogTable;
import io.tributary.catalog.store.CatalogStore;
import io.tributary.catalog.store.CatalogStores;
import io.tributary.catalog.store.JobRun;
import io.tributary.embedded.MariaDbService;
import io.tributary.embedded.SharedServices;
import io.tributary.jobs.cli.CliRun;
import io.tributary.jobs.definition.PipelineDef;
import io.tributary.jobs.definition.PipelineException;
import io.tributary.jobs.definition.PipelineParser;
import io.tributary.jobs.definition.Variables;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A running pipeline that reads crawled tables ({@code type: catalog}) follows the catalog: a
 * crawler registers a new version (a column in newer sales files), and the job is stopped with a
 * savepoint and planned again on it. The warehouse then has the column, older rows NULL in it,
 * every order once; with {@code schema-evolution: fail} the run ends naming the column instead.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CatalogFollowITCase {

    @TempDir Path home;
    @TempDir Path lake;

    private int nextOrder = 1;

    /**
     * {@code rows} orders as JSON lines in {@code file} of day 2026-11-24, {@code discount} too.
     */
    private void writeSales(String file, int rows, boolean discount) throws Exception {
        Path part = Files.createDirectories(lake.resolve("sales/dt=2026-11-24"));
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            int order = nextOrder++;
            lines.add(
                    String.format(
                            Locale.ROOT,
                            "{\"order_id\":%d,\"customer_id\":%d,\"quantity\":%d%s}",
                            order,
                            order % 3 + 1,
                            order % 5 + 1,
                            discount ? ",\"discount\":" + (order % 4) : ""));
        }
        // written aside and moved in: a reader never lists half a file
        Path tmp = lake.resolve(".tmp-" + file);
        Files.write(tmp, lines);
        Files.move(tmp, part.resolve(file));
    }

    private void crawlSales() {
        CliRun crawl =
                CliRun.of(
                        "crawl",
                        lake.resolve("sales").toUri().toString(),
                        "--database",
                        "retail",
                        "--home",
                        home.toString());
        assertThat(crawl.exitCode()).as(crawl.out() + crawl.err()).isZero();
    }

    private PipelineDef pipeline(String warehouseDb, String evolution, String join)
            throws Exception {
        String yaml =
                "version: 1\n"
                        + "name: follow-"
                        + warehouseDb.replace('_', '-')
                        + "\n"
                        + "settings:\n"
                        + "  parallelism: 1\n"
                        + "  checkpoint-interval: 1 s\n"
                        + "  schema-evolution: "
                        + evolution
                        + "\n"
                        + "sources:\n"
                        + "  - name: sales\n"
                        + "    type: catalog\n"
                        + "    table: retail.sales\n"
                        // fail: the old plan lists the files once, when it starts, so the newer
                        // file is read by no plan of the old columns, however slow the machine
                        + (evolution.equals("fail") ? "    scan-interval: 1 h\n" : "")
                        + (join == null
                                ? ""
                                : "  - name: customers\n"
                                        + "    type: catalog\n"
                                        + "    table: retail.customers\n"
                                        + "    password: ${mariadb.password}\n"
                                        + "transforms:\n"
                                        + "  - name: enriched\n"
                                        + "    sql: |\n"
                                        + "      "
                                        + join
                                        + "\n")
                        + "sinks:\n"
                        + "  - name: warehouse\n"
                        + "    type: redshift\n"
                        + "    from: "
                        + (join == null ? "sales" : "enriched")
                        + "\n"
                        + "    url: ${warehouse-url}\n"
                        + "    table: analytics.orders\n"
                        + "    keys: [order_id]\n";
        Path file = home.resolve(warehouseDb + ".yaml");
        Files.writeString(file, yaml);
        return new PipelineParser(
                        Variables.of(
                                Map.of(
                                        "warehouse-url",
                                        SharedServices.postgres().jdbcUrl(warehouseDb)),
                                Map.of("mariadb", SharedServices.mariadb().endpoints())))
                .parse(file);
    }

    @Test
    void evolveResumesFromTheSavepointAndTheNewColumnReachesTheWarehouse() throws Exception {
        SharedServices.postgres().createDatabase("follow_wh");
        writeSales("part-0.json", 40, false);
        crawlSales();
        PipelineDef pipeline = pipeline("follow_wh", "evolve", null);
        try (CatalogStore store = CatalogStores.embedded(home.resolve("catalog"))) {
            Running run = start(pipeline, store);
            PipelineRunner.Submitted first = run.first();
            AtomicBoolean stop = run.stop();
            CompletableFuture<PipelineRunner.Watched> watched = run.watched();
            try {
                awaitWarehouse(
                        "follow_wh",
                        rows -> rows.size() == 40,
                        "the first 40 orders",
                        () -> ReferenceFixture.jobDiagnostics(first));

                // newer files carry a column: the crawler registers version 2 with it
                writeSales("part-1.json", 40, true);
                crawlSales();
                assertThat(store.table("retail", "sales").orElseThrow().schemaVersion())
                        .isEqualTo(2);

                Map<Long, String> rows =
                        awaitWarehouse(
                                "follow_wh",
                                r -> r.size() == 80 && r.get(80L).endsWith("|" + (80 % 4)),
                                "80 orders, the newer 40 with their discount",
                                () -> runs(store, pipeline.name()));
                for (long o = 1; o <= 80; o++) {
                    String expected =
                            o
                                    + "|"
                                    + (o % 3 + 1)
                                    + "|"
                                    + (o % 5 + 1)
                                    + "|"
                                    + (o <= 40 ? "null" : o % 4);
                    assertThat(rows.get(o)).as("order " + o).isEqualTo(expected);
                }

                List<JobRun> runs = runsOf(store, pipeline.name());
                assertThat(runs).hasSize(2);
                assertThat(runs.get(0).state()).isEqualTo(JobRun.State.STOPPED);
                assertThat(runs.get(0).savepoint()).isNotNull();
                // the sink writes by key: the new plan started over, so whatever the old plan
                // read of the newer file got its discount too, and no order is doubled
                assertThat(runs.get(1).resumedFrom()).isNull();
                assertThat(runs.get(1).state()).isEqualTo(JobRun.State.RUNNING);
            } finally {
                stop.set(true);
            }
            PipelineRunner.Watched end = watched.get(2, TimeUnit.MINUTES);
            assertThat(end.run().state()).isEqualTo(JobRun.State.STOPPED);
        }
    }

    @Test
    void aJoinFollowsTheNewColumnAndTheChangeStreamEachOrderOnce() throws Exception {
        SharedServices.postgres().createDatabase("follow_join_wh");
        SharedServices.mariadb().createDatabase("follow_shop");
        try (Connection c = SharedServices.mariadb().connect("follow_shop");
                Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS customers");
            s.execute("CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(100) NOT NULL)");
            s.execute("INSERT INTO customers VALUES (1, 'Ada'), (2, 'Grace'), (3, 'Alan')");
        }
        Path password = Files.writeString(home.resolve("pw"), MariaDbService.PASSWORD);
        CliRun crawl =
                CliRun.of(
                        "crawl",
                        "jdbc:mysql://127.0.0.1:"
                                + SharedServices.mariadb().port()
                                + "/follow_shop",
                        "--database",
                        "retail",
                        "--user",
                        MariaDbService.USER,
                        "--password-file",
                        password.toString(),
                        "--home",
                        home.toString());
        assertThat(crawl.exitCode()).as(crawl.out() + crawl.err()).isZero();
        writeSales("part-0.json", 30, false);
        crawlSales();
        PipelineDef pipeline =
                pipeline(
                        "follow_join_wh",
                        "evolve",
                        "SELECT s.*, c.name AS customer_name FROM sales AS s"
                                + " JOIN customers AS c ON s.customer_id = c.id");
        try (CatalogStore store = CatalogStores.embedded(home.resolve("catalog"))) {
            Running run = start(pipeline, store);
            PipelineRunner.Submitted first = run.first();
            AtomicBoolean stop = run.stop();
            CompletableFuture<PipelineRunner.Watched> watched = run.watched();
            try {
                awaitWarehouse(
                        "follow_join_wh",
                        rows -> rows.size() == 30,
                        "the first 30 orders with their customer",
                        () -> ReferenceFixture.jobDiagnostics(first));
                writeSales("part-1.json", 30, true);
                crawlSales();
                // a customer renamed while the pipeline is planned again: the change stream has it
                try (Connection c = SharedServices.mariadb().connect("follow_shop");
                        Statement s = c.createStatement()) {
                    s.execute("UPDATE customers SET name = 'Alan T' WHERE id = 3");
                }
                String[] names = {null, "Ada", "Grace", "Alan T"};
                Map<Long, String> expected = new TreeMap<>();
                for (long o = 1; o <= 60; o++) {
                    int customer = (int) (o % 3 + 1);
                    expected.put(
                            o,
                            o
                                    + "|"
                                    + customer
                                    + "|"
                                    + (o % 5 + 1)
                                    + "|"
                                    + (o <= 30 ? "null" : o % 4)
                                    + "|"
                                    + names[customer]);
                }
                // every order once, the newer 30 with their discount, Alan renamed everywhere
                awaitWarehouse(
                        "follow_join_wh",
                        expected::equals,
                        "the 60 orders joined with their customers' names, the newer 30 with"
                                + " their discount",
                        () -> runs(store, pipeline.name()));
                List<JobRun> runs = runsOf(store, pipeline.name());
                // planned, stopped to plan again, started over (the join's state is rebuilt)
                assertThat(runs).hasSize(2);
                assertThat(runs.get(0).state()).isEqualTo(JobRun.State.STOPPED);
                assertThat(runs.get(1).resumedFrom()).isNull();
                assertThat(runs.get(1).state()).isEqualTo(JobRun.State.RUNNING);
            } finally {
                stop.set(true);
            }
            watched.get(2, TimeUnit.MINUTES);
        }
    }

    @Test
    void failEndsTheRunNamingTheColumnWithASavepointToResumeFrom() throws Exception {
        SharedServices.postgres().createDatabase("follow_fail_wh");
        writeSales("part-0.json", 20, false);
        crawlSales();
        PipelineDef pipeline = pipeline("follow_fail_wh", "fail", null);
        try (CatalogStore store = CatalogStores.embedded(home.resolve("catalog"))) {
            Running run = start(pipeline, store);
            PipelineRunner.Submitted first = run.first();
            AtomicBoolean stop = run.stop();
            CompletableFuture<PipelineRunner.Watched> watched = run.watched();
            try {
                awaitWarehouse(
                        "follow_fail_wh",
                        rows -> rows.size() == 20,
                        "the first 20 orders",
                        () -> ReferenceFixture.jobDiagnostics(first));
                writeSales("part-1.json", 20, true);
                crawlSales();
                PipelineRunner.Watched end = watched.get(3, TimeUnit.MINUTES);
                assertThat(end.run().state()).isEqualTo(JobRun.State.FAILED);
                assertThat(end.run().error())
                        .contains("retail.sales", "version 2", "discount", "schema-evolution")
                        .contains(end.run().savepoint());
                assertThat(runsOf(store, pipeline.name())).hasSize(1);
                // nothing of the newer file reached the warehouse under the old columns
                assertThat(warehouse("follow_fail_wh")).hasSize(20);
            } finally {
                stop.set(true);
            }
        }
    }

    @Test
    void aTableNotInTheCatalogOrDeprecatedIsAnErrorNamingItAndTheFix() throws Exception {
        writeSales("part-0.json", 5, false);
        crawlSales();
        PipelineDef pipeline = pipeline("follow_bad_wh", "evolve", null);
        try (CatalogStore store = CatalogStores.embedded(home.resolve("catalog"))) {
            CatalogTable sales = store.table("retail", "sales").orElseThrow();
            store.putTable(sales.withProperty(CatalogTable.DEPRECATED, "true"));
            PipelineRunner runner = new PipelineRunner(pipeline, home, store, null);
            String rest = "127.0.0.1:" + SharedServices.flink().restPort();
            assertThatThrownBy(() -> runner.submit(rest, null, List.of()))
                    .isInstanceOf(PipelineException.class)
                    .hasMessageContaining("table retail.sales is deprecated in the catalog")
                    .hasMessageContaining("crawl again");
            store.dropTable("retail", "sales");
            store.putTable(
                    new CatalogTable(
                            sales.database(),
                            "sales_v1",
                            sales.location(),
                            sales.format(),
                            sales.formatOptions(),
                            sales.columns(),
                            sales.partitionKeys(),
                            sales.primaryKey(),
                            Map.of(),
                            sales.schemaVersion(),
                            sales.updatedAt()));
            assertThatThrownBy(() -> runner.submit(rest, null, List.of()))
                    .isInstanceOf(PipelineException.class)
                    .hasMessageContaining("table retail.sales is not in the catalog")
                    .hasMessageContaining("database retail has sales_v1")
                    .hasMessageContaining("tributary crawlers create");
            // each refused run is recorded as such, and no job was submitted
            assertThat(runsOf(store, pipeline.name()))
                    .allSatisfy(r -> assertThat(r.state()).isEqualTo(JobRun.State.FAILED))
                    .allSatisfy(r -> assertThat(r.flinkJobId()).isNull());
        }
    }

    /** A pipeline submitted to the shared cluster and followed on another thread. */
    private record Running(
            PipelineRunner.Submitted first,
            AtomicBoolean stop,
            CompletableFuture<PipelineRunner.Watched> watched) {}

    private Running start(PipelineDef pipeline, CatalogStore store) {
        PipelineRunner runner =
                new PipelineRunner(pipeline, home, store, new PrintWriter(System.out, true));
        PipelineRunner.Submitted first =
                runner.submit("127.0.0.1:" + SharedServices.flink().restPort(), null, List.of());
        AtomicBoolean stop = new AtomicBoolean();
        return new Running(first, stop, ReferenceFixture.follow(runner, first, stop));
    }

    private static List<JobRun> runsOf(CatalogStore store, String pipeline) {
        return store.runs().stream()
                .filter(r -> r.pipeline().equals(pipeline))
                .sorted(Comparator.comparing(JobRun::started))
                .toList();
    }

    private static String runs(CatalogStore store, String pipeline) {
        StringBuilder sb = new StringBuilder();
        for (JobRun r : runsOf(store, pipeline)) {
            sb.append(r.id())
                    .append(' ')
                    .append(r.state())
                    .append(" resumed from ")
                    .append(r.resumedFrom())
                    .append(" error ")
                    .append(r.error())
                    .append('\n');
        }
        return sb.toString();
    }

    /** The warehouse's orders by id: {@code order|customer|quantity|discount[|customer_name]}. */
    private static Map<Long, String> warehouse(String db) throws Exception {
        Map<Long, String> rows = new TreeMap<>();
        try (Connection c = SharedServices.postgres().connect(db);
                Statement s = c.createStatement()) {
            ResultSet exists = s.executeQuery("SELECT to_regclass('analytics.orders') IS NOT NULL");
            exists.next();
            if (!exists.getBoolean(1)) {
                return rows;
            }
            try (ResultSet rs = s.executeQuery("SELECT * FROM analytics.orders")) {
                List<String> columns = new ArrayList<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    columns.add(rs.getMetaData().getColumnName(i));
                }
                while (rs.next()) {
                    StringBuilder sb = new StringBuilder();
                    sb.append(rs.getLong("order_id"))
                            .append('|')
                            .append(rs.getString("customer_id"))
                            .append('|')
                            .append(rs.getString("quantity"))
                            .append('|')
                            .append(
                                    columns.contains("discount")
                                            ? rs.getString("discount")
                                            : "none");
                    if (columns.contains("customer_name")) {
                        sb.append('|').append(rs.getString("customer_name"));
                    }
                    rows.put(rs.getLong("order_id"), sb.toString());
                }
            }
        }
        return rows;
    }

    /**
     * Waits while the warehouse keeps changing until {@code done}; gives up when it has not changed
     * for 2 minutes, with what it held and {@code diagnostics}.
     */
    private static Map<Long, String> awaitWarehouse(
            String db, Predicate<Map<Long, String>> done, String what, Supplier<String> diagnostics)
            throws Exception {
        Map<Long, String> last = Map.of();
        long lastChange = System.nanoTime();
        while (true) {
            Map<Long, String> rows = warehouse(db);
            if (done.test(rows)) {
                return rows;
            }
            if (!rows.equals(last)) {
                last = rows;
                lastChange = System.nanoTime();
            }
            if (System.nanoTime() - lastChange > Duration.ofMinutes(2).toNanos()) {
                throw new AssertionError(
                        "The warehouse did not reach "
                                + what
                                + " and has not changed for 2 minutes; it holds "
                                + rows.size()
                                + " rows: "
                                + rows.values()
                                + "\n"
                                + diagnostics.get());
            }
            Thread.sleep(250);
        }
    }
}
