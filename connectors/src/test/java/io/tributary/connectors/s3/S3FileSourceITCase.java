package io.tributary.connectors.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tributary.connectors.redshift.Warehouse;
import io.tributary.embedded.S3Service;
import io.tributary.embedded.SharedServices;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.functions.ScalarFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code 'connector' = 'tributary-s3'} on the embedded S3 server into the exactly-once warehouse
 * sink in append mode (so a record read twice would be a row twice): files keep landing while the
 * job runs, late ones included, and a job killed mid-stream resumes from its last checkpoint with
 * every row once.
 */
class S3FileSourceITCase {

    private final Warehouse wh = new Warehouse("s3_source");
    private final S3Service s3 = SharedServices.s3();

    @TempDir Path checkpoints;

    /** Rows per file of the restart test. */
    private static final int PER_FILE = 10_000;

    /**
     * The restart test's first job reads through {@link Paced}, chained to the source, so it is
     * killed with files unread however fast the source reads (unpaced, all 20 files were sometimes
     * read before the checkpoint the kill waits for). The resumed job runs the same plan unpaced.
     */
    private static volatile boolean paced;

    /** At most about 10,000 rows a second while {@link #paced}; the value passes unchanged. */
    public static final class Paced extends ScalarFunction {
        private transient long seen;

        public Long eval(Long saleId) {
            if (paced && ++seen % 10 == 0) {
                LockSupport.parkNanos(1_000_000L);
            }
            return saleId;
        }
    }

    private Configuration conf(Optional<String> restoreFrom) {
        Configuration conf = SharedServices.flink().clientConfiguration();
        conf.setString("execution.checkpointing.interval", "300 ms");
        conf.setString(
                "execution.checkpointing.externalized-checkpoint-retention",
                "RETAIN_ON_CANCELLATION");
        conf.setString("state.checkpoints.dir", checkpoints.toUri().toString());
        conf.setString("restart-strategy.type", "none");
        restoreFrom.ifPresent(p -> conf.setString("execution.savepoint.path", p));
        return conf;
    }

    private TableEnvironment tableEnv(Optional<String> restoreFrom) {
        return TableEnvironment.create(
                EnvironmentSettings.newInstance()
                        .inStreamingMode()
                        .withConfiguration(conf(restoreFrom))
                        .build());
    }

    private String source(String bucket, String prefix) {
        return "CREATE TABLE sales (sale_id BIGINT, customer_id INT, amount DECIMAL(10,2)) WITH ("
                + " 'connector' = 'tributary-s3', 'format' = 'json',"
                + " 'path' = 's3://"
                + bucket
                + "/"
                + prefix
                + "',"
                + " 's3.endpoint' = '"
                + s3.endpoint()
                + "', 's3.path-style' = 'true',"
                + " 's3.region' = '"
                + S3Service.REGION
                + "',"
                + " 's3.access-key' = '"
                + S3Service.ACCESS_KEY
                + "',"
                + " 's3.secret-key' = '"
                + S3Service.SECRET_KEY
                + "',"
                + " 'scan.interval' = '200 ms', 'scan.rescan-interval' = '1 s',"
                + " 'scan.clock-skew' = '2 s')";
    }

    private String sink(String table) {
        return "CREATE TABLE loaded (sale_id BIGINT, customer_id INT, amount DECIMAL(10,2)) WITH ("
                + " 'connector' = 'tributary-redshift', 'url' = '"
                + wh.url
                + "',"
                + " 'schema-name' = 'landing', 'table-name' = '"
                + table
                + "',"
                + " 'sink.mode' = 'append')";
    }

    private static void put(S3Client s3, String bucket, String key, int from, int count) {
        StringBuilder b = new StringBuilder();
        for (int i = from; i < from + count; i++) {
            b.append("{\"sale_id\":")
                    .append(i)
                    .append(",\"customer_id\":")
                    .append(i % 50)
                    .append(",\"amount\":")
                    .append(i % 1000)
                    .append(".25}\n");
        }
        s3.putObject(x -> x.bucket(bucket).key(key), RequestBody.fromString(b.toString()));
    }

