package io.tributary.jobs.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.catalog.iceberg.S3CompatibleClientFactory;
import io.tributary.catalog.store.CatalogStore;
import io.tributary.catalog.store.CatalogStores;
import io.tributary.catalog.store.JobRun;
import io.tributary.embedded.EmbeddedServices;
import io.tributary.embedded.EmbeddedServices.Kind;
import io.tributary.jobs.definition.PipelineDef;
import io.tributary.jobs.demo.DemoData;
import io.tributary.jobs.demo.DemoPipeline;
import io.tributary.jobs.demo.DemoPipeline.LakeCounts;
import io.tributary.jobs.demo.DemoPipeline.WarehouseCounts;
import io.tributary.jobs.runs.PipelineRunner;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.iceberg.rest.RESTCatalog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code tributary demo}: the brief's flow ({@code examples/ecommerce/catalog-pipeline.yaml}) on
 * the embedded default. Starts the services, writes the sample, defines two crawlers in the catalog
 * (sales JSON on S3, customers in MariaDB) and runs them continuously, prints what they found, then
 * runs the pipeline that reads the crawled tables, with progress; new files and customer changes
 * keep flowing until Ctrl-C, then it stops with a savepoint. {@code --once}: loads the sample,
 * renames a customer, adds a file with a new column (the crawler registers a new version, the job
 * follows it into the warehouse), and prints a summary.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description =
                "Run the reference flow (examples/ecommerce) on the embedded services with sample"
                        + " data: crawlers fill the catalog from S3 sales and MariaDB customers;"
                        + " the job joins the crawled tables (CDC) into the warehouse and the lake.")
final class DemoCommand implements Callable<Integer> {

    @Mixin HomeOption home;

    @Option(names = "--once", description = "Stop when the sample is loaded and print a summary.")
    boolean once;

    @Option(
            names = "--files",
            defaultValue = "10",
            description = "Sample files written at start (default ${DEFAULT-VALUE}).")
    int files;

    @Option(
            names = "--rows-per-file",
            defaultValue = "500",
            description = "Orders per file (default ${DEFAULT-VALUE}).")
    int rowsPerFile;

    @Option(
            names = "--interval",
            defaultValue = "PT5S",
            description = "Without --once: a new file every (default ${DEFAULT-VALUE}).")
    Duration interval;

    @Option(
            names = "--timeout",
            defaultValue = "PT10M",
            description = "With --once: give up after (default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--json", description = "With --once: print the summary as JSON.")
    boolean json;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    /** The customer the --once demo renames while the job runs. */
    private static final int RENAMED = 7;

    private final Map<Integer, DemoData.Customer> customers = new HashMap<>();
    private final List<DemoData.Sale> sales = new ArrayList<>();
    private PrintWriter out;
    private long startNanos;
    private double servicesSeconds;
    private double submittedSeconds;
    private double firstRowSeconds = -1;
    private LakeCatalogServer lakeServer;
    private RESTCatalog lakeClient;
    private DemoPipeline.Crawlers crawlers;
    private CatalogStore store;
    private EmbeddedServices services;
    private double crawledSeconds;

