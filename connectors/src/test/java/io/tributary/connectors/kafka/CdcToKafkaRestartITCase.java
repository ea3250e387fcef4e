package io.tributary.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.connectors.cdc.CdcConnection;
import io.tributary.connectors.cdc.CdcSourceBuilder;
import io.tributary.connectors.changes.ChangeOp;
import io.tributary.connectors.changes.ChangeRecord;
import io.tributary.connectors.s3.SourceBookmarks;
import io.tributary.embedded.MariaDbService;
import io.tributary.embedded.SharedServices;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * MariaDB → CDC → Kafka (exactly-once) through a task failure in the middle of the snapshot and a
 * kill of the whole job in the middle of streaming, with rows changing while the job is down: a
 * read_committed consumer sees every snapshot row, insert and update exactly once.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class CdcToKafkaRestartITCase {

    private static final int ROWS = 3000;
    private static final String TOPIC = "eo.eo_shop.orders";
    private static final int MARKER = 1_000_000;

    @TempDir Path checkpoints;

    @Test
    void snapshotFailureAndStreamingKillLoseAndDoubleNothing() throws Exception {
        MariaDbService db = SharedServices.mariadb();
        db.createDatabase("eo_shop");
        SharedServices.kafka().createTopic(TOPIC, 1);
        try (Connection c = db.connect("eo_shop");
                Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS orders");
            s.execute("CREATE TABLE orders (id INT PRIMARY KEY, qty INT NOT NULL)");
            s.execute(
                    "INSERT INTO orders SELECT seq, seq % 7 FROM seq_1_to_"
                            + ROWS
                            + " ORDER BY seq");

            // 1. snapshot, failing a task once half-way, after a checkpoint completed
            Failures.reset(1000);
            Failures.failAt.set(ROWS / 2);
            JobClient first = start(db, Optional.empty());
            String jobId = first.getJobID().toHexString();
            TopicReader.awaitCommitted(TOPIC, ROWS);
            assertThat(Failures.injected)
                    .as("op of the record the task failed on")
                    .containsExactly("r");

            // 2. streaming: a writer changes rows one statement at a time; the job is killed
            //    while it is still writing, so changes are in flight (read, not yet committed)
            Failures.throttleMicros = 0;
            Thread writer = new Thread(() -> changeRowsSlowly(db), "row-writer");
            writer.start();
            TopicReader.awaitCommitted(TOPIC, ROWS + 200);
            boolean writerStillWriting = writer.isAlive();
            first.cancel().get();
            int committedAtKill = TopicReader.awaitCommitted(TOPIC, ROWS).size();
            System.out.println(
                    "cdc restart: " + committedAtKill + " records committed at the kill");
            assertThat(writerStillWriting)
                    .as("the writer was still changing rows when the job was killed")
                    .isTrue();
            assertThat(committedAtKill).as("killed mid-stream").isBetween(ROWS + 200, ROWS + 999);

            // 3. the writer goes on while the job is down; then it resumes from its checkpoint
            writer.join(TimeUnit.MINUTES.toMillis(2));
            assertThat(writerFailure).as("writer").isNull();
            s.execute("INSERT INTO orders VALUES (" + MARKER + ", 0)");
            String restoreFrom = latestCheckpoint(jobId).orElseThrow();
            System.out.println("cdc restart: resuming from " + restoreFrom);
            Failures.throttleMicros = 0;
            JobClient second = start(db, Optional.of(restoreFrom));
            List<ConsumerRecord<byte[], byte[]>> all;
            try {
                all = TopicReader.awaitCommitted(TOPIC, ROWS + 1001);
            } finally {
                second.cancel().get();
            }

            // every key: one snapshot read; ids 1..500 one update (+100); 3001..3500 one insert
            Map<String, List<Integer>> byOp = TopicReader.idsByOp(all);
            ObjectMapper json = new ObjectMapper();
            for (ConsumerRecord<byte[], byte[]> r : all) {
                JsonNode e = json.readTree(r.value());
                if (e.get("op").asText().equals("u")) {
                    assertThat(e.get("after").get("qty").asInt())
                            .isEqualTo(e.get("before").get("qty").asInt() + 100);
                }
            }
            System.out.println(
                    "cdc restart: "
                            + all.size()
                            + " records on "
                            + TOPIC
                            + " after 1 task failure and 1 kill");
            assertThat(all).hasSize(ROWS + 1001);
            assertThat(byOp.get("r")).isEqualTo(TopicReader.range(1, ROWS));
            assertThat(byOp.get("u")).isEqualTo(TopicReader.range(1, 500));
            List<Integer> inserts = TopicReader.range(3001, 3500);
            inserts.add(MARKER);
            assertThat(byOp.get("c")).isEqualTo(inserts);
            assertThat(byOp).containsOnlyKeys("r", "u", "c");
        }
    }

    private static volatile Throwable writerFailure;

    /** Ids 1..500 each updated once (+100) and ids 3001..3500 inserted, ~10 ms apart. */
    private static void changeRowsSlowly(MariaDbService db) {
        try (Connection c = db.connect("eo_shop");
                Statement w = c.createStatement()) {
            for (int i = 1; i <= 500; i++) {
                w.execute("UPDATE orders SET qty = qty + 100 WHERE id = " + i);
                w.execute("INSERT INTO orders VALUES (" + (ROWS + i) + ", 1)");
                Thread.sleep(10);
            }
        } catch (Throwable t) {
            writerFailure = t;
        }
    }

    private JobClient start(MariaDbService db, Optional<String> restoreFrom) throws Exception {
        Configuration conf = SharedServices.flink().clientConfiguration();
        conf.setString("execution.checkpointing.interval", "300 ms");
        conf.setString(
                "execution.checkpointing.externalized-checkpoint-retention",
                "RETAIN_ON_CANCELLATION");
        conf.setString("state.checkpoints.dir", checkpoints.toUri().toString());
        conf.setString("restart-strategy.type", "fixed-delay");
        conf.setString("restart-strategy.fixed-delay.attempts", "3");
        conf.setString("restart-strategy.fixed-delay.delay", "200 ms");
        restoreFrom.ifPresent(p -> conf.setString("execution.savepoint.path", p));
        StreamExecutionEnvironment env = new StreamExecutionEnvironment(conf);
        env.setParallelism(1);
        env.fromSource(
                        CdcSourceBuilder.forConnection(
                                        CdcConnection.parse(db.jdbcUrl("eo_shop"), null, null))
                                .tables("eo_shop.orders")
                                .splitSize(200)
                                .build(),
                        WatermarkStrategy.noWatermarks(),
                        "cdc")
                .uid("cdc")
                .map(new Failures())
                .uid("failures")
                .sinkTo(
                        KafkaChanges.sink(SharedServices.kafka().bootstrapServers())
                                .topicPrefix("eo")
                                .json()
                                .build())
                .uid("kafka");
        return env.executeAsync("cdc-to-kafka-restart");
    }

    private Optional<String> latestCheckpoint(String jobId) throws Exception {
        return SourceBookmarks.latest(checkpoints.resolve(jobId))
                .map(r -> r.dir().toUri().toString());
    }

    /**
     * Passes change records through at a throttled pace and fails the task once at a chosen record
     * after a checkpoint completed. Static: the MiniCluster runs in this JVM.
     */
    static final class Failures
            implements MapFunction<ChangeRecord, ChangeRecord>, CheckpointListener {
        static final AtomicInteger seen = new AtomicInteger();
        static final AtomicInteger failAt = new AtomicInteger(Integer.MAX_VALUE);
        static final AtomicLong checkpoints = new AtomicLong();
        static final List<String> injected = Collections.synchronizedList(new ArrayList<>());
        static volatile int throttleMicros;

        static void reset(int micros) {
            seen.set(0);
            failAt.set(Integer.MAX_VALUE);
            checkpoints.set(0);
            injected.clear();
            throttleMicros = micros;
        }

        @Override
        public ChangeRecord map(ChangeRecord r) {
            if (r.op() == ChangeOp.SCHEMA) {
                return r;
            }
            if (throttleMicros > 0) {
                LockSupport.parkNanos(throttleMicros * 1000L);
            }
            int n = seen.incrementAndGet();
            int at = failAt.get();
            if (n >= at && checkpoints.get() > 0 && failAt.compareAndSet(at, Integer.MAX_VALUE)) {
                injected.add(r.op().code());
                throw new IllegalStateException("injected failure at record " + n);
            }
            return r;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            checkpoints.incrementAndGet();
        }
    }
}
