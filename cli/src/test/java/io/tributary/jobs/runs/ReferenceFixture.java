package io.tributary.jobs.runs;

import io.tributary.embedded.SharedServices;
import io.tributary.jobs.definition.PipelineDef;
import io.tributary.jobs.definition.PipelineParser;
import io.tributary.jobs.definition.Variables;
import io.tributary.jobs.demo.DemoData;
import java.math.RoundingMode;
import java.nio.file.Files;
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
import java.util.function.Supplier;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The reference pipeline's world for tests, on the shared embedded services: MariaDB customers,
 * sales files on S3, the warehouse database, the example pipeline bound to them, and the join
 * computed independently of Flink to compare the warehouse table with.
 */
public final class ReferenceFixture {

    private final String shop;
    private final String warehouse;
    private final String bucket;
    private final int rowsPerFile;
    private final Map<Integer, DemoData.Customer> customers = new HashMap<>();
    private final List<DemoData.Sale> sales = new ArrayList<>();
    private final java.util.Set<Long> excluded = new java.util.HashSet<>();

    public ReferenceFixture(String shop, String warehouse, String bucket, int rowsPerFile) {
        this.shop = shop;
        this.warehouse = warehouse;
        this.bucket = bucket;
        this.rowsPerFile = rowsPerFile;
    }

    /** Fresh customers table with the sample customers, empty warehouse, the bucket. */
    public void prepare() throws Exception {
        SharedServices.mariadb().createDatabase(shop);
        try (Connection c = SharedServices.mariadb().connect(shop);
                Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS customers");
            s.execute(
                    "CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(100) NOT NULL, email"
                            + " VARCHAR(200) NOT NULL, country CHAR(2) NOT NULL)");
        }
        for (DemoData.Customer cu : DemoData.customers()) {
            upsert(cu);
        }
        SharedServices.postgres().createDatabase(warehouse);
        try (Connection c = SharedServices.postgres().connect(warehouse);
                Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS analytics CASCADE");
        }
        SharedServices.s3().createBucket(bucket);
    }

