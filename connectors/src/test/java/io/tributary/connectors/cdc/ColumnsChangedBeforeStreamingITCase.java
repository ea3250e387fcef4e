package io.tributary.connectors.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.connectors.changes.ChangeOp;
import io.tributary.connectors.changes.ChangeRecord;
import io.tributary.embedded.MariaDbService;
import io.tributary.embedded.SharedServices;
import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.util.ExceptionUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A column added to a MariaDB table after its snapshot was read but before the capture streams (the
 * window in which Flink CDC 3.5 cannot decode the earlier row changes): the job fails once, naming
 * the cause and the way out, instead of restarting into Debezium's "Data row is smaller than a
 * column index" until its restart attempts run out.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ColumnsChangedBeforeStreamingITCase {

    /** Snapshot rows past the throttle, in this JVM (the embedded Flink runs here). */
    static final AtomicLong EMITTED = new AtomicLong();

    @Test
    void aColumnAddedBetweenTheSnapshotAndStreamingFailsTheJobOnceWithTheWayOut() throws Exception {
        MariaDbService db = SharedServices.mariadb();
        db.createDatabase("gap_shop");
        try (Connection c = db.connect("gap_shop");
                Statement s = c.createStatement()) {
            CustomersTable.create(s);
            CustomersTable.addMariaDbRows(s, 1200);
            EMITTED.set(0);
            Configuration conf = SharedServices.flink().clientConfiguration();
            conf.setString("execution.checkpointing.interval", "300 ms");
            conf.setString("restart-strategy.type", "fixed-delay");
            conf.setString("restart-strategy.fixed-delay.attempts", "3");
            conf.setString("restart-strategy.fixed-delay.delay", "500 ms");
            StreamExecutionEnvironment env = new StreamExecutionEnvironment(conf);
            env.setParallelism(1);
            env.fromSource(
                            CdcSourceBuilder.forConnection(
                                            CdcConnection.parse(db.jdbcUrl("gap_shop"), null, null))
                                    .tables("gap_shop.customers")
                                    .build(),
                            WatermarkStrategy.noWatermarks(),
                            "cdc")
                    // chained: the snapshot's rows leave the source at 4 ms each (~5 s), and the
                    // binlog is read only after the last of them
                    .map(new Throttle())
                    .sinkTo(new DiscardingSink<>());
            JobClient job = env.executeAsync("columns-changed-before-streaming");
            changeColumnsInTheWindowThenExpectTheWayOut(s, job, EMITTED, "gap_shop.customers");
        }
    }

    /**
     * Once the first of the 1,194 snapshot rows is past the throttle (the snapshot split's SELECT
     * and high watermark are done), an update and a new column: after the snapshot, before
     * streaming. The job then fails once, without restarts, naming the table and the way out, after
     * emitting the whole snapshot.
     */
    static void changeColumnsInTheWindowThenExpectTheWayOut(
            Statement s, JobClient job, AtomicLong emitted, String table) throws Exception {
        try {
            expectTheWayOut(s, job, emitted, table);
        } finally {
            // a failed expectation leaves no job behind to hold the shared cluster's slots
            if (!job.getJobStatus().get().isGloballyTerminalState()) {
                job.cancel().get(1, TimeUnit.MINUTES);
            }
        }
    }

    private static void expectTheWayOut(
            Statement s, JobClient job, AtomicLong emitted, String table) throws Exception {
        // on the job's progress: a busy cluster is slow to start it, a stuck one is reported
        io.tributary.connectors.JobProgress.awaitUntil(
                job, "the first snapshot row past the throttle", () -> emitted.get() > 0);
        s.execute("UPDATE customers SET name = 'Ada L.' WHERE id = 1");
        s.execute("ALTER TABLE customers ADD COLUMN vip BOOLEAN");
        assertThat(emitted.get()).as("still in the snapshot").isLessThan(1194);

        Throwable failure = null;
        try {
            job.getJobExecutionResult().get(2, TimeUnit.MINUTES);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError(
                    "the job did not fail in 2 minutes: "
                            + io.tributary.connectors.JobProgress.report(job),
                    e);
        } catch (java.util.concurrent.ExecutionException e) {
            failure = e;
        }
        assertThat(failure)
                .as("the job failed")
                .isNotNull()
                .satisfies(
                        e -> {
                            assertThat(
                                            ExceptionUtils.findThrowable(
                                                    e, SuppressRestartsException.class))
                                    .as("not restarted into the same failure")
                                    .isPresent();
                            ColumnsChangedBeforeStreaming why =
                                    ExceptionUtils.findThrowable(
                                                    e, ColumnsChangedBeforeStreaming.class)
                                            .orElseThrow(() -> new AssertionError(e));
                            System.out.println(why.getMessage());
                            assertThat(why.getMessage())
                                    .contains(table)
                                    .contains(
                                            "changed after the binlog position this capture reads from")
                                    .contains("Data row is smaller than a column index")
                                    .contains("start the capture again from a new snapshot");
                        });
        assertThat(emitted.get()).as("the whole snapshot was emitted").isEqualTo(1194);
    }

    /** 4 ms per record; snapshot rows counted. */
    static final class Throttle implements MapFunction<ChangeRecord, ChangeRecord> {
        @Override
        public ChangeRecord map(ChangeRecord r) {
            if (r.op() == ChangeOp.READ) {
                EMITTED.incrementAndGet();
            }
            LockSupport.parkNanos(4_000_000L);
            return r;
        }
    }
}
