package io.tributary.jobs.runs;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.catalog.CatalogService;
import io.tributary.catalog.crawler.CrawlerService;
import io.tributary.catalog.model.CatalogTable;
import io.tributary.catalog.model.Column;
import io.tributary.catalog.model.CrawlerRun;
import io.tributary.catalog.registry.RegistryHttpServer;
import io.tributary.catalog.registry.SchemaRegistryClient;
import io.tributary.catalog.store.CatalogStore;
import io.tributary.catalog.store.CatalogStores;
import io.tributary.catalog.store.JobRun;
import io.tributary.embedded.MariaDbService;
import io.tributary.embedded.SharedServices;
import io.tributary.jobs.cli.CliRun;
import io.tributary.jobs.definition.PipelineDef;
import io.tributary.jobs.demo.DemoData;
import io.tributary.jobs.demo.DemoPipeline;
import io.tributary.objectstore.ObjectStores;
import io.tributary.objectstore.S3Settings;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The brief's flow end to end: two crawlers defined in the catalog (sales JSON on S3, customers in
 * MariaDB) fill database {@code retail} continuously; {@code examples/ecommerce/catalog-pipeline
 * .yaml}, which declares no column, joins what they found into the warehouse. A customer changes,
 * sales files arrive, the crawler service restarts, a file brings a new column: the warehouse is
 * the join computed here, the column is in it, and each crawler's run history shows its runs.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CatalogFlowITCase {

    private static final String SHOP = "flow_shop";
    private static final String WAREHOUSE = "flow_warehouse";
    private static final String BUCKET = "flow-sales";

    @TempDir Path home;

    @Test
    void crawlersFillTheCatalogAndTheJobFollowsThemIntoTheWarehouse() throws Exception {
        ReferenceFixture world = new ReferenceFixture(SHOP, WAREHOUSE, BUCKET, 50);
        world.prepare();
        for (int f = 0; f < 3; f++) {
            world.writeSales(f);
        }
        Path password = Files.writeString(home.resolve("shop.password"), MariaDbService.PASSWORD);
        cli(
                "crawlers",
                "create",
                "sales",
                "--target",
                "s3://" + BUCKET + "/sales/",
                "--s3-endpoint",
                SharedServices.s3().endpoint(),
                "--database",
                "retail",
                "--schedule",
                "continuous",
                "--no-check");
        cli(
                "crawlers",
                "create",
                "customers",
                "--target",
                "jdbc:mysql://127.0.0.1:" + SharedServices.mariadb().port() + "/" + SHOP,
                "--user",
                MariaDbService.USER,
                "--password-file",
                password.toString(),
                "--database",
                "retail",
                "--schedule",
                "continuous",
                "--tables",
                "customers");

        PipelineDef pipeline =
                world.pipeline(
                        Map.of(),
                        ReferenceFixture.examples().resolve("ecommerce/catalog-pipeline.yaml"));
        try (CatalogStore store = CatalogStores.embedded(home.resolve("catalog"));
                RegistryHttpServer registry =
                        RegistryHttpServer.start(home.resolve("registry"), 0)) {
            CrawlerService crawlers = crawlers(store, registry, "first");
            CompletableFuture<PipelineRunner.Watched> watched = null;
            AtomicBoolean stop = new AtomicBoolean();
            try {
                await(
                        () ->
                                store.table("retail", "sales").isPresent()
                                        && store.table("retail", "customers").isPresent(),
                        "the crawlers to create retail.sales and retail.customers",
                        () -> runs(store));
                PipelineRunner runner =
                        new PipelineRunner(
                                pipeline, home, store, new PrintWriter(System.out, true));
                PipelineRunner.Submitted first =
                        runner.submit(
                                "127.0.0.1:" + SharedServices.flink().restPort(), null, List.of());
                watched = ReferenceFixture.follow(runner, first, stop);
                world.awaitWarehouseEqualsReference(
                        "ts", () -> ReferenceFixture.jobDiagnostics(first));

                // a customer changes; more files land; the crawler service restarts mid-way
                world.rename(7, "Alan Crawled", "NZ");
                world.writeSales(3);
                crawlers.close();
                world.writeSales(4);
                crawlers = crawlers(store, registry, "second");
                // a newer file brings a column: the sales crawler registers version 2
                world.put(
                        DemoData.salesKey(5),
                        DemoData.salesFile(5, 50),
                        s -> "\"coupon\":\"C" + (s.orderId() % 3) + "\"");
                await(
                        () ->
                                store.table("retail", "sales")
                                        .map(t -> column(t, "coupon") != null)
                                        .orElse(false),
                        "the sales crawler to register the coupon column",
                        () -> runs(store));
                // the job is planned again on version 2: the coupon reaches the warehouse
                await(
                        () -> couponsInWarehouse() == 50,
                        "the newer file's 50 coupons in the warehouse",
                        () -> runs(store));
                world.awaitWarehouseEqualsReference("ts", () -> runs(store));
                // the coupon reached the warehouse: the newer file's orders carry it, older NULL
                try (Connection c = SharedServices.postgres().connect(WAREHOUSE);
                        Statement s = c.createStatement();
                        ResultSet rs =
                                s.executeQuery(
                                        "SELECT count(coupon), count(*) - count(coupon),"
                                                + " min(order_id) FILTER (WHERE coupon IS NOT"
                                                + " NULL) FROM analytics.sales_enriched")) {
                    rs.next();
                    assertThat(rs.getLong(1)).isEqualTo(50);
                    assertThat(rs.getLong(2)).isEqualTo(250);
                    assertThat(rs.getLong(3)).isEqualTo(DemoData.salesFile(5, 50).get(0).orderId());
                }
                CatalogTable sales = store.table("retail", "sales").orElseThrow();
                assertThat(sales.schemaVersion()).isEqualTo(2);
                assertThat(sales.partitionKeys()).extracting(Column::name).containsExactly("dt");

                // each crawler's runs: first passes of both services, the files, the new version
                List<CrawlerRun> salesRuns = store.crawlerRuns("sales", 100);
                assertThat(salesRuns).allSatisfy(r -> assertThat(r.state()).isEqualTo("SUCCEEDED"));
                assertThat(salesRuns)
                        .filteredOn(r -> r.trigger().equals("schedule (start)"))
                        .hasSize(2);
                assertThat(salesRuns)
                        .filteredOn(r -> r.tablesCreated().contains("sales"))
                        .hasSize(1);
                assertThat(salesRuns)
                        .filteredOn(r -> r.versionsRegistered() > 0)
                        .hasSizeGreaterThanOrEqualTo(2);
                // the second service resumed from what the first remembered of each file: it
                // listed every file but sampled only those that landed after the first's last pass
                CrawlerRun resumed =
                        salesRuns.stream()
                                .filter(r -> r.trigger().equals("schedule (start)"))
                                .max(java.util.Comparator.comparing(CrawlerRun::started))
                                .orElseThrow();
                assertThat(resumed.filesListed()).isGreaterThanOrEqualTo(5);
                assertThat(resumed.filesSampled()).isLessThanOrEqualTo(3);
                assertThat(store.crawlerRuns("customers", 100))
                        .anySatisfy(r -> assertThat(r.tablesCreated()).contains("customers"));

                // the job: planned on version 1, planned again on version 2
                List<JobRun> runs =
                        store.runs().stream()
                                .filter(r -> r.pipeline().equals(pipeline.name()))
                                .toList();
                assertThat(runs).hasSizeGreaterThanOrEqualTo(2);
                assertThat(runs).filteredOn(r -> r.state() == JobRun.State.RUNNING).hasSize(1);
            } finally {
                stop.set(true);
                crawlers.close();
                if (watched != null) {
                    watched.get(2, TimeUnit.MINUTES);
                }
            }
        }
    }

    private static long couponsInWarehouse() {
        try (Connection c = SharedServices.postgres().connect(WAREHOUSE);
                Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery("SELECT count(coupon) FROM analytics.sales_enriched")) {
            rs.next();
            return rs.getLong(1);
        } catch (java.sql.SQLException e) {
            return -1; // no such column (yet)
        }
    }

    private static Column column(CatalogTable t, String name) {
        return t.columns().stream().filter(c -> c.name().equals(name)).findFirst().orElse(null);
    }

    private void cli(String... args) {
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--home";
        all[args.length + 1] = home.toString();
        CliRun r = CliRun.of(all);
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
    }

    /** A crawler service of this process, as {@code services up} runs one. */
    private static CrawlerService crawlers(
            CatalogStore store, RegistryHttpServer registry, String role) {
        S3Settings s3 = DemoPipeline.embeddedS3(SharedServices.s3());
        CatalogService catalog =
                new CatalogService(store, new SchemaRegistryClient(registry.url()));
        return CrawlerService.start(
                catalog,
                (d, target) -> ObjectStores.open(target, target.startsWith("s3") ? s3 : null),
                (d, run, recorded) -> {
                    if (recorded) {
                        System.out.println("crawler " + d.name() + " (" + role + "): " + run);
                    }
                },
                role);
    }

    private static String runs(CatalogStore store) {
        StringBuilder sb = new StringBuilder("crawler runs:\n");
        for (String c : List.of("sales", "customers")) {
            store.crawlerRuns(c, 20).forEach(r -> sb.append("  ").append(r).append('\n'));
        }
        store.runs().forEach(r -> sb.append("  job ").append(r).append('\n'));
        return sb.toString();
    }

    private static void await(
            BooleanSupplier done, String what, java.util.function.Supplier<String> diagnostics)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(
                        "Timed out waiting for " + what + "\n" + diagnostics.get());
            }
            Thread.sleep(200);
        }
    }
}
