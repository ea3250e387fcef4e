package io.tributary.connectors.redshift;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.embedded.SharedServices;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.apache.flink.table.types.logical.BigIntType;
import org.apache.flink.table.types.logical.IntType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.VarCharType;
import org.apache.flink.types.RowKind;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The exactly-once claim under faults: a change stream (upserts and deletes over a key space)
 * through the sink while tasks fail at random points and PostgreSQL itself restarts. The target has
 * no primary key (like Redshift, which does not enforce one), so a doubled row would show.
 */
class RedshiftSinkFaultsITCase {

    static final int CHANGES = 60_000;
    static final int KEYS = 2_000;
    static final int FAILURES = 10;
    static final RowType ROW =
            RowType.of(
                    new LogicalType[] {
                        new IntType(false),
                        new BigIntType(),
                        new VarCharType(VarCharType.MAX_LENGTH)
                    },
                    new String[] {"k", "v", "note"});

    /** Change number i: a delete of key i % KEYS every 11th change, an upsert otherwise. */
    static RowData change(long i) {
        int k = (int) (i % KEYS);
        if (i % 11 == 5) {
            return GenericRowData.ofKind(RowKind.DELETE, k, null, null);
        }
        return GenericRowData.of(k, i, StringData.fromString("n'\"," + i));
    }

    /** What the target must hold, computed without Flink or the sink. */
    static List<String> expected() {
        Map<Integer, Long> state = new TreeMap<>();
        for (long i = 0; i < CHANGES; i++) {
            int k = (int) (i % KEYS);
            if (i % 11 == 5) {
                state.remove(k);
            } else {
                state.put(k, i);
            }
        }
        List<String> rows = new ArrayList<>();
        state.forEach((k, v) -> rows.add(k + "|" + v + "|n'\"," + v));
        return rows;
    }

    /** Throttles the stream and fails the task at a random record of each attempt, 10 times. */
    static final class FailingChanges extends RichMapFunction<Long, RowData> {
        static final AtomicInteger INJECTED = new AtomicInteger();
        private final long seed;
        private transient long seen;
        private transient long failAt;

        FailingChanges(long seed) {
            this.seed = seed;
        }

        @Override
        public void open(OpenContext context) {
            int attempt = getRuntimeContext().getTaskInfo().getAttemptNumber();
            failAt = 1_500 + new Random(seed * 31 + attempt).nextInt(6_000);
            seen = 0;
        }

        @Override
        public RowData map(Long i) throws Exception {
            if (++seen % 20 == 0) {
                Thread.sleep(1);
            }
            if (seen == failAt && INJECTED.get() < FAILURES) {
                throw new IllegalStateException(
                        "injected failure #" + INJECTED.incrementAndGet() + " at change " + i);
            }
            return change(i);
        }
    }

    @TempDir java.nio.file.Path stagingDir;

    /** Staging in the database (default), or as files the commit COPYs into a temporary table. */
    private RedshiftSinkBuilder staged(RedshiftSinkBuilder builder, String staging) {
        return staging.equals("files")
                ? builder.option(
                        RedshiftConnectorOptions.STAGING_PATH, stagingDir.toUri().toString())
                : builder;
    }

    /**
     * Staged in a table, into a target without a key (the delete of every staged key, then the
     * insert: a duplicate would be visible); staged as files, into a target with its primary key
     * (one {@code INSERT ... ON CONFLICT}: a checkpoint applied twice, or out of order, would leave
     * an older value).
     */
    @ParameterizedTest(name = "staged as {0}, primary key on the target: {1}")
    @CsvSource({"table, false", "files, true"})
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void survivesTenTaskFailuresAndAWarehouseRestartWithoutLossOrDuplicates(
            String staging, boolean primaryKey) throws Exception {
        long seed = Long.getLong("tributary.fault.seed", System.nanoTime() % 100_000);
        System.out.println(
                "fault seed " + seed + " (rerun with -Dtributary.fault.seed=" + seed + ")");
        Warehouse wh = new Warehouse("sink_faults");
        wh.execute(
                "CREATE SCHEMA IF NOT EXISTS faults",
                "DROP TABLE IF EXISTS faults.events",
                "CREATE TABLE faults.events (k integer NOT NULL, v bigint, note text"
                        + (primaryKey ? ", PRIMARY KEY (k))" : ")"));
        FailingChanges.INJECTED.set(0);

        StreamExecutionEnvironment env = restartingEnvironment(300);
        RedshiftSink sink =
                staged(
                                RedshiftSink.builder()
                                        .url(wh.url)
                                        .table("faults", "events")
                                        .rowType(ROW)
                                        .keys(List.of("k")),
                                staging)
                        .build();
        env.fromSequence(0, CHANGES - 1)
                .setParallelism(1)
                .map(new FailingChanges(seed))
                .returns(InternalTypeInfo.of(ROW))
                .setParallelism(1)
                .sinkTo(sink)
                .setParallelism(2);
        JobClient job = env.executeAsync("sink-faults");

        // restart the warehouse once rows have been committed and the stream is still running
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (committedCheckpoints(wh) < 3) {
            assertThat(job.getJobExecutionResult().isDone())
                    .as("job ended before the restart")
                    .isFalse();
            assertThat(System.nanoTime()).isLessThan(deadline);
            Thread.sleep(50);
        }
        wh.pg.restart(Duration.ofSeconds(2));

        job.getJobExecutionResult().get(4, TimeUnit.MINUTES);

        List<String> actual = wh.rows("SELECT k, v, note FROM faults.events ORDER BY k");
        List<String> expected = expected();
        assertThat(FailingChanges.INJECTED.get()).isEqualTo(FAILURES);
        assertThat(actual).hasSameSizeAs(expected);
        assertThat(wh.count("SELECT count(*) - count(DISTINCT k) FROM faults.events"))
                .as("duplicated keys")
                .isZero();
        assertThat(actual).containsExactlyElementsOf(expected);
        assertThat(wh.count("SELECT count(*) FROM pg_tables WHERE tablename LIKE 'tstg%'"))
                .as("staging tables left behind")
                .isZero();
        try (var left = java.nio.file.Files.walk(stagingDir)) {
            assertThat(left.filter(java.nio.file.Files::isRegularFile))
                    .as("staged files left behind")
                    .isEmpty();
        }
        System.out.printf(
                "reliability: warehouse sink (staged as %s, %s): %d task failures injected + 1"
                        + " PostgreSQL restart; %d changes, %d rows compared, 0 lost, 0 duplicated%n",
                staging,
                primaryKey ? "INSERT ... ON CONFLICT" : "no key: DELETE + INSERT",
                FailingChanges.INJECTED.get(),
                CHANGES,
                actual.size());
    }