    @Test
    void filesKeepArrivingLateOnesTooAndEveryRowArrivesOnce() throws Exception {
        String bucket = "source-arrivals";
        s3.createBucket(bucket);
        wh.execute("DROP SCHEMA IF EXISTS landing CASCADE");
        try (S3Client client = s3.client()) {
            put(client, bucket, "sales/dt=2026-11-02/part-0.json", 0, 500);
            TableEnvironment tEnv = tableEnv(Optional.empty());
            tEnv.executeSql(source(bucket, "sales/"));
            tEnv.executeSql(sink("arrivals"));
            TableResult job = tEnv.executeSql("INSERT INTO loaded SELECT * FROM sales");
            JobClient client1 = job.getJobClient().orElseThrow();
            try {
                for (int f = 1; f <= 10; f++) {
                    put(client, bucket, "sales/dt=2026-11-02/part-" + f + ".json", f * 500, 500);
                    Thread.sleep(150);
                }
                // a late file: its key sorts before everything read so far
                put(client, bucket, "sales/dt=2026-11-01/late.json", 100_000, 300);
                await().ignoreExceptions()
                        .atMost(Duration.ofSeconds(60))
                        .until(() -> wh.count("SELECT count(*) FROM landing.arrivals") >= 5_800);
                Thread.sleep(1500); // anything extra would land by now
            } finally {
                client1.cancel().get();
            }
        }
        assertThat(wh.count("SELECT count(*) FROM landing.arrivals")).isEqualTo(5_800);
        assertThat(wh.count("SELECT count(DISTINCT sale_id) FROM landing.arrivals"))
                .isEqualTo(5_800);
        assertThat(wh.count("SELECT count(*) FROM landing.arrivals WHERE sale_id >= 100000"))
                .isEqualTo(300);
    }

    @Test
    void killedMidStreamAndResumedFromTheLastCheckpointLosesAndDoublesNothing() throws Exception {
        String bucket = "source-restart";
        s3.createBucket(bucket);
        wh.execute("DROP SCHEMA IF EXISTS landing CASCADE");
        try (S3Client client = s3.client()) {
            for (int f = 0; f < 20; f++) {
                put(
                        client,
                        bucket,
                        "sales/part-" + String.format("%03d", f) + ".json",
                        f * PER_FILE,
                        PER_FILE);
            }
            paced = true;
            TableEnvironment first = tableEnv(Optional.empty());
            first.executeSql(source(bucket, "sales/"));
            first.executeSql(sink("restarted"));
            first.createTemporarySystemFunction("paced", Paced.class);
            JobClient job =
                    first.executeSql(
                                    "INSERT INTO loaded"
                                            + " SELECT paced(sale_id), customer_id, amount FROM sales")
                            .getJobClient()
                            .orElseThrow();
            String jobId = job.getJobID().toHexString();
            // kill once part of the data is in and a checkpoint is retained
            await().ignoreExceptions()
                    .atMost(Duration.ofSeconds(60))
                    .until(
                            () ->
                                    wh.count("SELECT count(*) FROM landing.restarted") >= 4_000
                                            && latestCheckpoint(jobId).isPresent());
            job.cancel().get();
            long before = wh.count("SELECT count(*) FROM landing.restarted");
            // more files land while the job is down
            for (int f = 20; f < 25; f++) {
                put(
                        client,
                        bucket,
                        "sales/part-" + String.format("%03d", f) + ".json",
                        f * PER_FILE,
                        PER_FILE);
            }
            String restoreFrom = latestCheckpoint(jobId).orElseThrow();
            // the bookmark the job resumes from, as `tributary bookmark show` reads it
            SourceBookmarks.Bookmark bookmark = SourceBookmarks.read(checkpoints.resolve(jobId));
            System.out.println("source restart: bookmark " + bookmark);
            assertThat(bookmark.sources()).hasSize(1);
            assertThat(bookmark.sources().get(0).discovery().highKey()).isEqualTo("part-019.json");
            long unread =
                    bookmark.sources().get(0).discovery().pending().size()
                            + bookmark.sources().get(0).inProgress().size();
            assertThat(unread).as("files not finished at the checkpoint").isPositive();
            System.out.println(
                    "source restart: killed after "
                            + before
                            + " rows; resuming from "
                            + restoreFrom);
            paced = false;
            TableEnvironment second = tableEnv(Optional.of(restoreFrom));
            second.executeSql(source(bucket, "sales/"));
            second.executeSql(sink("restarted"));
            second.createTemporarySystemFunction("paced", Paced.class);
            JobClient resumed =
                    second.executeSql(
                                    "INSERT INTO loaded"
                                            + " SELECT paced(sale_id), customer_id, amount FROM sales")
                            .getJobClient()
                            .orElseThrow();
            try {
                await().ignoreExceptions()
                        .atMost(Duration.ofSeconds(90))
                        .until(
                                () ->
                                        wh.count("SELECT count(*) FROM landing.restarted")
                                                >= 25 * PER_FILE);
                Thread.sleep(1500);
            } finally {
                resumed.cancel().get();
            }
        }
        assertThat(wh.count("SELECT count(*) FROM landing.restarted")).isEqualTo(25 * PER_FILE);
        assertThat(wh.count("SELECT count(DISTINCT sale_id) FROM landing.restarted"))
                .isEqualTo(25 * PER_FILE);
        assertThat(wh.count("SELECT min(sale_id) + max(sale_id) FROM landing.restarted"))
                .isEqualTo(25 * PER_FILE - 1);
    }

    private Optional<String> latestCheckpoint(String jobId) throws Exception {
        return SourceBookmarks.latest(checkpoints.resolve(jobId))
                .map(r -> r.dir().toUri().toString());
    }
}
