package io.tributary.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.connectors.cdc.CdcConnection;
import io.tributary.connectors.cdc.CdcSourceBuilder;
import io.tributary.connectors.changes.ChangeRecord;
import io.tributary.embedded.MariaDbService;
import io.tributary.embedded.SharedServices;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code tributary cdc progress} against a capture job running on the embedded Flink: the snapshot
 * rows read per table grow to the table's size next to the database's estimate, then the job shows
 * as streaming and the changes streamed are counted.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CdcProgressITCase {

    private static final int ROWS = 2000;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void showsSnapshotRowsAgainstTheEstimateThenStreamedChanges() throws Exception {
        MariaDbService db = SharedServices.mariadb();
        db.createDatabase("progress_shop");
        try (Connection c = db.connect("progress_shop");
                Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS items");
            s.execute("CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(20))");
            s.execute(
                    "INSERT INTO items SELECT seq, CONCAT('i', seq) FROM seq_1_to_"
                            + ROWS
                            + " ORDER BY seq");
            s.execute("ANALYZE TABLE items");

            Configuration conf = SharedServices.flink().clientConfiguration();
            conf.setString("restart-strategy.type", "none");
            StreamExecutionEnvironment env = new StreamExecutionEnvironment(conf);
            env.setParallelism(1);
            env.fromSource(
                            CdcSourceBuilder.forConnection(
                                            CdcConnection.parse(
                                                    db.jdbcUrl("progress_shop"), null, null))
                                    .tables("progress_shop.items")
                                    .splitSize(500)
                                    .build(),
                            WatermarkStrategy.noWatermarks(),
                            "cdc")
                    // chained to the source: the source emits at this pace (~10 s of snapshot)
                    .map(new Throttle())
                    .sinkTo(new DiscardingSink<>());
            JobClient job = env.executeAsync("cdc-progress");
            String jobId = job.getJobID().toHexString();
            String rest = SharedServices.flink().webUiUrl();
            try {
                List<Long> seen = new ArrayList<>();
                List<Boolean> streamingPartWay = new ArrayList<>();
                await().atMost(Duration.ofMinutes(2))
                        .pollInterval(Duration.ofMillis(300))
                        .until(
                                () -> {
                                    JsonNode t = table(rest, jobId);
                                    if (t != null) {
                                        long read = t.get("read").asLong();
                                        seen.add(read);
                                        if (read > 0 && read < ROWS) {
                                            streamingPartWay.add(t.get("streaming").asBoolean());
                                        }
                                    }
                                    return t != null && t.get("read").asLong() == ROWS;
                                });
                System.out.println("snapshot rows read, as cdc progress showed them: " + seen);
                assertNeverFallsBack(seen);
                assertThat(seen)
                        .as("progress seen part-way through the snapshot")
                        .anyMatch(n -> n > 0 && n < ROWS);
                assertThat(streamingPartWay)
                        .as("not streaming while the snapshot is read")
                        .isNotEmpty()
                        .containsOnly(false);
                JsonNode done = table(rest, jobId);
                assertThat(done.get("estimated").asLong())
                        .as("the database's estimate")
                        .isBetween(ROWS / 2L, ROWS * 2L);
                assertThat(done.get("jobName").asText()).isEqualTo("cdc-progress");

                s.execute("INSERT INTO items VALUES (5001, 'new'), (5002, 'new')");
                s.execute("UPDATE items SET name = 'changed' WHERE id <= 3");
                s.execute("DELETE FROM items WHERE id = 10");
                await().atMost(Duration.ofMinutes(1))
                        .pollInterval(Duration.ofMillis(300))
                        .until(() -> table(rest, jobId).get("streamed").asLong() == 6);
                assertThat(table(rest, jobId).get("streaming").asBoolean())
                        .as("streaming once the changes arrive")
                        .isTrue();

                CliRun text = CliRun.of("cdc", "progress", "--rest", rest);
                System.out.println(text.out());
                assertThat(text.exitCode()).as(text.err()).isZero();
                assertThat(text.out())
                        .contains(
                                "job "
                                        + jobId
                                        + " (cdc-progress): streaming changes (every snapshot"
                                        + " done)")
                        .containsPattern("progress_shop\\.items +2,000 +~[\\d,]+ +\\d+% +6\\b");
            } finally {
                job.cancel().get();
            }
        }
    }

    /**
     * The counter never restarts nor falls back below a figure shown before the previous one. Not
     * strictly sorted: on a MiniCluster (the embedded Flink) the JobManager and the TaskManager
     * share one metric registry, and Flink's REST metric fetcher applies both dumps of it in
     * whichever order they arrive, so one reading can show the earlier dump of the same fetch
     * (seen: ..., 963, 1114, 1113, ...). A figure from an earlier fetch is never shown after a
     * later one: each fetch starts once the previous one is done.
     */
    static void assertNeverFallsBack(List<Long> seen) {
        List<Long> distinct = new ArrayList<>();
        for (Long n : seen) {
            if (distinct.isEmpty() || !distinct.get(distinct.size() - 1).equals(n)) {
                distinct.add(n);
            }
        }
        for (int i = 2; i < distinct.size(); i++) {
            assertThat(distinct.get(i))
                    .as("progress only grows (one step back at most): %s", seen)
                    .isGreaterThanOrEqualTo(distinct.get(i - 2));
        }
    }

    /** The job's row for the table in {@code cdc progress --json}, or null before it shows. */
    private static JsonNode table(String rest, String jobId) throws Exception {
        CliRun run = CliRun.of("cdc", "progress", jobId, "--rest", rest, "--json");
        assertThat(run.exitCode()).as(run.err()).isZero();
        for (JsonNode t : JSON.readTree(run.out())) {
            if (t.get("table").asText().equals("progress_shop.items")) {
                return t;
            }
        }
        return null;
    }

    /** 5 ms per record. */
    static final class Throttle implements MapFunction<ChangeRecord, ChangeRecord> {
        @Override
        public ChangeRecord map(ChangeRecord r) {
            LockSupport.parkNanos(5_000_000L);
            return r;
        }
    }
}