    /** Insert-only: every event once. Here a replayed batch would double rows. */
    static final class FailingEvents extends RichMapFunction<Long, RowData> {
        private final FailingChanges failures;

        FailingEvents(long seed) {
            this.failures = new FailingChanges(seed);
        }

        @Override
        public void open(OpenContext context) {
            failures.setRuntimeContext(getRuntimeContext());
            failures.open(context);
        }

        @Override
        public RowData map(Long i) throws Exception {
            failures.map(i);
            return GenericRowData.of((int) (i % KEYS), i, StringData.fromString("e" + i));
        }
    }

    @ParameterizedTest(name = "staged as {0}")
    @ValueSource(strings = {"table", "files"})
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void appendModeWritesEveryEventOnceAcrossTenTaskFailures(String staging) throws Exception {
        long seed = Long.getLong("tributary.fault.seed", System.nanoTime() % 100_000);
        System.out.println(
                "fault seed " + seed + " (rerun with -Dtributary.fault.seed=" + seed + ")");
        Warehouse wh = new Warehouse("sink_faults");
        wh.execute("CREATE SCHEMA IF NOT EXISTS faults", "DROP TABLE IF EXISTS faults.appended");
        FailingChanges.INJECTED.set(0);

        StreamExecutionEnvironment env = restartingEnvironment(200);
        env.fromSequence(0, CHANGES - 1)
                .setParallelism(1)
                .map(new FailingEvents(seed))
                .returns(InternalTypeInfo.of(ROW))
                .setParallelism(1)
                .sinkTo(
                        staged(
                                        RedshiftSink.builder()
                                                .url(wh.url)
                                                .table("faults", "appended")
                                                .rowType(ROW),
                                        staging)
                                .build())
                .setParallelism(2);
        env.executeAsync("sink-faults-append").getJobExecutionResult().get(4, TimeUnit.MINUTES);

        assertThat(FailingChanges.INJECTED.get()).isEqualTo(FAILURES);
        assertThat(wh.count("SELECT count(*) FROM faults.appended")).isEqualTo(CHANGES);
        assertThat(wh.count("SELECT count(DISTINCT v) FROM faults.appended")).isEqualTo(CHANGES);
        assertThat(wh.count("SELECT min(v) FROM faults.appended")).isZero();
        assertThat(wh.count("SELECT max(v) FROM faults.appended")).isEqualTo(CHANGES - 1);
        System.out.printf(
                "reliability: warehouse sink (append, staged as %s): %d task failures injected; %d"
                        + " events, each exactly"
                        + " once%n",
                staging, FailingChanges.INJECTED.get(), CHANGES);
    }

    /** Checkpoints every 150 ms; restarts (up to 200 times) {@code delayMs} after a failure. */
    private static StreamExecutionEnvironment restartingEnvironment(int delayMs) {
        Configuration conf = SharedServices.flink().clientConfiguration();
        conf.setString("execution.checkpointing.interval", "150 ms");
        conf.setString("restart-strategy.type", "fixed-delay");
        conf.setString("restart-strategy.fixed-delay.attempts", "200");
        conf.setString("restart-strategy.fixed-delay.delay", delayMs + " ms");
        return new StreamExecutionEnvironment(conf);
    }

    private static long committedCheckpoints(Warehouse wh) {
        try {
            return wh.count(
                    "SELECT coalesce(max(checkpoint_id), 0) FROM faults.tributary_sink_bookmarks");
        } catch (Exception e) {
            return 0; // bookmark table not created yet
        }
    }
}
