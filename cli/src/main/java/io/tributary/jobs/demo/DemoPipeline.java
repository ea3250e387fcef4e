package io.tributary.jobs.demo;

import io.tributary.catalog.CatalogService;
import io.tributary.catalog.crawler.CrawlerService;
import io.tributary.catalog.crawler.CrawlerSession;
import io.tributary.catalog.model.CrawlerDefinition;
import io.tributary.catalog.model.CrawlerRun;
import io.tributary.catalog.registry.SchemaRegistry;
import io.tributary.catalog.store.CatalogStore;
import io.tributary.embedded.EmbeddedServices;
import io.tributary.embedded.MariaDbService;
import io.tributary.embedded.S3Service;
import io.tributary.jobs.definition.PipelineDef;
import io.tributary.jobs.definition.PipelineParser;
import io.tributary.jobs.definition.Variables;
import io.tributary.objectstore.ObjectStores;
import io.tributary.objectstore.S3Settings;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The reference pipeline, {@code examples/ecommerce/pipeline.yaml} as shipped, on the embedded
 * services with a sample: sales JSON files on S3 joined with MariaDB customers read by CDC, into
 * {@code analytics.sales_enriched} in PostgreSQL through Tributary's exactly-once sink, and into
 * the lake table of the same name (Iceberg, on the embedded S3 server).
 *
 * <pre>
 *   s3://tributary-demo/sales/dt=.../*.json ──▶ tributary-s3 ──┐
 *                                                               ├─▶ JOIN on customer_id ──▶ tributary-redshift ──▶ analytics.sales_enriched
 *   MariaDB shop.customers ──▶ mysql-cdc (snapshot + binlog) ───┘    (a changelog: renames flow)
 * </pre>
 */
public final class DemoPipeline {

    public static final String BUCKET = "tributary-demo";
    public static final String WAREHOUSE_DB = "warehouse";
    public static final String WAREHOUSE_TABLE = "analytics.sales_enriched";

    /** The pipeline's second sink: the same rows as an Iceberg table in the catalog. */
    public static final TableIdentifier LAKE_TABLE =
            TableIdentifier.of("analytics", "sales_enriched");

    /** Where the demo's lake tables are written. */
    public static final String LAKE_WAREHOUSE = "s3://" + BUCKET + "/lake";

    /**
     * The pipeline file, shipped with the CLI from examples/: the brief's flow, which reads the
     * tables the crawlers found.
     */
    public static final String PIPELINE = "examples/ecommerce/catalog-pipeline.yaml";

    /** The catalog database the demo's crawlers fill. */
    public static final String CATALOG_DB = "retail";

    /** Where the sales crawler looks. */
    public static final String SALES_PREFIX = "s3://" + BUCKET + "/sales/";

    public static final String SHOP_DB = "shop";

    private final EmbeddedServices services;

    public DemoPipeline(EmbeddedServices services) {
        this.services = services;
    }

    /**
     * Drops what an earlier demo left (bucket objects, tables, the lake table's entry in {@code
     * store}) and creates the empty targets.
     */
    public void reset(CatalogStore store) throws SQLException {
        // its files go with the bucket's objects below
        store.dropTable(LAKE_TABLE.namespace().level(0), LAKE_TABLE.name());
        services.s3().createBucket(BUCKET);
        try (S3Client s3 = services.s3().client()) {
            List<String> old =
                    s3.listObjectsV2Paginator(b -> b.bucket(BUCKET)).contents().stream()
                            .map(S3Object::key)
                            .toList();
            // one by one: DeleteObjects needs a request checksum, and the SDK's (CRC32) is one
            // S3Proxy does not implement (501 on every demo run after the first)
            for (String key : old) {
                s3.deleteObject(b -> b.bucket(BUCKET).key(key));
            }
        }
        services.postgres().createDatabase(WAREHOUSE_DB);
        try (Connection c = services.postgres().connect(WAREHOUSE_DB);
                Statement s = c.createStatement()) {
            // the sink creates it from the pipeline's columns
            s.execute("DROP TABLE IF EXISTS analytics.sales_enriched");
            s.execute("DROP TABLE IF EXISTS analytics.sales");
        }
        MariaDbService maria = services.mariadb();
        maria.createDatabase(SHOP_DB);
        try (Connection c = maria.connect(SHOP_DB);
                Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS customers");
            s.execute(
                    "CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(100) NOT NULL, email"
                            + " VARCHAR(200) NOT NULL, country CHAR(2) NOT NULL)");
        }
    }

