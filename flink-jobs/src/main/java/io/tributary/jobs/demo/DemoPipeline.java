package io.tributary.jobs.demo;

import io.tributary.embedded.EmbeddedServices;
import io.tributary.embedded.MariaDbService;
import io.tributary.embedded.S3Service;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The walking skeleton of the reference pipeline: sales JSON files on S3 into a warehouse table in
 * PostgreSQL through Tributary's S3 source and exactly-once sink, continuously or once. Later
 * issues swap in CDC and the join behind the same command.
 *
 * <pre>
 *   s3://tributary-demo/sales/dt=.../*.json ──▶ tributary-s3 (json) ──▶ tributary-redshift ──▶ analytics.sales
 *   MariaDB shop.customers (sample, read by CDC in the full pipeline)
 * </pre>
 */
public final class DemoPipeline {

    public static final String BUCKET = "tributary-demo";
    public static final String WAREHOUSE_DB = "warehouse";
    public static final String WAREHOUSE_TABLE = "analytics.sales";
    public static final String SHOP_DB = "shop";

    private final EmbeddedServices services;

    public DemoPipeline(EmbeddedServices services) {
        this.services = services;
    }

    /** Drops what an earlier demo left (bucket objects, tables) and creates the empty targets. */
    public void reset() throws SQLException {
        services.s3().createBucket(BUCKET);
        try (S3Client s3 = services.s3().client()) {
            List<String> old =
                    s3.listObjectsV2Paginator(b -> b.bucket(BUCKET)).contents().stream()
                            .map(software.amazon.awssdk.services.s3.model.S3Object::key)
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
            s.execute("CREATE SCHEMA IF NOT EXISTS analytics");
            s.execute("DROP TABLE IF EXISTS analytics.sales");
            s.execute(
                    "CREATE TABLE analytics.sales (order_id bigint PRIMARY KEY, customer_id int NOT"
                            + " NULL, product text NOT NULL, quantity int NOT NULL, unit_price"
                            + " numeric(10,2) NOT NULL, ts timestamp(3) NOT NULL, dt date NOT NULL)");
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

    /**
     * Submits the job to the embedded Flink cluster. {@code continuous} keeps watching the prefix
     * for new files; otherwise the job ends when the files present are loaded.
     */
    public TableResult submit(boolean continuous, Duration monitorInterval) {
        TableEnvironment env =
                services.flink()
                        .streamingTableEnvironment(
                                java.util.Map.of(
                                        "pipeline.name",
                                        "tributary-demo: s3 sales -> " + WAREHOUSE_TABLE,
                                        // the sink commits once per checkpoint (and at the end)
                                        "execution.checkpointing.interval",
                                        continuous ? "5 s" : "1 s",
                                        // the job's bookmark: kept when it is cancelled, so
                                        // `tributary bookmark show` reads it and a run resumes
                                        "state.checkpoints.dir",
                                        checkpointDir().toUri().toString(),
                                        "execution.checkpointing.externalized-checkpoint-retention",
                                        "RETAIN_ON_CANCELLATION"));
        env.executeSql(
                "CREATE TABLE sales_files ("
                        + " order_id BIGINT, customer_id INT, product STRING, quantity INT,"
                        + " unit_price DECIMAL(10, 2), ts TIMESTAMP(3), dt STRING"
                        + ") PARTITIONED BY (dt) WITH ("
                        + " 'connector' = 'tributary-s3',"
                        + " 'path' = 's3://"
                        + BUCKET
                        + "/sales/',"
                        + " 's3.endpoint' = '"
                        + services.s3().endpoint()
                        + "', 's3.path-style' = 'true',"
                        // the embedded server's fixed loopback keys (see the README), not secrets
                        + " 's3.access-key' = '"
                        + S3Service.ACCESS_KEY
                        + "', 's3.secret-key' = '"
                        + S3Service.SECRET_KEY
                        + "',"
                        + " 'format' = 'json',"
                        + " 'json.timestamp-format.standard' = 'ISO-8601',"
                        + " 'json.fail-on-missing-field' = 'false',"
                        + " 'scan.mode' = '"
                        + (continuous ? "continuous" : "bounded")
                        + "', 'scan.interval' = '"
                        + monitorInterval.toMillis()
                        + " ms'"
                        + ")");
        env.executeSql(
                "CREATE TABLE warehouse_sales ("
                        + " order_id BIGINT, customer_id INT, product STRING, quantity INT,"
                        + " unit_price DECIMAL(10, 2), ts TIMESTAMP(3), dt DATE,"
                        + " PRIMARY KEY (order_id) NOT ENFORCED"
                        + ") WITH ("
                        + " 'connector' = 'tributary-redshift',"
                        + " 'url' = '"
                        + services.postgres().jdbcUrl(WAREHOUSE_DB)
                        + "',"
                        + " 'schema-name' = 'analytics',"
                        + " 'table-name' = 'sales')");
        return env.executeSql(
                "INSERT INTO warehouse_sales SELECT order_id, customer_id, product, quantity,"
                        + " unit_price, ts, CAST(dt AS DATE) FROM sales_files");
    }

    /** Where the demo job keeps its checkpoints: one folder per job id. */
    public java.nio.file.Path checkpointDir() {
        return services.root().resolve("checkpoints");
    }

    /** Rows, distinct order ids and revenue now in the warehouse table. */
    public WarehouseCounts warehouseCounts() throws SQLException {
        try (Connection c = services.postgres().connect(WAREHOUSE_DB);
                Statement s = c.createStatement();
                var rs =
                        s.executeQuery(
                                "SELECT count(*), count(DISTINCT order_id),"
                                        + " coalesce(sum(quantity * unit_price), 0) FROM "
                                        + WAREHOUSE_TABLE)) {
            rs.next();
            return new WarehouseCounts(rs.getLong(1), rs.getLong(2), rs.getBigDecimal(3));
        }
    }

    /** What the warehouse holds. */
    public record WarehouseCounts(long rows, long distinctOrders, java.math.BigDecimal revenue) {}
}
