package io.tributary.jobs.runs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tributary.catalog.store.CatalogStore;
import io.tributary.catalog.store.CatalogStores;
import io.tributary.catalog.store.JobRun;
import io.tributary.embedded.MariaDbService;
import io.tributary.embedded.PostgresService;
import io.tributary.embedded.SharedServices;
import io.tributary.jobs.definition.PipelineDef;
import io.tributary.jobs.definition.PipelineParser;
import io.tributary.jobs.demo.DemoData;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The reference pipeline of examples/ecommerce, as shipped, on the embedded services: sales files
 * on S3 joined with MariaDB customers read by CDC into the warehouse. Customers change and sales
 * arrive while it runs, it is stopped with a savepoint, more changes land while it is down, and the
 * resumed run catches up: the warehouse table ends equal to a join computed here, row for row.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ReferencePipelineITCase {

    private static final String SHOP = "ref_shop";
    private static final String WAREHOUSE = "ref_warehouse";
    private static final String BUCKET = "ref-sales";
    private static final int ROWS_PER_FILE = 200;

    @TempDir Path home;

    private final Map<Integer, DemoData.Customer> customers = new HashMap<>();
    private final List<DemoData.Sale> sales = new ArrayList<>();

    @Test
    void warehouseEqualsTheJoinOfSalesAndLatestCustomersAcrossAStopAndResume() throws Exception {
        MariaDbService maria = SharedServices.mariadb();
        PostgresService pg = SharedServices.postgres();
        maria.createDatabase(SHOP);
        try (Connection c = maria.connect(SHOP);
                Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS customers");
            s.execute(
                    "CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(100) NOT NULL, email"
                            + " VARCHAR(200) NOT NULL, country CHAR(2) NOT NULL)");
        }
        for (DemoData.Customer cu : DemoData.customers()) {
            upsertCustomer(cu);
        }
        pg.createDatabase(WAREHOUSE);
        try (Connection c = pg.connect(WAREHOUSE);
                Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS analytics CASCADE");
        }
        SharedServices.s3().createBucket(BUCKET);
        try (S3Client s3 = SharedServices.s3().client()) {
            for (int f = 0; f < 3; f++) {
                writeSales(s3, f);
            }
        }

        PipelineDef pipeline = pipeline();
        try (CatalogStore store = CatalogStores.embedded(home.resolve("catalog"))) {
            PrintWriter log = new PrintWriter(System.out, true);
            PipelineRunner runner = new PipelineRunner(pipeline, home, store, log);
            String rest = "127.0.0.1:" + SharedServices.flink().restPort();

            // run 1: snapshot + files, then a customer renamed and moved, a new customer, more
            // sales
            PipelineRunner.Submitted first = runner.submit(rest, null, List.of());
            AtomicBoolean stop = new AtomicBoolean();
            CompletableFuture<JobRun> watched = watch(runner, first, stop);
            awaitWarehouseEqualsReference();
            upsertCustomer(new DemoData.Customer(7, "Alan Renamed", "alan@example.com", "NZ"));
            upsertCustomer(new DemoData.Customer(51, "New Customer", "new@example.com", "CL"));
            try (S3Client s3 = SharedServices.s3().client()) {
                writeSales(s3, 3);
                sales.add(sale(900_001L, 51));
                putSale(s3, "sales/dt=2026-11-25/late.json", sales.get(sales.size() - 1));
            }
            awaitWarehouseEqualsReference();
            stop.set(true);
            JobRun stopped = watched.get(2, TimeUnit.MINUTES);
            assertThat(stopped.state()).isEqualTo(JobRun.State.STOPPED);
            assertThat(stopped.savepoint()).isNotBlank();

            // while it is down: another rename and a file
            upsertCustomer(new DemoData.Customer(12, "Grace Moved", "grace@example.com", "PT"));
            try (S3Client s3 = SharedServices.s3().client()) {
                writeSales(s3, 4);
            }

            // run 2 resumes from the savepoint: only what changed since is read
            String resumeFrom = runner.resumePoint().orElseThrow();
            assertThat(resumeFrom).contains("savepoint");
            PipelineRunner.Submitted second = runner.submit(rest, resumeFrom, List.of());
            AtomicBoolean stop2 = new AtomicBoolean();
            CompletableFuture<JobRun> watched2 = watch(runner, second, stop2);
            awaitWarehouseEqualsReference();
            stop2.set(true);
            assertThat(watched2.get(2, TimeUnit.MINUTES).state()).isEqualTo(JobRun.State.STOPPED);

            List<JobRun> history = store.runs();
            assertThat(history).hasSize(2);
            assertThat(history.get(0).resumedFrom()).isEqualTo(resumeFrom);
            assertThat(history.get(1).lastCheckpointId()).isPositive();
            assertThat(history).allSatisfy(r -> assertThat(r.savepoint()).isNotBlank());
        }
    }

    private static CompletableFuture<JobRun> watch(
            PipelineRunner runner, PipelineRunner.Submitted s, AtomicBoolean stop) {
        return CompletableFuture.supplyAsync(
                () -> {
                    try {
                        return runner.watch(s, stop::get, Duration.ofMillis(500));
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                });
    }

    private PipelineDef pipeline() {
        Map<String, Map<String, String>> endpoints = new HashMap<>();
        endpoints.put("s3", SharedServices.s3().endpoints());
        endpoints.put("mariadb", SharedServices.mariadb().endpoints());
        endpoints.put("postgres", SharedServices.postgres().endpoints());
        Variables vars =
                Variables.of(
                        Map.of(
                                "sales-path",
                                "s3://" + BUCKET + "/sales/",
                                "shop-db",
                                SHOP,
                                "warehouse-db",
                                WAREHOUSE,
                                "checkpoint-interval",
                                "1 s",
                                // the file written while down sorts before the late one seen
                                "rescan-interval",
                                "3 s"),
                        endpoints);
        return new PipelineParser(vars).parse(examples().resolve("ecommerce/pipeline.yaml"));
    }

    static Path examples() {
        Path p = Paths.get("").toAbsolutePath();
        while (p != null && !java.nio.file.Files.isDirectory(p.resolve("examples"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException(
                    "no examples/ folder above " + Paths.get("").toAbsolutePath());
        }
        return p.resolve("examples");
    }

    private void upsertCustomer(DemoData.Customer cu) throws Exception {
        try (Connection c = SharedServices.mariadb().connect(SHOP);
                PreparedStatement ps =
                        c.prepareStatement(
                                "REPLACE INTO customers (id, name, email, country) VALUES (?, ?, ?, ?)")) {
            ps.setInt(1, cu.id());
            ps.setString(2, cu.name());
            ps.setString(3, cu.email());
            ps.setString(4, cu.country());
            ps.executeUpdate();
        }
        customers.put(cu.id(), cu);
    }

    private void writeSales(S3Client s3, int file) {
        List<DemoData.Sale> batch = DemoData.salesFile(file, ROWS_PER_FILE);
        sales.addAll(batch);
        s3.putObject(
                b -> b.bucket(BUCKET).key(DemoData.salesKey(file)),
                RequestBody.fromString(DemoData.toJsonLines(batch)));
    }

    private static DemoData.Sale sale(long orderId, int customer) {
        return new DemoData.Sale(
                orderId,
                customer,
                "kettle",
                2,
                new BigDecimal("19.90"),
                DemoData.DAY.plusDays(1).atTime(9, 30));
    }

    private static void putSale(S3Client s3, String key, DemoData.Sale sale) {
        s3.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromString(sale.toJson() + "\n"));
    }

    /** The join, computed here: each sale with its customer's latest values. */
    private TreeSet<String> reference() {
        TreeSet<String> out = new TreeSet<>();
        for (DemoData.Sale s : sales) {
            DemoData.Customer c = customers.get(s.customerId());
            out.add(
                    String.join(
                            "|",
                            Long.toString(s.orderId()),
                            Integer.toString(s.customerId()),
                            c.name(),
                            c.country(),
                            s.product(),
                            Integer.toString(s.quantity()),
                            s.unitPrice().setScale(2, RoundingMode.UNNECESSARY).toPlainString(),
                            s.amount().setScale(2, RoundingMode.UNNECESSARY).toPlainString(),
                            s.ts().toString(),
                            s.ts().toLocalDate().toString()));
        }
        return out;
    }

    private List<String> warehouse() throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = SharedServices.postgres().connect(WAREHOUSE);
                Statement s = c.createStatement()) {
            ResultSet exists = s.executeQuery("SELECT to_regclass('analytics.sales_enriched')");
            exists.next();
            if (exists.getString(1) == null) {
                return out;
            }
            try (ResultSet rs =
                    s.executeQuery(
                            "SELECT order_id, customer_id, customer_name, country, product,"
                                    + " quantity, unit_price, amount, ordered_at, dt FROM"
                                    + " analytics.sales_enriched")) {
                while (rs.next()) {
                    out.add(
                            String.join(
                                    "|",
                                    rs.getString(1),
                                    rs.getString(2),
                                    rs.getString(3),
                                    rs.getString(4),
                                    rs.getString(5),
                                    rs.getString(6),
                                    rs.getBigDecimal(7).toPlainString(),
                                    rs.getBigDecimal(8).toPlainString(),
                                    rs.getTimestamp(9).toLocalDateTime().toString(),
                                    rs.getDate(10).toLocalDate().toString()));
                }
            }
        }
        return out;
    }

    private void awaitWarehouseEqualsReference() {
        TreeSet<String> expected = reference();
        await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(
                        () -> {
                            List<String> rows = warehouse();
                            // no row twice, and exactly the reference
                            assertThat(rows).doesNotHaveDuplicates();
                            assertThat(new TreeSet<>(rows)).isEqualTo(expected);
                        });
    }
}