    /**
     * How many rows of analytics.sales_enriched in warehouse database {@code db} are order {@code
     * orderId}.
     */
    public static long orderRows(String db, long orderId) throws Exception {
        try (java.sql.Connection c = SharedServices.postgres().connect(db);
                java.sql.Statement s = c.createStatement();
                java.sql.ResultSet rs =
                        s.executeQuery(
                                "SELECT count(*) FROM analytics.sales_enriched WHERE order_id = "
                                        + orderId)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The warehouse's database. */
    public String warehouseDatabase() {
        return warehouse;
    }

    /** examples/ecommerce/pipeline.yaml as shipped, bound to this fixture and {@code vars}. */
    public PipelineDef pipeline(Map<String, String> vars) {
        return pipeline(vars, examples().resolve("ecommerce/pipeline.yaml"));
    }

    /** The variables that bind the reference pipeline to this fixture, and {@code vars}. */
    public Map<String, String> variables(Map<String, String> vars) {
        Map<String, String> all = new HashMap<>(vars);
        all.put("sales-path", "s3://" + bucket + "/sales/");
        all.put("shop-db", shop);
        all.put("warehouse-db", warehouse);
        all.put("lake-warehouse", "s3://" + bucket + "/lake");
        all.putIfAbsent("checkpoint-interval", "1 s");
        return all;
    }

    /**
     * Everything the reference pipeline's {@code ${...}} need, as a CLI process's environment: the
     * embedded services' endpoints ({@code s3.endpoint}, {@code mariadb.password}, ...) and this
     * fixture's variables; nothing on a command line.
     */
    public Map<String, String> environment() {
        Map<String, String> env = new HashMap<>();
        endpoints().forEach((service, e) -> e.forEach((k, v) -> env.put(service + "." + k, v)));
        env.putAll(variables(Map.of()));
        return env;
    }

    private static Map<String, Map<String, String>> endpoints() {
        Map<String, Map<String, String>> endpoints = new HashMap<>();
        endpoints.put("s3", SharedServices.s3().endpoints());
        endpoints.put("mariadb", SharedServices.mariadb().endpoints());
        endpoints.put("postgres", SharedServices.postgres().endpoints());
        return endpoints;
    }

    /** {@code file} (the reference pipeline, or an edited copy), bound to this fixture. */
    public PipelineDef pipeline(Map<String, String> vars, Path file) {
        return new PipelineParser(Variables.of(variables(vars), endpoints())).parse(file);
    }

    /** The repository's examples/ folder, found from the working directory up. */
    public static Path examples() {
        Path p = Paths.get("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("examples"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("no examples/ above " + Paths.get("").toAbsolutePath());
        }
        return p.resolve("examples");
    }

    public void upsert(DemoData.Customer cu) throws Exception {
        try (Connection c = SharedServices.mariadb().connect(shop);
                PreparedStatement ps =
                        c.prepareStatement(
                                "REPLACE INTO customers (id, name, email, country) VALUES (?, ?,"
                                        + " ?, ?)")) {
            ps.setInt(1, cu.id());
            ps.setString(2, cu.name());
            ps.setString(3, cu.email());
            ps.setString(4, cu.country());
            ps.executeUpdate();
        }
        customers.put(cu.id(), cu);
    }

    public void rename(int id, String name, String country) throws Exception {
        upsert(new DemoData.Customer(id, name, customers.get(id).email(), country));
    }

    /** Writes sales file number {@code file} of the sample. */
    public void writeSales(int file) {
        List<DemoData.Sale> batch = DemoData.salesFile(file, rowsPerFile);
        put(DemoData.salesKey(file), batch);
    }

    /**
     * Writes {@code batch} under {@code key}, each sale's JSON line with the fields {@code extra}
     * gives it (say {@code "coupon":"C1"}) added: files of a newer shape.
     */
    public void put(
            String key,
            List<DemoData.Sale> batch,
            java.util.function.Function<DemoData.Sale, String> extra) {
        sales.addAll(batch);
        StringBuilder lines = new StringBuilder();
        for (DemoData.Sale sale : batch) {
            String json = sale.toJson();
            lines.append(json, 0, json.length() - 1)
                    .append(',')
                    .append(extra.apply(sale))
                    .append("}\n");
        }
        try (S3Client s3 = SharedServices.s3().client()) {
            s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString(lines.toString()));
        }
    }

    /** Every sale written so far. */
    public List<DemoData.Sale> sales() {
        return List.copyOf(sales);
    }

    /** The customers as the shop has them now. */
    public List<DemoData.Customer> customers() {
        return List.copyOf(customers.values());
    }

    /** Customer {@code id} as the shop has it now. */
    public DemoData.Customer customer(int id) {
        return customers.get(id);
    }

    /** Writes {@code batch} under {@code key} (any partition, any order). */
    public void put(String key, List<DemoData.Sale> batch) {
        sales.addAll(batch);
        try (S3Client s3 = SharedServices.s3().client()) {
            s3.putObject(
                    b -> b.bucket(bucket).key(key),
                    RequestBody.fromString(DemoData.toJsonLines(batch)));
        }
    }

    /** Puts orders left out by {@link #exclude} back into the reference. */
    public void include(java.util.Collection<Long> orderIds) {
        excluded.removeAll(orderIds);
    }

    /** Leaves orders out of the reference: a ruleset sets them aside. */
    public void exclude(java.util.Collection<Long> orderIds) {
        excluded.addAll(orderIds);
    }

    /** The join computed here: every sale with its customer's latest values. */
    public TreeSet<String> reference() {
        TreeSet<String> out = new TreeSet<>();
        for (DemoData.Sale s : sales) {
            if (excluded.contains(s.orderId())) {
                continue;
            }
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

    /** What analytics.sales_enriched holds, one string per row as {@link #reference()}. */
    public List<String> warehouse() throws Exception {
        return warehouse("ordered_at");
    }

    /**
     * As {@link #warehouse()}, for a table whose order time column is {@code orderedAt} ({@code ts}
     * in a table loaded from the crawled sales, whose columns are the files').
     */
    public List<String> warehouse(String orderedAt) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = SharedServices.postgres().connect(warehouse);
                Statement s = c.createStatement()) {
            ResultSet exists = s.executeQuery("SELECT to_regclass('analytics.sales_enriched')");
            exists.next();
            if (exists.getString(1) == null) {
                return out;
            }
            try (ResultSet rs =
                    s.executeQuery(
                            "SELECT order_id, customer_id, customer_name, country, product,"
                                    + " quantity, unit_price, amount, \""
                                    + orderedAt
                                    + "\", dt FROM analytics.sales_enriched")) {
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

    /**
     * Waits until the warehouse table is exactly the reference, no row twice; {@code diagnostics}
     * is added to the failure (e.g. a cluster's logs).
     */
    public void awaitWarehouseEqualsReference(Supplier<String> diagnostics) {
        awaitEqualsReference("the warehouse", this::warehouse, diagnostics);
    }

    /** As above, for a table whose order time column is {@code orderedAt}. */
    public void awaitWarehouseEqualsReference(String orderedAt, Supplier<String> diagnostics) {
        awaitEqualsReference("the warehouse", () -> warehouse(orderedAt), diagnostics);
    }

    /** Follows a submitted run ({@link PipelineRunner#follow}) on another thread until the end. */
    public static java.util.concurrent.CompletableFuture<PipelineRunner.Watched> follow(
            PipelineRunner runner,
            PipelineRunner.Submitted s,
            java.util.concurrent.atomic.AtomicBoolean stop) {
        return java.util.concurrent.CompletableFuture.supplyAsync(
                () -> {
                    try {
                        return runner.follow(s, stop::get, Duration.ofMillis(500));
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                });
    }

    /** How long a table may go without changing before a wait on it gives up. */
    private static final Duration STALL = Duration.ofMinutes(2);

    /**
     * Waits while the table keeps changing (the job is making progress, however slowly the machine
     * runs it) until it is the reference; gives up once it has not changed for {@link #STALL}.
     */
    private void awaitEqualsReference(
            String what,
            java.util.concurrent.Callable<List<String>> read,
            Supplier<String> diagnostics) {
        TreeSet<String> expected = reference();
        List<String> last = new ArrayList<>();
        long lastChange = System.nanoTime();
        Exception lastError = null;
        while (true) {
            try {
                List<String> rows = new ArrayList<>(read.call());
                rows.sort(null);
                lastError = null;
                if (!rows.equals(last)) {
                    last.clear();
                    last.addAll(rows);
                    lastChange = System.nanoTime();
                }
                if (rows.size() == expected.size() && new TreeSet<>(rows).equals(expected)) {
                    return;
                }
            } catch (Exception e) {
                lastError = e; // the table not readable yet, or the store busy: read again
            }
            if (System.nanoTime() - lastChange > STALL.toNanos()) {
                AssertionError failure =
                        new AssertionError(
                                what
                                        + " is not the reference and has not changed for "
                                        + STALL.toSeconds()
                                        + " s: "
                                        + difference(expected, last)
                                        + "\n"
                                        + diagnostics.get());
                if (lastError != null) {
                    failure.addSuppressed(lastError);
                }
                throw failure;
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
        }
    }

    /**
     * What the lake table {@code analytics.sales_enriched} holds, read through Tributary's Iceberg
     * catalog on the run's store ({@code home}/catalog) with deletes applied, one string per row as
     * {@link #reference()}; empty until the table exists.
     */
    public List<String> lake(Path home) throws Exception {
        List<String> out = new ArrayList<>();
        io.tributary.embedded.S3Service s3 = SharedServices.s3();
        try (io.tributary.catalog.store.CatalogStore store =
                        io.tributary.catalog.store.CatalogStores.embedded(home.resolve("catalog"));
                io.tributary.catalog.iceberg.TributaryIcebergCatalog catalog =
                        new io.tributary.catalog.iceberg.TributaryIcebergCatalog(store)) {
            Map<String, String> props =
                    new HashMap<>(
                            io.tributary.catalog.iceberg.IcebergStorage.s3(
                                    s3.endpoint(),
                                    io.tributary.embedded.S3Service.REGION,
                                    true,
                                    io.tributary.embedded.S3Service.ACCESS_KEY,
                                    io.tributary.embedded.S3Service.SECRET_KEY));
            props.put("warehouse", "s3://" + bucket + "/lake");
            catalog.initialize("reference", props);
            org.apache.iceberg.catalog.TableIdentifier id =
                    org.apache.iceberg.catalog.TableIdentifier.of("analytics", "sales_enriched");
            if (!catalog.tableExists(id)) {
                return out;
            }
            try (org.apache.iceberg.io.CloseableIterable<org.apache.iceberg.data.Record> rows =
                    org.apache.iceberg.data.IcebergGenerics.read(catalog.loadTable(id)).build()) {
                for (org.apache.iceberg.data.Record r : rows) {
                    out.add(
                            String.join(
                                    "|",
                                    String.valueOf(r.getField("order_id")),
                                    String.valueOf(r.getField("customer_id")),
                                    String.valueOf(r.getField("customer_name")),
                                    String.valueOf(r.getField("country")),
                                    String.valueOf(r.getField("product")),
                                    String.valueOf(r.getField("quantity")),
                                    ((java.math.BigDecimal) r.getField("unit_price"))
                                            .toPlainString(),
                                    ((java.math.BigDecimal) r.getField("amount")).toPlainString(),
                                    String.valueOf(r.getField("ordered_at")),
                                    String.valueOf(r.getField("dt"))));
                }
            }
        }
        return out;
    }

    /**
     * Waits until the lake table of the run in {@code home} is exactly the reference, no row twice:
     * the pipeline's second sink, committed on the same checkpoints as the warehouse.
     */
    public void awaitLakeEqualsReference(Path home, Supplier<String> diagnostics) {
        awaitEqualsReference("the lake table", () -> lake(home), diagnostics);
    }

    /**
     * What a warehouse table differs in from the reference, in a few lines: counts, rows twice, the
     * first rows missing and unexpected (a changed row shows as one of each).
     */
    static String difference(TreeSet<String> expected, List<String> rows) {
        TreeSet<String> actual = new TreeSet<>(rows);
        TreeSet<String> missing = new TreeSet<>(expected);
        missing.removeAll(actual);
        TreeSet<String> unexpected = new TreeSet<>(actual);
        unexpected.removeAll(expected);
        StringBuilder b =
                new StringBuilder()
                        .append(rows.size())
                        .append(" rows (")
                        .append(rows.size() - actual.size())
                        .append(" twice), ")
                        .append(expected.size())
                        .append(" expected; ")
                        .append(missing.size())
                        .append(" missing, ")
                        .append(unexpected.size())
                        .append(" unexpected");
        missing.stream().limit(10).forEach(r -> b.append("\n  missing    ").append(r));
        unexpected.stream().limit(10).forEach(r -> b.append("\n  unexpected ").append(r));
        return b.toString();
    }

    /**
     * A submitted job's state and every failure in its exception history (first line and innermost
     * cause), for a failure message: what the warehouse alone cannot say.
     */
    public static String jobDiagnostics(PipelineRunner.Submitted s) {
        return io.tributary.embedded.JobDiagnostics.describe(s.rest().base(), s.run().flinkJobId());
    }

    /** Watches a submitted run on another thread until {@code stop} is set or the job ends. */
    public static java.util.concurrent.CompletableFuture<io.tributary.catalog.store.JobRun> watch(
            PipelineRunner runner,
            PipelineRunner.Submitted s,
            java.util.concurrent.atomic.AtomicBoolean stop) {
        // watch is follow's last run
        return follow(runner, s, stop).thenApply(PipelineRunner.Watched::run);
    }
}