    @Override
    public Integer call() throws Exception {
        out = spec.commandLine().getOut();
        startNanos = System.nanoTime();
        Path dir = home.resolve().resolve("demo");
        say("Starting embedded services (PostgreSQL, MariaDB, S3, Flink) under %s ...", dir);
        try (EmbeddedServices services =
                        EmbeddedServices.builder(dir)
                                .with(Kind.POSTGRES, Kind.MARIADB, Kind.S3, Kind.FLINK)
                                .start();
                CatalogStore store = CatalogStores.embedded(dir.resolve("catalog"))) {
            this.store = store;
            this.services = services;
            servicesSeconds = elapsed();
            say("Flink Web UI: %s", services.flink().webUiUrl());
            say("Prometheus metrics: %s", services.flink().prometheusUrl());
            DemoPipeline demo = new DemoPipeline(services);
            demo.reset(store);
            // the lake as other engines see it: the catalog's Iceberg REST endpoint, and
            // Iceberg's own REST client reading through it
            lakeServer =
                    LakeCatalogServer.onEmbeddedS3(
                            CatalogStores.embedded(dir.resolve("catalog")),
                            DemoPipeline.LAKE_WAREHOUSE,
                            services.s3());
            lakeClient = new RESTCatalog();
            // S3Proxy takes the AWS SDK's checksums only where S3 requires them: a client's
            // setting, as Spark users of an S3-compatible server set it (docs/lakehouse.md)
            lakeClient.initialize(
                    "lake",
                    Map.of(
                            "uri",
                            lakeServer.url(),
                            S3CompatibleClientFactory.PROPERTY,
                            S3CompatibleClientFactory.class.getName()));
            say("Iceberg REST catalog: %s", lakeServer.url());
            int customers = demo.writeCustomers();
            DemoData.customers().forEach(c -> this.customers.put(c.id(), c));
            say("Wrote %d customers to MariaDB %s.customers", customers, DemoPipeline.SHOP_DB);
            try (S3Client s3 = services.s3().client()) {
                for (int f = 0; f < files; f++) {
                    sales.addAll(demo.writeSalesFile(s3, f, rowsPerFile));
                }
            }
            say(
                    "Wrote %d sales files (%d orders) to s3://%s/sales/",
                    files, sales.size(), DemoPipeline.BUCKET);
            // Glue's flow: crawlers fill the catalog, the job reads from it
            crawlers = demo.startCrawlers(store, dir, l -> say("%s", l));
            try {
                say(
                        "Crawlers in the catalog: sales (%s) and customers (MariaDB %s.customers),"
                                + " continuous, into database %s; crawling ...",
                        DemoPipeline.SALES_PREFIX, DemoPipeline.SHOP_DB, DemoPipeline.CATALOG_DB);
                long crawlDeadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
                while (store.table(DemoPipeline.CATALOG_DB, "sales").isEmpty()
                        || store.table(DemoPipeline.CATALOG_DB, "customers").isEmpty()) {
                    if (System.nanoTime() > crawlDeadline) {
                        throw new IllegalStateException(
                                "the crawlers found no tables within 2 minutes: see tributary"
                                        + " crawlers runs sales --home "
                                        + dir);
                    }
                    Thread.sleep(200);
                }
                crawledSeconds = elapsed();
                say("What the crawlers found:");
                DemoPipeline.describeCatalog(store).forEach(l -> say("  %s", l));
                PipelineDef pipeline =
                        demo.pipeline(once ? Duration.ofSeconds(1) : Duration.ofSeconds(5));
                PipelineRunner runner = new PipelineRunner(pipeline, dir, store, null);
                PipelineRunner.Submitted job =
                        runner.submit("127.0.0.1:" + services.flink().restPort(), null, List.of());
                submittedSeconds = elapsed();
                say(
                        "Pipeline %s (%s) submitted as job %s: retail.sales JOIN retail.customers (as"
                                + " crawled, no column in the file) -> %s",
                        pipeline.name(),
                        DemoPipeline.PIPELINE,
                        job.run().flinkJobId(),
                        DemoPipeline.WAREHOUSE_TABLE);
                AtomicBoolean stop = new AtomicBoolean();
                CompletableFuture<JobRun> watched =
                        CompletableFuture.supplyAsync(
                                () -> {
                                    try {
                                        return runner.watch(job, stop::get, Duration.ofSeconds(1));
                                    } catch (InterruptedException e) {
                                        Thread.currentThread().interrupt();
                                        throw new IllegalStateException(e);
                                    }
                                });
                try {
                    return once
                            ? runOnce(demo, watched, customers)
                            : runContinuously(demo, services, watched, stop, dir);
                } finally {
                    stop.set(true);
                    JobRun last = watched.get(2, TimeUnit.MINUTES);
                    if (!json && last.savepoint() != null) {
                        say("Stopped with a savepoint: %s", last.savepoint());
                        say("Run history: tributary jobs history --home %s", dir);
                    }
                }
            } finally {
                // before the store closes: a crawler's pass would open it again
                crawlers.close();
                crawlers = null;
            }
        } finally {
            if (crawlers != null) {
                crawlers.close();
            }
            if (lakeClient != null) {
                lakeClient.close();
            }
            if (lakeServer != null) {
                lakeServer.close();
            }
        }
    }

