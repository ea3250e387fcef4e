package io.tributary.connectors.lake;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.catalog.iceberg.IcebergRestServer;
import io.tributary.catalog.iceberg.IcebergStorage;
import io.tributary.catalog.iceberg.TributaryIcebergCatalog;
import io.tributary.catalog.store.CatalogStore;
import io.tributary.catalog.store.CatalogStores;
import io.tributary.embedded.S3Service;
import io.tributary.embedded.SharedServices;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Apache Spark 3.5, with Iceberg's Spark runtime, in a JVM of its own: it connects to Tributary's
 * Iceberg REST endpoint as a Spark user configures it, lists the namespaces, and reads a lake table
 * while a Tributary job keeps committing to it, seeing the new snapshots; after the job it counts
 * every row once.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class SparkReadsTheLakeITCase {

    @TempDir Path home;

    String bucket;
    CatalogStore store;
    TributaryIcebergCatalog catalog;

    @BeforeEach
    void open() {
        bucket = "spark-" + UUID.randomUUID().toString().substring(0, 8);
        SharedServices.s3().createBucket(bucket);
        store = CatalogStores.embedded(home);
        catalog = new TributaryIcebergCatalog(store);
        Map<String, String> props = new HashMap<>(LakeSinkITCase.s3());
        props.put("warehouse", "s3://" + bucket + "/warehouse");
        catalog.initialize("tributary", props);
    }

    @AfterEach
    void close() {
        catalog.close();
        store.close();
    }

    /** Spark's output rows: what {@code SparkQueries} printed after {@code ROW}. */
    static List<String> spark(String uri, Path log, String... args)
            throws IOException, InterruptedException {
        Path classpath =
                io.tributary.embedded.SparkClient.classpath(
                        Path.of("").toAbsolutePath().getParent());
        if (!Files.isRegularFile(classpath)) {
            throw new IllegalStateException(
                    "No Spark client built: run ./mvnw -pl spark-client package first ("
                            + classpath
                            + ")");
        }
        List<String> cmd =
                io.tributary.embedded.SparkClient.command(
                        Path.of("").toAbsolutePath().getParent(), uri, List.of(args));
        Process p =
                new ProcessBuilder(cmd)
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
        if (!p.waitFor(4, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("Spark did not finish; its log:\n" + tail(log));
        }
        String out = Files.readString(log);
        if (p.exitValue() != 0) {
            throw new AssertionError("Spark exited " + p.exitValue() + "; its log:\n" + tail(log));
        }
        List<String> rows = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (line.startsWith("ROW\t")) {
                rows.add(line.substring(4));
            }
        }
        return rows;
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }

    @Test
    void sparkListsTheNamespacesAndSeesNewSnapshotsWhileAJobCommits() throws Exception {
        int n = 10_000;
        Configuration conf = SharedServices.flink().clientConfiguration();
        conf.setString("execution.checkpointing.interval", "1 s");
        StreamExecutionEnvironment env = new StreamExecutionEnvironment(conf);
        env.setParallelism(1);
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
        var rows =
                env.fromSequence(1, n)
                        .map(
                                i -> {
                                    if (i % 25 == 0) {
                                        Thread.sleep(100); // about 40 s of commits
                                    }
                                    return i;
                                })
                        .returns(Types.LONG)
                        .union(env.addSource(new LakeSinkITCase.Idle()).returns(Types.LONG))
                        .map(i -> Row.of(i, "c" + (i % 3)))
                        .returns(
                                Types.ROW_NAMED(
                                        new String[] {"order_id", "customer"},
                                        Types.LONG,
                                        Types.STRING));
        tEnv.createTemporaryView("source", tEnv.fromDataStream(rows));
        S3Service s3 = SharedServices.s3();
        tEnv.executeSql(
                "CREATE TABLE watched (order_id BIGINT, customer STRING) WITH ("
                        + "'connector' = 'tributary-lake', 'catalog.store' = '"
                        + home
                        + "', 'warehouse' = 's3://"
                        + bucket
                        + "/warehouse', 'database' = 'shop', 'table' = 'watched',"
                        + " 's3.endpoint' = '"
                        + s3.endpoint()
                        + "', 's3.path-style' = 'true', 's3.access-key' = '"
                        + S3Service.ACCESS_KEY
                        + "', 's3.secret-key' = '"
                        + S3Service.SECRET_KEY
                        + "')");
        TableResult job = tEnv.executeSql("INSERT INTO watched SELECT * FROM source");
        try (IcebergRestServer rest =
                IcebergRestServer.start(
                        catalog,
                        "127.0.0.1",
                        0,
                        null,
                        IcebergStorage.forOtherEngines(LakeSinkITCase.s3()))) {
            // Spark reads while the job commits
            List<String> seen =
                    spark(
                            rest.url(),
                            home.resolve("spark-watch.log"),
                            "--repeat",
                            "30",
                            "SELECT count(*) FROM lake.shop.watched");
            List<Long> counts = seen.stream().map(Long::parseLong).toList();
            assertThat(counts).as("Spark's counts, one per read").hasSize(30).isSorted();
            assertThat(counts.stream().distinct().filter(c -> c > 0).count())
                    .as("new snapshots seen by Spark while the job commits: " + counts)
                    .isGreaterThan(1);

            io.tributary.connectors.JobProgress.awaitUntil(
                    job.getJobClient().orElseThrow(),
                    "all " + n + " rows committed",
                    () -> LakeSinkITCase.committed(store, "watched") == n);
            job.getJobClient().orElseThrow().cancel().get(1, TimeUnit.MINUTES);

            List<String> after =
                    spark(
                            rest.url(),
                            home.resolve("spark-after.log"),
                            "SHOW NAMESPACES IN lake",
                            "SELECT count(*), count(DISTINCT order_id), min(order_id),"
                                    + " max(order_id) FROM lake.shop.watched");
            assertThat(after).contains("shop").contains("10000\t10000\t1\t10000");
        } finally {
            job.getJobClient().ifPresent(c -> c.cancel());
        }
    }
}