    /** Writes the sample customers into MariaDB; returns how many. */
    public int writeCustomers() throws SQLException {
        List<DemoData.Customer> customers = DemoData.customers();
        try (Connection c = services.mariadb().connect(SHOP_DB);
                PreparedStatement ps =
                        c.prepareStatement(
                                "INSERT INTO customers (id, name, email, country) VALUES (?, ?, ?,"
                                        + " ?)")) {
            for (DemoData.Customer cu : customers) {
                ps.setInt(1, cu.id());
                ps.setString(2, cu.name());
                ps.setString(3, cu.email());
                ps.setString(4, cu.country());
                ps.addBatch();
            }
            ps.executeBatch();
        }
        return customers.size();
    }

    /** Writes sales file number {@code file} to S3; returns its rows. */
    public List<DemoData.Sale> writeSalesFile(S3Client s3, int file, int rows) {
        List<DemoData.Sale> sales = DemoData.salesFile(file, rows);
        s3.putObject(
                b -> b.bucket(BUCKET).key(DemoData.salesKey(file)),
                RequestBody.fromString(DemoData.toJsonLines(sales)));
        return sales;
    }

    /** The reference pipeline, its variables bound to the embedded services. */
    public PipelineDef pipeline(Duration checkpointInterval) {
        String text;
        try (InputStream in = DemoPipeline.class.getClassLoader().getResourceAsStream(PIPELINE)) {
            if (in == null) {
                throw new IllegalStateException(PIPELINE + " is not on the classpath");
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Variables vars =
                Variables.of(
                        Map.of(
                                "checkpoint-interval",
                                checkpointInterval.toMillis() + " ms",
                                "sales-path",
                                "s3://" + BUCKET + "/sales/",
                                "shop-db",
                                SHOP_DB,
                                "warehouse-db",
                                WAREHOUSE_DB,
                                "lake-warehouse",
                                LAKE_WAREHOUSE),
                        services.endpoints());
        return new PipelineParser(vars).parse(PIPELINE, text);
    }

    /** Renames a customer and moves them to another country; returns the new values. */
    public DemoData.Customer renameCustomer(int id, String name, String country)
            throws SQLException {
        try (Connection c = services.mariadb().connect(SHOP_DB);
                PreparedStatement ps =
                        c.prepareStatement(
                                "UPDATE customers SET name = ?, country = ? WHERE id = ?")) {
            ps.setString(1, name);
            ps.setString(2, country);
            ps.setInt(3, id);
            ps.executeUpdate();
        }
        return new DemoData.Customer(id, name, "", country);
    }

    /** Rows of the warehouse table whose customer values are {@code name} and {@code country}. */
    public long ordersShowing(int customerId, String name, String country) throws SQLException {
        try (Connection c = services.postgres().connect(WAREHOUSE_DB);
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT count(*) FROM "
                                        + WAREHOUSE_TABLE
                                        + " WHERE customer_id = ? AND customer_name = ? AND"
                                        + " country = ?")) {
            ps.setInt(1, customerId);
            ps.setString(2, name);
            ps.setString(3, country);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /**
     * Rows of the warehouse table whose customer name or country is not the customer's in {@code
     * customers}: 0 when every order carries its customer's current values.
     */
    public long staleRows(Map<Integer, DemoData.Customer> customers) throws SQLException {
        long stale = 0;
        if (!warehouseTableExists()) {
            return 0;
        }
        try (Connection c = services.postgres().connect(WAREHOUSE_DB);
                Statement s = c.createStatement();
                var rs =
                        s.executeQuery(
                                "SELECT customer_id, customer_name, country, count(*) FROM "
                                        + WAREHOUSE_TABLE
                                        + " GROUP BY 1, 2, 3")) {
            while (rs.next()) {
                DemoData.Customer cu = customers.get(rs.getInt(1));
                if (cu == null
                        || !cu.name().equals(rs.getString(2))
                        || !cu.country().equals(rs.getString(3))) {
                    stale += rs.getLong(4);
                }
            }
        }
        return stale;
    }

    /** Whether the sink has created the warehouse table yet. */
    private boolean warehouseTableExists() throws SQLException {
        try (Connection c = services.postgres().connect(WAREHOUSE_DB);
                Statement check = c.createStatement();
                var exists = check.executeQuery("SELECT to_regclass('" + WAREHOUSE_TABLE + "')")) {
            exists.next();
            return exists.getString(1) != null;
        }
    }

    /** Rows, distinct order ids and revenue now in the warehouse table. */
    public WarehouseCounts warehouseCounts() throws SQLException {
        if (!warehouseTableExists()) {
            return new WarehouseCounts(0, 0, BigDecimal.ZERO);
        }
        try (Connection c = services.postgres().connect(WAREHOUSE_DB);
                Statement s = c.createStatement();
                var rs =
                        s.executeQuery(
                                "SELECT count(*), count(DISTINCT order_id),"
                                        + " coalesce(sum(amount), 0) FROM "
                                        + WAREHOUSE_TABLE)) {
            rs.next();
            return new WarehouseCounts(rs.getLong(1), rs.getLong(2), rs.getBigDecimal(3));
        }
    }

    /** What the warehouse holds. */
    public record WarehouseCounts(long rows, long distinctOrders, BigDecimal revenue) {}

    /**
     * What the lake table holds as an engine reads it through {@code catalog} (the REST endpoint):
     * its snapshots, and its rows with deletes applied; null until the table exists.
     */
    /** The lake table's current snapshot id; -1 before its first commit or its creation. */
    public static long lakeSnapshot(Catalog catalog) {
        if (!catalog.tableExists(LAKE_TABLE)) {
            return -1;
        }
        Snapshot current = catalog.loadTable(LAKE_TABLE).currentSnapshot();
        return current == null ? -1 : current.snapshotId();
    }

    public static LakeCounts lakeCounts(Catalog catalog, Map<Integer, DemoData.Customer> customers)
            throws IOException {
        if (!catalog.tableExists(LAKE_TABLE)) {
            return null;
        }
        Table t = catalog.loadTable(LAKE_TABLE);
        long rows = 0;
        long stale = 0;
        BigDecimal revenue = BigDecimal.ZERO;
        Set<Long> orders = new HashSet<>();
        try (CloseableIterable<Record> records = IcebergGenerics.read(t).build()) {
            for (Record r : records) {
                rows++;
                orders.add((Long) r.getField("order_id"));
                revenue = revenue.add((BigDecimal) r.getField("amount"));
                DemoData.Customer cu = customers.get((Integer) r.getField("customer_id"));
                if (cu == null
                        || !cu.name().equals(r.getField("customer_name"))
                        || !cu.country().equals(r.getField("country"))) {
                    stale++;
                }
            }
        }
        int snapshots = 0;
        for (Snapshot ignored : t.snapshots()) {
            snapshots++;
        }
        return new LakeCounts(snapshots, rows, orders.size(), revenue, stale);
    }

    /** What the lake table holds. */
    public record LakeCounts(
            int snapshots, long rows, long distinctOrders, BigDecimal revenue, long staleRows) {}

    /** How this process reaches the embedded S3 server: its endpoint, region and fixed keys. */
    public static S3Settings embeddedS3(S3Service s3) {
        return new S3Settings(
                s3.endpoint(), S3Service.REGION, true, S3Service.ACCESS_KEY, S3Service.SECRET_KEY);
    }

    /** The demo's crawlers running in this process, and what they need; closing stops them. */
    public static final class Crawlers implements AutoCloseable {
        private final CrawlerService service;
        private final CatalogService catalog;

        private Crawlers(CrawlerService service, CatalogService catalog) {
            this.service = service;
            this.catalog = catalog;
        }

        @Override
        public void close() {
            service.close();
            catalog.close();
        }
    }

    /**
     * Defines the demo's two crawlers in {@code store} (Glue's crawler definitions: sales JSON on
     * S3, the shop's customers in MariaDB, both continuous, into {@code retail}), after dropping
     * what an earlier demo left of them and their tables, and runs them in this process as {@code
     * tributary services up} would; {@code say} hears each recorded pass.
     */
    public Crawlers startCrawlers(
            CatalogStore store, Path dir, java.util.function.Consumer<String> say)
            throws IOException {
        for (String name : List.of("sales", "customers")) {
            store.dropCrawler(name);
            store.dropTable(CATALOG_DB, name);
        }
        // the password is read from here each pass, never stored in the catalog
        Path password = dir.resolve("mariadb.password");
        Files.writeString(password, MariaDbService.PASSWORD, StandardCharsets.UTF_8);
        store.createCrawler(
                CrawlerDefinition.of(
                                "sales",
                                CATALOG_DB,
                                CrawlerDefinition.CONTINUOUS,
                                List.of(SALES_PREFIX))
                        .withS3Endpoint(services.s3().endpoint()));
        store.createCrawler(
                CrawlerDefinition.of(
                                "customers",
                                CATALOG_DB,
                                CrawlerDefinition.CONTINUOUS,
                                List.of(
                                        "jdbc:mysql://"
                                                + services.mariadb().endpoints().get("host")
                                                + ":"
                                                + services.mariadb().port()
                                                + "/"
                                                + SHOP_DB))
                        .withJdbcLogin(
                                MariaDbService.USER,
                                "file:" + password.toAbsolutePath(),
                                "customers"));
        // a registry of the demo's own: its subjects start afresh with the tables
        Path registryDir = dir.resolve("registry");
        if (Files.isDirectory(registryDir)) {
            try (var files = Files.walk(registryDir)) {
                for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(f);
                }
            }
        }
        SchemaRegistry registry = SchemaRegistry.open(registryDir);
        CatalogService catalog = new CatalogService(store, registry, registry);
        S3Settings s3 = embeddedS3(services.s3());
        CrawlerService service =
                CrawlerService.start(
                        catalog,
                        (d, target) ->
                                ObjectStores.open(target, target.startsWith("s3") ? s3 : null),
                        (d, run, recorded) -> {
                            if (recorded && CrawlerSession.worthRecording(run)) {
                                say.accept(passLine(d, run));
                            }
                        },
                        "demo");
        return new Crawlers(service, catalog);
    }

    private static String passLine(CrawlerDefinition d, CrawlerRun run) {
        List<String> what = new java.util.ArrayList<>();
        run.tablesCreated().forEach(t -> what.add("created " + d.database() + "." + t));
        run.tablesUpdated().forEach(t -> what.add("updated " + d.database() + "." + t));
        if (run.partitionsAdded() > 0) {
            what.add(run.partitionsAdded() + " partition(s) added");
        }
        if (run.versionsRegistered() > 0) {
            what.add(run.versionsRegistered() + " schema version(s) registered");
        }
        run.errors().forEach(e -> what.add("error: " + e));
        return "Crawler "
                + d.name()
                + " ("
                + run.trigger()
                + "): "
                + run.filesListed()
                + " listed, "
                + run.filesSampled()
                + " sampled; "
                + (what.isEmpty() ? "nothing changed" : String.join(", ", what));
    }

    /** What the crawlers found, as lines to print: each table's format, columns and partitions. */
    public static List<String> describeCatalog(CatalogStore store) {
        List<String> lines = new java.util.ArrayList<>();
        for (String name : List.of("sales", "customers")) {
            store.table(CATALOG_DB, name)
                    .ifPresent(
                            t -> {
                                lines.add(
                                        t.qualifiedName()
                                                + "  "
                                                + t.format().id()
                                                + " at "
                                                + t.location().replaceAll("\\?.*", "")
                                                + ", schema version "
                                                + t.schemaVersion()
                                                + (t.primaryKey().isEmpty()
                                                        ? ""
                                                        : ", key "
                                                                + String.join(
                                                                        ", ", t.primaryKey())));
                                lines.add(
                                        "    columns: "
                                                + t.columns().stream()
                                                        .map(c -> c.name() + " " + c.type().sql())
                                                        .collect(
                                                                java.util.stream.Collectors.joining(
                                                                        ", ")));
                                if (!t.partitionKeys().isEmpty()) {
                                    List<String> parts =
                                            store.partitions(CATALOG_DB, name).stream()
                                                    .map(p -> String.join("/", p.values()))
                                                    .sorted()
                                                    .toList();
                                    lines.add(
                                            "    partitions by "
                                                    + t.partitionKeys().stream()
                                                            .map(c -> c.name())
                                                            .collect(
                                                                    java.util.stream.Collectors
                                                                            .joining(", "))
                                                    + ": "
                                                    + parts.size()
                                                    + " "
                                                    + parts);
                                }
                            });
        }
        return lines;
    }

    /** Writes sales file number {@code file}, each order with a {@code coupon} too; its rows. */
    public List<DemoData.Sale> writeSalesFileWithCoupon(S3Client s3, int file, int rows) {
        List<DemoData.Sale> sales = DemoData.salesFile(file, rows);
        StringBuilder lines = new StringBuilder();
        for (DemoData.Sale sale : sales) {
            String json = sale.toJson();
            lines.append(json, 0, json.length() - 1)
                    .append(",\"coupon\":\"")
                    .append(coupon(sale))
                    .append("\"}\n");
        }
        s3.putObject(
                b -> b.bucket(BUCKET).key(DemoData.salesKey(file)),
                RequestBody.fromString(lines.toString()));
        return sales;
    }

    /** The coupon {@link #writeSalesFileWithCoupon} gives an order. */
    public static String coupon(DemoData.Sale sale) {
        return "SAVE" + (5 + sale.orderId() % 3 * 5);
    }

    /** Orders in the warehouse with a coupon; 0 while the table has no such column. */
    public long ordersWithCoupon() throws SQLException {
        if (!warehouseTableExists()) {
            return 0;
        }
        try (Connection c = services.postgres().connect(WAREHOUSE_DB);
                Statement s = c.createStatement();
                var has =
                        s.executeQuery(
                                "SELECT count(*) FROM information_schema.columns WHERE"
                                        + " table_schema = 'analytics' AND table_name ="
                                        + " 'sales_enriched' AND column_name = 'coupon'")) {
            has.next();
            if (has.getLong(1) == 0) {
                return 0;
            }
        }
        try (Connection c = services.postgres().connect(WAREHOUSE_DB);
                Statement s = c.createStatement();
                var rs = s.executeQuery("SELECT count(coupon) FROM " + WAREHOUSE_TABLE)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
