package io.tributary.connectors.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.catalog.iceberg.IcebergRestServer;
import io.tributary.catalog.iceberg.IcebergStorage;
import io.tributary.catalog.iceberg.TributaryIcebergCatalog;
import io.tributary.catalog.model.CatalogTable;
import io.tributary.catalog.model.TableFormat;
import io.tributary.catalog.store.CatalogStore;
import io.tributary.catalog.store.CatalogStores;
import io.tributary.embedded.S3Service;
import io.tributary.embedded.SharedServices;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;
import org.apache.flink.util.CloseableIterator;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Types.NestedField;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code 'connector' = 'tributary-lake'} writing Iceberg tables on the embedded S3 server: rows
 * read back through Iceberg equal what was written (upserts and deletes applied, each row once
 * across task failures), the table is a catalog table with its snapshots, and Flink's own {@code
 * iceberg} connector reads it through Tributary's REST endpoint.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class LakeSinkITCase {

    @TempDir Path home;

    String bucket;
    String warehouse;
    CatalogStore store;
    TributaryIcebergCatalog catalog;

    @BeforeEach
    void open() {
        bucket = "lake-" + UUID.randomUUID().toString().substring(0, 8);
        SharedServices.s3().createBucket(bucket);
        warehouse = "s3://" + bucket + "/warehouse";
        store = CatalogStores.embedded(home);
        catalog = new TributaryIcebergCatalog(store);
        Map<String, String> props = new HashMap<>(s3());
        props.put("warehouse", warehouse);
        catalog.initialize("tributary", props);
    }

    @AfterEach
    void close() {
        catalog.close();
        store.close();
    }

    static Map<String, String> s3() {
        S3Service s3 = SharedServices.s3();
        return IcebergStorage.s3(
                s3.endpoint(), S3Service.REGION, true, S3Service.ACCESS_KEY, S3Service.SECRET_KEY);
    }

    private static Configuration conf(String restarts) {
        Configuration conf = SharedServices.flink().clientConfiguration();
        conf.setString("execution.checkpointing.interval", "300 ms");
        conf.setString("restart-strategy.type", restarts);
        conf.setString("restart-strategy.fixed-delay.attempts", "3");
        conf.setString("restart-strategy.fixed-delay.delay", "200 ms");
        return conf;
    }

    /** A streaming TableEnvironment on the shared cluster, checkpointing, no restarts. */
    private static TableEnvironment streaming() {
        return TableEnvironment.create(
                EnvironmentSettings.newInstance()
                        .inStreamingMode()
                        .withConfiguration(conf("none"))
                        .build());
    }

    private String with(String db, String table, String extra) {
        S3Service s3 = SharedServices.s3();
        return " WITH ('connector' = 'tributary-lake', 'catalog.store' = '"
                + home
                + "', 'warehouse' = '"
                + warehouse
                + "', 'database' = '"
                + db.replace("'", "''")
                + "', 'table' = '"
                + table.replace("'", "''")
                + "', 's3.endpoint' = '"
                + s3.endpoint()
                + "', 's3.path-style' = 'true', 's3.access-key' = '"
                + S3Service.ACCESS_KEY
                + "', 's3.secret-key' = '"
                + S3Service.SECRET_KEY
                + "'"
                + extra
                + ")";
    }

    /** The rows committed to {@code shop.table}, as the catalog row's snapshot summary says. */
    static long committed(CatalogStore store, String table) {
        return Long.parseLong(
                store.table("shop", table)
                        .map(t -> t.properties().getOrDefault("iceberg.total-records", "0"))
                        .orElse("0"));
    }

    List<String> rows(String db, String table, String... columns) throws IOException {
        org.apache.iceberg.Table t = catalog.loadTable(TableIdentifier.of(db, table));
        List<String> out = new ArrayList<>();
        try (CloseableIterable<Record> records = IcebergGenerics.read(t).build()) {
            for (Record r : records) {
                List<String> values = new ArrayList<>();
                for (String c : columns) {
                    values.add(String.valueOf(r.getField(c)));
                }
                out.add(String.join("|", values));
            }
        }
        out.sort(null);
        return out;
    }

    @Test
    void aChangelogLandsAsTheLatestRowPerKey() throws Exception {
        StreamExecutionEnvironment env = new StreamExecutionEnvironment(conf("none"));
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
        var changes =
                env.fromData(
                                Row.ofKind(RowKind.INSERT, 1, "Ada", 10L),
                                Row.ofKind(RowKind.INSERT, 2, "Grace", 20L),
                                Row.ofKind(RowKind.UPDATE_BEFORE, 1, "Ada", 10L),
                                Row.ofKind(RowKind.UPDATE_AFTER, 1, "Ada L.", 11L),
                                Row.ofKind(RowKind.DELETE, 2, "Grace", 20L),
                                Row.ofKind(RowKind.INSERT, 3, "Alan", null))
                        .returns(
                                Types.ROW_NAMED(
                                        new String[] {"id", "name", "amount"},
                                        Types.INT,
                                        Types.STRING,
                                        Types.LONG));
        Table table =
                tEnv.fromChangelogStream(
                        changes,
                        Schema.newBuilder()
                                .column("id", "INT NOT NULL")
                                .column("name", "STRING")
                                .column("amount", "BIGINT")
                                .primaryKey("id")
                                .build(),
                        ChangelogMode.all());
        tEnv.executeSql(
                "CREATE TABLE customers (id INT NOT NULL, name STRING, amount BIGINT,"
                        + " PRIMARY KEY (id) NOT ENFORCED)"
                        + with("crm", "customers", ""));
        table.executeInsert("customers").await(2, TimeUnit.MINUTES);

        assertThat(rows("crm", "customers", "id", "name", "amount"))
                .containsExactly("1|Ada L.|11", "3|Alan|null");
        // and through Tributary's Flink catalog, as every catalog table is read
        S3Service s3 = SharedServices.s3();
        TableEnvironment batch =
                TableEnvironment.create(
                        EnvironmentSettings.newInstance()
                                .inBatchMode()
                                .withConfiguration(SharedServices.flink().clientConfiguration())
                                .build());
        batch.executeSql(
                "CREATE CATALOG t WITH ('type' = 'tributary', 'store' = '"
                        + home
                        + "', 's3.endpoint' = '"
                        + s3.endpoint()
                        + "', 's3.path-style' = 'true', 's3.access-key' = '"
                        + S3Service.ACCESS_KEY
                        + "', 's3.secret-key' = '"
                        + S3Service.SECRET_KEY
                        + "')");
        List<String> viaCatalog = new ArrayList<>();
        try (CloseableIterator<Row> it =
                batch.executeSql("SELECT id, name FROM t.crm.customers ORDER BY id").collect()) {
            it.forEachRemaining(r -> viaCatalog.add(r.getField(0) + "|" + r.getField(1)));
        }
        assertThat(viaCatalog).containsExactly("1|Ada L.", "3|Alan");
        CatalogTable row = store.table("crm", "customers").orElseThrow();
        assertThat(row.format()).isEqualTo(TableFormat.ICEBERG);
        assertThat(row.primaryKey()).containsExactly("id");
        assertThat(catalog.loadTable(TableIdentifier.of("crm", "customers")).properties())
                .containsEntry("write.parquet.compression-codec", "zstd");
        assertThat(
                        ((org.apache.iceberg.BaseTable)
                                        catalog.loadTable(TableIdentifier.of("crm", "customers")))
                                .operations()
                                .current()
                                .formatVersion())
                .isEqualTo(2);
    }

    @Test
    void partitionsByTheTransformsGivenAndKeepsEveryRowOnceAcrossTaskFailures() throws Exception {
        int n = 20_000;
        FailOnce.armed.set(true);
        StreamExecutionEnvironment env = new StreamExecutionEnvironment(conf("fixed-delay"));
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
        var orders =
                env.fromSequence(1, n)
                        .map(new FailOnce(n / 2))
                        .returns(Types.LONG)
                        .map(
                                i ->
                                        Row.of(
                                                i,
                                                "c" + (i % 7),
                                                java.time.LocalDateTime.of(
                                                        2026, 12, 1 + (int) (i % 3), 10, 0)))
                        .returns(
                                Types.ROW_NAMED(
                                        new String[] {"order_id", "customer", "ts"},
                                        Types.LONG,
                                        Types.STRING,
                                        Types.LOCAL_DATE_TIME));
        tEnv.createTemporaryView("source", tEnv.fromDataStream(orders));
        tEnv.executeSql(
                "CREATE TABLE orders (order_id BIGINT, customer STRING, ts TIMESTAMP(3))"
                        + with(
                                "shop",
                                "orders",
                                ", 'partition-by' = 'day(ts), bucket(4, customer)'"));
        tEnv.executeSql("INSERT INTO orders SELECT * FROM source").await(3, TimeUnit.MINUTES);
        assertThat(FailOnce.armed).as("the job failed once mid-stream").isFalse();

        List<String> ids = rows("shop", "orders", "order_id");
        java.util.TreeSet<Long> missing = new java.util.TreeSet<>();
        for (long i = 1; i <= n; i++) {
            missing.add(i);
        }
        ids.forEach(i -> missing.remove(Long.parseLong(i)));
        StringBuilder snaps = new StringBuilder();
        org.apache.iceberg.Table tt = catalog.loadTable(TableIdentifier.of("shop", "orders"));
        for (org.apache.iceberg.Snapshot sn : tt.snapshots()) {
            snaps.append(sn.sequenceNumber()).append(' ').append(sn.summary()).append('\n');
        }
        assertThat(missing)
                .as(
                        "rows lost; first "
                                + (missing.isEmpty() ? 0 : missing.first())
                                + " last "
                                + (missing.isEmpty() ? 0 : missing.last())
                                + " n "
                                + missing.size()
                                + "\n"
                                + snaps)
                .isEmpty();
        assertThat(ids).hasSize(n).doesNotHaveDuplicates();
        org.apache.iceberg.Table t = catalog.loadTable(TableIdentifier.of("shop", "orders"));
        assertThat(t.spec().fields())
                .extracting(f -> f.transform().toString())
                .containsExactly("day", "bucket[4]");
        assertThat(store.table("shop", "orders").orElseThrow().properties())
                .containsEntry("iceberg.total-records", Integer.toString(n));
    }

    @Test
    void keepsEveryRowOnceAcrossTaskFailuresWhileStreamingWithTwoWriters() throws Exception {
        FailOnce.armed.set(true);
        stream("streamed", 20_000, "", committed -> {}, () -> true);
        assertThat(FailOnce.armed).as("the job failed once mid-stream").isFalse();
    }

    @Test
    void keepsEveryRowOnceAcrossAnS3OutageWhileStreaming() throws Exception {
        FailOnce.armed.set(false);
        AtomicBoolean down = new AtomicBoolean();
        stream(
                "outage",
                20_000,
                "",
                committed -> {
                    if (committed > 0 && down.compareAndSet(false, true)) {
                        // writers and the committer lose S3 mid-stream, then get it back
                        SharedServices.s3().outage(java.time.Duration.ofSeconds(2));
                    }
                },
                () -> true);
        assertThat(down).as("S3 went away mid-stream").isTrue();
    }

    /**
     * Streams {@code n} rows (then nothing, never ending) through two writers into {@code table}
     * with the sink {@code options} added, telling {@code progress} the rows committed so far,
     * until all are committed and {@code andThen} holds; then checks each is there once and the
     * table holds more than one snapshot.
     */
    private void stream(
            String table,
            int n,
            String options,
            java.util.function.LongConsumer progress,
            java.util.concurrent.Callable<Boolean> andThen)
            throws Exception {
        Configuration conf = conf("fixed-delay");
        conf.setString("restart-strategy.fixed-delay.attempts", "20");
        conf.setString("restart-strategy.fixed-delay.delay", "500 ms");
        StreamExecutionEnvironment env = new StreamExecutionEnvironment(conf);
        env.setParallelism(2);
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
        // the rows, then a source that never ends: the job streams on, as pipelines do
        var ids =
                env.fromSequence(1, n)
                        .map(new FailOnce(n / 2))
                        .returns(Types.LONG)
                        .union(env.addSource(new Idle()).returns(Types.LONG))
                        .map(i -> Row.of(i, "c" + (i % 5)))
                        .returns(
                                Types.ROW_NAMED(
                                        new String[] {"order_id", "customer"},
                                        Types.LONG,
                                        Types.STRING));
        tEnv.createTemporaryView("source", tEnv.fromDataStream(ids));
        tEnv.executeSql(
                "CREATE TABLE "
                        + table
                        + " (order_id BIGINT, customer STRING)"
                        + with("shop", table, ", 'partition-by' = 'customer'" + options));
        TableResult job = tEnv.executeSql("INSERT INTO " + table + " SELECT * FROM source");
        try {
            java.util.concurrent.atomic.AtomicLong most =
                    new java.util.concurrent.atomic.AtomicLong();
            io.tributary.connectors.JobProgress.awaitUntil(
                    job.getJobClient().orElseThrow(),
                    "all " + n + " rows committed to " + table,
                    () -> {
                        long total = committed(store, table);
                        most.accumulateAndGet(total, Math::max);
                        progress.accept(total);
                        return total >= n && andThen.call();
                    },
                    () -> committed(store, table));
            assertThat(most.get()).as("rows committed").isEqualTo(n);
        } finally {
            job.getJobClient().orElseThrow().cancel().get(1, TimeUnit.MINUTES);
        }
        List<String> rows = rows("shop", table, "order_id");
        assertThat(rows).hasSize(n).doesNotHaveDuplicates();
        assertThat(catalog.loadTable(TableIdentifier.of("shop", table)).snapshots())
                .as("one snapshot per checkpoint with data, from two writers")
                .hasSizeGreaterThan(1);
    }

    @Test
    void compactsSmallFilesAndExpiresSnapshotsWhileStreaming() throws Exception {
        FailOnce.armed.set(false);
        java.util.Set<String> operations = new java.util.HashSet<>();
        java.util.concurrent.atomic.AtomicReference<String> seen =
                new java.util.concurrent.atomic.AtomicReference<>("nothing read yet");
        try {
            compactAndExpire(operations, seen);
        } finally {
            // on a timeout too: what the table looked like last
            System.out.println("compaction test, last seen: " + seen.get());
        }
    }

    private void compactAndExpire(
            java.util.Set<String> operations,
            java.util.concurrent.atomic.AtomicReference<String> seen)
            throws Exception {
        stream(
                "compacted",
                20_000,
                ", 'compaction.interval' = '2 s', 'snapshots.max-age' = '1 s',"
                        + " 'snapshots.retain-last' = '2'",
                committed -> {},
                () -> {
                    org.apache.iceberg.Table t =
                            catalog.loadTable(TableIdentifier.of("shop", "compacted"));
                    t.snapshots().forEach(s -> operations.add(s.operation()));
                    seen.set(
                            "operations "
                                    + operations
                                    + ", files per partition "
                                    + dataFilesPerPartition(t)
                                    + ", snapshots "
                                    + sizeOf(t.snapshots()));
                    // five customers, five partitions: at most two files each once compacted
                    return operations.contains("replace")
                            && dataFilesPerPartition(t).values().stream().allMatch(c -> c <= 2)
                            && sizeOf(t.snapshots()) <= 4;
                });
        org.apache.iceberg.Table t = catalog.loadTable(TableIdentifier.of("shop", "compacted"));
        assertThat(operations).as("compaction committed a rewrite").contains("replace");
        assertThat(dataFilesPerPartition(t))
                .hasSize(5)
                .allSatisfy((partition, files) -> assertThat(files).isLessThanOrEqualTo(2));
        assertThat(sizeOf(t.snapshots())).as("old snapshots expired").isLessThanOrEqualTo(4);
    }

    @Test
    void compactionKeepsTheLatestRowPerKeyOfAnUpsertTable() throws Exception {
        int keys = 2_000;
        Configuration conf = conf("none");
        StreamExecutionEnvironment env = new StreamExecutionEnvironment(conf);
        env.setParallelism(2);
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
        // each key written three times, in order (one source), the last value winning
        var rows =
                env.fromSequence(1, 3L * keys)
                        .setParallelism(1)
                        .map(new FailOnce(-1))
                        .setParallelism(1)
                        .union(env.addSource(new Idle()).returns(Types.LONG))
                        .map(i -> Row.of(i % keys, i))
                        .returns(
                                Types.ROW_NAMED(
                                        new String[] {"id", "version"}, Types.LONG, Types.LONG));
        tEnv.createTemporaryView("source", tEnv.fromDataStream(rows));
        tEnv.executeSql(
                "CREATE TABLE latest (id BIGINT NOT NULL, version BIGINT,"
                        + " PRIMARY KEY (id) NOT ENFORCED)"
                        + with("shop", "latest", ", 'compaction.interval' = '1 s'"));
        TableResult job = tEnv.executeSql("INSERT INTO latest SELECT * FROM source");
        java.util.Set<String> operations = new java.util.HashSet<>();
        List<String> expected = new ArrayList<>();
        for (long k = 0; k < keys; k++) {
            expected.add(k + "|" + (k == 0 ? 3L * keys : 2L * keys + k));
        }
        expected.sort(null);
        try {
            io.tributary.connectors.JobProgress.awaitUntil(
                    job.getJobClient().orElseThrow(),
                    "the last version of each key committed and compacted",
                    () -> {
                        org.apache.iceberg.Table t =
                                catalog.loadTable(TableIdentifier.of("shop", "latest"));
                        t.snapshots().forEach(sn -> operations.add(sn.operation()));
                        return operations.contains("replace")
                                && rows("shop", "latest", "id", "version").equals(expected);
                    });
        } finally {
            job.getJobClient().orElseThrow().cancel().get(1, TimeUnit.MINUTES);
        }
        // read after the last rewrite: still one row per key, the last version
        assertThat(rows("shop", "latest", "id", "version")).isEqualTo(expected);
        // the job's writers, committer and maintenance closed what they opened: the store has
        // this test's connection and the one counting
        assertThat(storeSessions()).as("connections to the catalog store").isEqualTo(2);
    }

    /** Connections open to the embedded store in {@code home}, the one counting included. */
    private int storeSessions() throws java.sql.SQLException {
        try (java.sql.Connection c =
                        java.sql.DriverManager.getConnection(CatalogStores.embeddedUrl(home));
                java.sql.Statement st = c.createStatement();
                java.sql.ResultSet rs =
                        st.executeQuery("SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static int sizeOf(Iterable<?> items) {
        int n = 0;
        for (Object ignored : items) {
            n++;
        }
        return n;
    }

    /** The live data files of each partition of {@code t}. */
    private static Map<String, Integer> dataFilesPerPartition(org.apache.iceberg.Table t)
            throws IOException {
        Map<String, Integer> files = new HashMap<>();
        try (CloseableIterable<org.apache.iceberg.FileScanTask> tasks = t.newScan().planFiles()) {
            for (org.apache.iceberg.FileScanTask task : tasks) {
                files.merge(task.file().partition().toString(), 1, Integer::sum);
            }
        }
        return files;
    }

    /** A source that emits nothing and never ends. */
    static final class Idle
            implements org.apache.flink.streaming.api.functions.source.SourceFunction<Long> {
        private volatile boolean running = true;

        @Override
        public void run(SourceContext<Long> ctx) throws InterruptedException {
            while (running) {
                Thread.sleep(50);
            }
        }

        @Override
        public void cancel() {
            running = false;
        }
    }

    /** Throws once when it sees {@code at}, after which the job restarts from a checkpoint. */
    static final class FailOnce
            implements org.apache.flink.api.common.functions.MapFunction<Long, Long> {
        static final AtomicBoolean armed = new AtomicBoolean();
        private final long at;

        FailOnce(long at) {
            this.at = at;
        }

        @Override
        public Long map(Long value) throws Exception {
            if (value % 250 == 0) {
                Thread.sleep(30); // let checkpoints complete mid-stream
            }
            if (value == at && armed.compareAndSet(true, false)) {
                throw new IllegalStateException("injected failure at " + value);
            }
            return value;
        }
    }

    @Test
    void addsColumnsAndWidensTypesOfAnExistingTable() throws Exception {
        TableEnvironment tEnv = streaming();
        tEnv.executeSql(
                "CREATE TABLE v1 (id INT NOT NULL, qty INT, PRIMARY KEY (id) NOT ENFORCED)"
                        + with("evo", "items", ""));
        tEnv.executeSql("INSERT INTO v1 VALUES (1, 3)").await(2, TimeUnit.MINUTES);
        tEnv.executeSql(
                "CREATE TABLE v2 (id INT NOT NULL, qty BIGINT, note STRING,"
                        + " PRIMARY KEY (id) NOT ENFORCED)"
                        + with("evo", "items", ""));
        tEnv.executeSql("INSERT INTO v2 VALUES (2, 5000000000, 'big')").await(2, TimeUnit.MINUTES);

        assertThat(rows("evo", "items", "id", "qty", "note"))
                .containsExactly("1|3|null", "2|5000000000|big");
        assertThat(catalog.loadTable(TableIdentifier.of("evo", "items")).schema().columns())
                .extracting(NestedField::name)
                .containsExactly("id", "qty", "note");

        tEnv.executeSql(
                "CREATE TABLE v3 (id INT NOT NULL, qty STRING, PRIMARY KEY (id) NOT ENFORCED)"
                        + with("evo", "items", ""));
        assertThatThrownBy(() -> tEnv.executeSql("INSERT INTO v3 VALUES (3, 'x')").await())
                .hasStackTraceContaining("Column 'qty' is string in the pipeline but long");

        tEnv.executeSql(
                "CREATE TABLE v4 (id INT NOT NULL, qty BIGINT, note STRING, extra STRING,"
                        + " PRIMARY KEY (id) NOT ENFORCED)"
                        + with("evo", "items", ", 'sink.schema-evolution' = 'fail'"));
        assertThatThrownBy(() -> tEnv.executeSql("INSERT INTO v4 VALUES (4, 1, 'n', 'e')").await())
                .hasStackTraceContaining("add extra string")
                .hasStackTraceContaining("schema-evolution is fail");
    }

    @Test
    void badPartitionSpecsAreErrorsBeforeTheJobRuns() {
        TableEnvironment tEnv = streaming();
        tEnv.executeSql(
                "CREATE TABLE bad (id INT, ts TIMESTAMP(3))"
                        + with("x", "bad", ", 'partition-by' = 'week(ts)'"));
        assertThatThrownBy(
                        () ->
                                tEnv.executeSql(
                                        "INSERT INTO bad VALUES (1, TIMESTAMP '2026-01-01 00:00:00')"))
                .hasStackTraceContaining("unknown transform 'week'");
        tEnv.executeSql(
                "CREATE TABLE bad2 (id INT, ts TIMESTAMP(3))"
                        + with("x", "bad2", ", 'partition-by' = 'bucket(16, nope)'"));
        assertThatThrownBy(
                        () ->
                                tEnv.executeSql(
                                        "INSERT INTO bad2 VALUES (1, TIMESTAMP '2026-01-01 00:00:00')"))
                .hasStackTraceContaining("no column 'nope'");
    }

    @Test
    void flinksOwnIcebergConnectorReadsTheTableThroughTheRestCatalog() throws Exception {
        TableEnvironment write = streaming();
        write.executeSql(
                "CREATE TABLE sales (id BIGINT NOT NULL, amount DECIMAL(10, 2),"
                        + " PRIMARY KEY (id) NOT ENFORCED)"
                        + with("retail", "sales", ""));
        write.executeSql("INSERT INTO sales VALUES (1, 9.99), (2, 20.00), (3, 0.50)")
                .await(2, TimeUnit.MINUTES);

        try (IcebergRestServer rest =
                IcebergRestServer.start(catalog, "127.0.0.1", 0, null, s3())) {
            TableEnvironment read =
                    TableEnvironment.create(
                            EnvironmentSettings.newInstance()
                                    .inBatchMode()
                                    .withConfiguration(SharedServices.flink().clientConfiguration())
                                    .build());
            read.executeSql(
                    "CREATE CATALOG lake WITH ('type' = 'iceberg', 'catalog-type' = 'rest',"
                            + " 'uri' = '"
                            + rest.url()
                            + "')");
            TableResult r = read.executeSql("SELECT COUNT(*), SUM(amount) FROM lake.retail.sales");
            try (CloseableIterator<Row> it = r.collect()) {
                Row only = it.next();
                assertThat(only.getField(0)).isEqualTo(3L);
                assertThat(only.getField(1).toString()).isEqualTo("30.49");
            }
            TableResult dbs = read.executeSql("SHOW DATABASES IN lake");
            List<String> names = new ArrayList<>();
            try (CloseableIterator<Row> it = dbs.collect()) {
                it.forEachRemaining(row -> names.add(String.valueOf(row.getField(0))));
            }
            assertThat(names).contains("retail");
        }
    }
}