    /** Waits until {@code done} holds; false when the job ended first or time ran out. */
    private boolean until(
            Check done, CompletableFuture<JobRun> watched, long deadline, DemoPipeline demo)
            throws Exception {
        long lastProgress = 0;
        while (true) {
            // before the check of done: rows arriving all at once are first rows too
            if (firstRowSeconds < 0 && demo.warehouseCounts().rows() > 0) {
                firstRowSeconds = elapsed();
                say("First rows in the warehouse");
            }
            if (done.holds()) {
                return true;
            }
            if (watched.isDone()) {
                JobRun r = watched.get();
                throw new IllegalStateException(
                        "the demo job ended (" + r.state() + "): " + r.error());
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            if (System.nanoTime() - lastProgress >= TimeUnit.SECONDS.toNanos(2)) {
                lastProgress = System.nanoTime();
                progress(demo, sales.size());
            }
            Thread.sleep(firstRowSeconds < 0 ? 100 : 250);
        }
    }

    @FunctionalInterface
    private interface Check {
        boolean holds() throws Exception;
    }

    private int runOnce(DemoPipeline demo, CompletableFuture<JobRun> watched, int customerCount)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean loaded =
                until(
                        () ->
                                demo.warehouseCounts().rows() == sales.size()
                                        && demo.staleRows(customers) == 0,
                        watched,
                        deadline,
                        demo);
        if (firstRowSeconds < 0) {
            firstRowSeconds = elapsed();
        }
        double loadedSeconds = elapsed();
        progress(demo, sales.size());
        // a customer changes in MariaDB: the change stream carries it into every order of theirs
        DemoData.Customer before = customers.get(RENAMED);
        DemoData.Customer after =
                new DemoData.Customer(RENAMED, before.name() + " (renamed)", before.email(), "NZ");
        long theirOrders = sales.stream().filter(x -> x.customerId() == RENAMED).count();
        demo.renameCustomer(RENAMED, after.name(), after.country());
        customers.put(RENAMED, after);
        double renamedAt = elapsed();
        say(
                "Renamed customer %d in MariaDB to '%s' (%s); %d orders of theirs to update ...",
                RENAMED, after.name(), after.country(), theirOrders);
        boolean renamed =
                loaded
                        && until(
                                () ->
                                        demo.ordersShowing(RENAMED, after.name(), after.country())
                                                        == theirOrders
                                                && demo.staleRows(customers) == 0,
                                watched,
                                deadline,
                                demo);
        double renameSeconds = elapsed() - renamedAt;
        if (renamed) {
            say(
                    "All %d orders of customer %d show the new name and country (%.1f s after the update)",
                    theirOrders, RENAMED, renameSeconds);
        }
        // a newer sales file brings a column: the crawler registers a new version of
        // retail.sales, the job is planned again on it, and the column reaches the warehouse
        int couponFile = files;
        List<DemoData.Sale> withCoupon;
        try (S3Client s3 = services.s3().client()) {
            withCoupon = demo.writeSalesFileWithCoupon(s3, couponFile, rowsPerFile);
        }
        sales.addAll(withCoupon);
        double couponAt = elapsed();
        say(
                "Wrote sales file %d (%d orders) with a new column, coupon; waiting for the"
                        + " crawler ...",
                couponFile, withCoupon.size());
        boolean versioned =
                renamed
                        && until(
                                () ->
                                        store.table(DemoPipeline.CATALOG_DB, "sales")
                                                .map(t -> t.schemaVersion() >= 2)
                                                .orElse(false),
                                watched,
                                deadline,
                                demo);
        int salesVersion =
                store.table(DemoPipeline.CATALOG_DB, "sales").map(t -> t.schemaVersion()).orElse(0);
        if (versioned) {
            say(
                    "retail.sales is at schema version %d (%.1f s after the file):",
                    salesVersion, elapsed() - couponAt);
            DemoPipeline.describeCatalog(store).stream()
                    .filter(l -> l.contains("coupon"))
                    .forEach(l -> say("  %s", l));
        }
        boolean couponLoaded =
                versioned
                        && until(
                                () ->
                                        demo.ordersWithCoupon() == withCoupon.size()
                                                && demo.warehouseCounts().rows() == sales.size()
                                                && demo.staleRows(customers) == 0,
                                watched,
                                deadline,
                                demo);
        double couponSeconds = elapsed() - couponAt;
        long couponOrders = demo.ordersWithCoupon();
        if (couponLoaded) {
            say(
                    "The coupon column reached the warehouse: %d orders carry it, the %d older"
                            + " ones hold NULL (%.1f s after the file landed)",
                    couponOrders, sales.size() - couponOrders, couponSeconds);
        }
        // the lake table, read back through the REST catalog: the same rows, the rename applied
        double lakeFrom = elapsed();
        long[] scanned = {Long.MIN_VALUE};
        boolean lakeLoaded =
                couponLoaded
                        && until(
                                () -> {
                                    // a table is read again only once a new commit is there
                                    long snapshot = DemoPipeline.lakeSnapshot(lakeClient);
                                    if (snapshot == scanned[0]) {
                                        return false;
                                    }
                                    scanned[0] = snapshot;
                                    LakeCounts l = DemoPipeline.lakeCounts(lakeClient, customers);
                                    return l != null
                                            && l.rows() == sales.size()
                                            && l.staleRows() == 0;
                                },
                                watched,
                                deadline,
                                demo);
        LakeCounts lake = DemoPipeline.lakeCounts(lakeClient, customers);
        if (lakeLoaded) {
            say(
                    "The lake table holds the same %d orders (%d snapshots; %.1f s after the"
                            + " warehouse)",
                    lake.rows(), lake.snapshots(), elapsed() - lakeFrom);
        }
        BigDecimal revenue =
                sales.stream().map(DemoData.Sale::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
        // the file with a coupon brought orders of theirs too
        long theirOrdersNow = sales.stream().filter(x -> x.customerId() == RENAMED).count();
        WarehouseCounts counts = demo.warehouseCounts();
        long stale = demo.staleRows(customers);
        long updated = demo.ordersShowing(RENAMED, after.name(), after.country());
        boolean ok =
                loaded
                        && renamed
                        && versioned
                        && couponLoaded
                        && couponOrders == withCoupon.size()
                        && counts.rows() == sales.size()
                        && counts.distinctOrders() == sales.size()
                        && counts.revenue().compareTo(revenue) == 0
                        && stale == 0
                        && lakeLoaded
                        && lake.rows() == sales.size()
                        && lake.distinctOrders() == sales.size()
                        && lake.revenue().compareTo(revenue) == 0
                        && lake.staleRows() == 0;
        double seconds = elapsed();
        if (json) {
            ObjectNode summary = ServicesCommand.JSON.createObjectNode();
            summary.put("ok", ok);
            summary.put("pipeline", DemoPipeline.PIPELINE);
            summary.put("files", files + 1);
            summary.put("rows-in", sales.size());
            summary.put("customers", customerCount);
            summary.put("rows-in-warehouse", counts.rows());
            summary.put("distinct-orders-in-warehouse", counts.distinctOrders());
            summary.put("rows-with-stale-customer", stale);
            summary.put("revenue-in", revenue);
            summary.put("revenue-in-warehouse", counts.revenue());
            summary.put("renamed-customer-orders", theirOrdersNow);
            summary.put("catalog-database", DemoPipeline.CATALOG_DB);
            summary.put(
                    "catalog-tables",
                    String.join(
                            ",",
                            store.tables(DemoPipeline.CATALOG_DB).stream()
                                    .map(t -> t.name())
                                    .sorted()
                                    .toList()));
            summary.put("sales-schema-version", salesVersion);
            summary.put("orders-with-coupon-in", withCoupon.size());
            summary.put("orders-with-coupon-in-warehouse", couponOrders);
            summary.put("crawled-seconds", round(crawledSeconds));
            summary.put("new-column-seconds", round(couponSeconds));
            summary.put("renamed-customer-orders-updated", updated);
            summary.put(
                    "warehouse-table",
                    DemoPipeline.WAREHOUSE_DB + "." + DemoPipeline.WAREHOUSE_TABLE);
            summary.put("lake-table", DemoPipeline.LAKE_TABLE.toString());
            summary.put("lake-rest-uri", lakeServer.url());
            summary.put("lake-snapshots", lake == null ? 0 : lake.snapshots());
            summary.put("rows-in-lake", lake == null ? 0 : lake.rows());
            summary.put("distinct-orders-in-lake", lake == null ? 0 : lake.distinctOrders());
            summary.put("revenue-in-lake", lake == null ? BigDecimal.ZERO : lake.revenue());
            summary.put("lake-rows-with-stale-customer", lake == null ? 0 : lake.staleRows());
            summary.put("seconds", round(seconds));
            // from the command's start (the JVM is already up): services, job, first row
            summary.put("services-up-seconds", round(servicesSeconds));
            summary.put("job-submitted-seconds", round(submittedSeconds));
            summary.put("first-row-seconds", round(firstRowSeconds));
            summary.put("loaded-seconds", round(loadedSeconds));
            summary.put("rename-seconds", round(renameSeconds));
            out.println(ServicesCommand.JSON.writeValueAsString(summary));
        } else {
            out.println();
            out.println("Demo summary (pipeline " + DemoPipeline.PIPELINE + ")");
            out.printf(
                    "  sales files on S3      %d (s3://%s/sales/, the last with a coupon column)%n",
                    files + 1, DemoPipeline.BUCKET);
            out.printf("  orders in (files)      %d%n", sales.size());
            out.printf(
                    "  customers (CDC)        %d (MariaDB %s.customers)%n",
                    customerCount, DemoPipeline.SHOP_DB);
            out.printf(
                    "  rows in warehouse      %d (PostgreSQL %s.%s)%n",
                    counts.rows(), DemoPipeline.WAREHOUSE_DB, DemoPipeline.WAREHOUSE_TABLE);
            out.printf("  distinct order ids     %d%n", counts.distinctOrders());
            out.printf("  revenue in / loaded    %s / %s%n", revenue, counts.revenue());
            out.printf(
                    "  customer %d renamed     %d of %d orders show it (%.1f s)%n",
                    RENAMED, updated, theirOrdersNow, renameSeconds);
            out.printf("  rows with stale names  %d%n", stale);
            out.printf(
                    "  new column coupon      retail.sales version %d; %d of %d orders carry it in"
                            + " the warehouse (%.1f s after the file)%n",
                    salesVersion, couponOrders, withCoupon.size(), couponSeconds);
            out.printf(
                    "  lake table             %d rows, %d distinct orders, revenue %s, %d stale,"
                            + " %d snapshots%n",
                    lake == null ? 0 : lake.rows(),
                    lake == null ? 0 : lake.distinctOrders(),
                    lake == null ? BigDecimal.ZERO : lake.revenue(),
                    lake == null ? 0 : lake.staleRows(),
                    lake == null ? 0 : lake.snapshots());
            out.printf(
                    "                         (Iceberg %s, read through the REST catalog %s)%n",
                    DemoPipeline.LAKE_TABLE, lakeServer.url());
            out.printf(
                    "  elapsed                %.1f s (services up %.1f s, crawled %.1f s, job"
                            + " submitted %.1f s, first rows %.1f s, all loaded %.1f s)%n",
                    seconds,
                    servicesSeconds,
                    crawledSeconds,
                    submittedSeconds,
                    firstRowSeconds,
                    loadedSeconds);
            out.println(
                    ok
                            ? "  result                 OK: every order once, enriched with its customer's latest values, in the warehouse and the lake"
                            : "  result                 MISMATCH: the warehouse or the lake does not match the sample");
        }
        out.flush();
        return ok ? ExitCodes.OK : ExitCodes.FAILURE;
    }

    private static double round(double seconds) {
        return Math.round(seconds * 10) / 10.0;
    }

    private int runContinuously(
            DemoPipeline demo,
            EmbeddedServices services,
            CompletableFuture<JobRun> watched,
            AtomicBoolean stopJob,
            Path dir)
            throws Exception {
        say(
                "Running. A new sales file every %s, a customer renamed every 3 files; Ctrl-C to stop.",
                interval);
        say("Checkpoints: %s", dir.resolve("jobs"));
        AtomicBoolean stopping = new AtomicBoolean();
        // Ctrl-C: the job stops with a savepoint while the embedded services are still up
        Interrupts interrupts = Interrupts.onFirst(() -> stopping.set(true));
        int nextFile = files;
        long nextFileAt = System.nanoTime() + interval.toNanos();
        try (S3Client s3 = services.s3().client()) {
            while (!stopping.get() && !watched.isDone()) {
                if (System.nanoTime() >= nextFileAt) {
                    if (nextFile == files + 3) {
                        say(
                                "From file %d on, sales files carry a new column, coupon: the"
                                        + " crawler registers it and the job follows",
                                nextFile);
                    }
                    sales.addAll(
                            nextFile >= files + 3
                                    ? demo.writeSalesFileWithCoupon(s3, nextFile++, rowsPerFile)
                                    : demo.writeSalesFile(s3, nextFile++, rowsPerFile));
                    nextFileAt = System.nanoTime() + interval.toNanos();
                    if (nextFile % 3 == 0) {
                        int id = 1 + (nextFile / 3) % DemoData.CUSTOMERS;
                        DemoData.Customer c = customers.get(id);
                        String name =
                                c.name().replaceAll(" \\(renamed \\d+\\)$", "")
                                        + " (renamed "
                                        + nextFile
                                        + ")";
                        customers.put(id, demo.renameCustomer(id, name, c.country()));
                        say("Renamed customer %d to '%s'", id, name);
                    }
                }
                progress(demo, sales.size());
                Thread.sleep(1000);
            }
        } finally {
            say("Stopping the job with a savepoint, then the services ...");
            stopJob.set(true);
            try {
                watched.get(60, TimeUnit.SECONDS);
            } catch (Exception e) {
                // reported by the caller
            }
            interrupts.close();
        }
        return ExitCodes.OK;
    }

    private void progress(DemoPipeline demo, long expectedRows) throws Exception {
        WarehouseCounts counts = demo.warehouseCounts();
        say(
                "warehouse rows %d / %d, with a stale customer name %d",
                counts.rows(), expectedRows, demo.staleRows(customers));
    }

    private double elapsed() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private void say(String format, Object... args) {
        if (json) {
            return;
        }
        out.printf("[%6.1fs] %s%n", elapsed(), String.format(format, args));
        out.flush();
    }
}
