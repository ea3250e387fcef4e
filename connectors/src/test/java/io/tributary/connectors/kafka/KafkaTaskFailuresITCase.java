package io.tributary.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tributary.connectors.cdc.FailingChanges;
import io.tributary.connectors.cdc.OrdersWriter;
import io.tributary.connectors.redshift.Warehouse;
import io.tributary.embedded.MariaDbService;
import io.tributary.embedded.SharedServices;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.functions.FunctionContext;
import org.apache.flink.table.functions.ScalarFunction;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Ten task failures at random records in each of the two Kafka jobs: MariaDB → CDC → Kafka
 * (exactly-once) and the topic (read_committed) → the warehouse. Rows change from the moment the
 * snapshot is on the topic until both jobs have failed ten times; each failure restarts its job
 * from its last checkpoint. Afterwards the topic holds the snapshot and every change once (counted
 * by key and op against what the writer did) and the warehouse equals the MariaDB table by key and
 * content. The same two jobs ride out a broker restart in {@code KafkaBrokerRestartITCase}.
 */
@Timeout(value = 7, unit = TimeUnit.MINUTES)
class KafkaTaskFailuresITCase {

    private static final int ROWS = 2000;
    private static final int FAILURES = 10;
    private static final int MARKER = 1_000_000;
    private static final AtomicInteger TO_WAREHOUSE = new AtomicInteger();

    // a topic of its own per attempt: a rerun must not read the last attempt's changes
    private final String prefix = "kf" + Long.toString(System.nanoTime() % 1_000_000, 36);
    private final String topic = prefix + ".kf_shop.orders";
    private final Warehouse wh = new Warehouse("kf_wh");

    @Test
    void tenTaskFailuresInEachJobLoseAndDoubleNothing() throws Exception {
        long seed = Long.getLong("tributary.fault.seed", System.nanoTime() % 100_000);
        System.out.println(
                "fault seed " + seed + " (rerun with -Dtributary.fault.seed=" + seed + ")");
        TO_WAREHOUSE.set(0);
        FailingQty.random = new Random(seed * 17);
        MariaDbService db = SharedServices.mariadb();
        KafkaPipelines.orders(db, "kf_shop", ROWS);
        SharedServices.kafka().createTopic(topic, 1);
        wh.execute("DROP TABLE IF EXISTS public.orders");
        JobClient toKafka =
                KafkaPipelines.cdcToKafka(
                        db,
                        "kf_shop",
                        prefix,
                        new FailingChanges("cdc-to-kafka", seed, FAILURES, 200, 2_300),
                        "cdc-to-kafka-failures");
        TableResult toWarehouse =
                KafkaPipelines.kafkaToWarehouse(topic, prefix, wh, "fn(qty)", new FailingQty());
        OrdersWriter writer = new OrdersWriter(() -> db.connect("kf_shop"), ROWS, seed);
        int restartsToKafka;
        int restartsToWarehouse;
        try {
            // the snapshot committed first: a failure inside it reads it again, from the table as
            // it is then, so with rows changing meanwhile the snapshot would not be ids 1..ROWS
            TopicReader.awaitCommitted(topic, ROWS);
            writer.writeUntil(
                    () ->
                            FailingChanges.injected("cdc-to-kafka") >= FAILURES
                                    && TO_WAREHOUSE.get() >= FAILURES,
                    Duration.ofMinutes(4));
            try (Connection c = db.connect("kf_shop");
                    Statement s = c.createStatement()) {
                s.execute("INSERT INTO orders VALUES (" + MARKER + ", 0)");
            }
            TreeSet<String> source = KafkaPipelines.source(db, "kf_shop");
            await().atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofMillis(500))
                    .ignoreExceptions()
                    .until(() -> KafkaPipelines.warehouse(wh).equals(source));
            restartsToKafka = KafkaPipelines.restarts(toKafka);
            restartsToWarehouse = KafkaPipelines.restarts(toWarehouse.getJobClient().orElseThrow());
        } finally {
            toWarehouse.getJobClient().orElseThrow().cancel().get();
            toKafka.cancel().get();
        }
        assertThat(FailingChanges.injected("cdc-to-kafka")).isEqualTo(FAILURES);
        assertThat(TO_WAREHOUSE.get()).isEqualTo(FAILURES);
        assertThat(restartsToKafka).as("restarts of CDC → Kafka").isGreaterThanOrEqualTo(FAILURES);
        assertThat(restartsToWarehouse)
                .as("restarts of Kafka → warehouse")
                .isGreaterThanOrEqualTo(FAILURES);

        // the topic: the snapshot once per key, every statement's change once
        List<Integer> inserts = new ArrayList<>(writer.inserted);
        inserts.add(MARKER);
        // and a tombstone after each delete
        int expected = ROWS + inserts.size() + writer.updated.size() + writer.deleted.size() * 2;
        List<ConsumerRecord<byte[], byte[]>> all =
                TopicReader.readCommitted(topic, expected, Duration.ofMinutes(1));
        Map<String, List<Integer>> byOp = TopicReader.idsByOp(all);
        assertOnce("snapshot", TopicReader.range(1, ROWS), byOp.get("r"));
        assertOnce("inserts", inserts, byOp.get("c"));
        assertOnce("updates", writer.updated, byOp.get("u"));
        assertOnce("deletes", writer.deleted, byOp.get("d"));
        assertOnce("tombstones", writer.deleted, byOp.get("tombstone"));
        assertThat(all).as("changes on the topic").hasSize(expected);
        int compared = KafkaPipelines.warehouse(wh).size();
        System.out.printf(
                "reliability: Kafka pairs, %d task failures injected in CDC → Kafka (exactly-once)"
                        + " and %d in Kafka → warehouse (seed %d) while %d statements changed rows:"
                        + " %d changes on the topic, each once; %d rows compared by key and"
                        + " content, 0 lost, 0 duplicated%n",
                FailingChanges.injected("cdc-to-kafka"),
                TO_WAREHOUSE.get(),
                seed,
                expected - ROWS,
                all.size(),
                compared);
    }

    /** The topic's ids of one op are the expected ones, each as often: says which are not. */
    private static void assertOnce(String what, List<Integer> expected, List<Integer> actual) {
        List<Integer> missing = sorted(expected);
        List<Integer> extra = sorted(actual == null ? List.of() : actual);
        for (Integer i : actual == null ? List.<Integer>of() : actual) {
            missing.remove(i);
        }
        for (Integer i : expected) {
            extra.remove(i);
        }
        assertThat(missing).as("%s lost on the topic", what).isEmpty();
        assertThat(extra).as("%s on the topic twice or never made", what).isEmpty();
    }

    private static List<Integer> sorted(List<Integer> ids) {
        List<Integer> out = new ArrayList<>(ids);
        Collections.sort(out);
        return out;
    }

    /**
     * {@code fn(qty)} = qty; fails the Kafka → warehouse task at a random row after each (re)start,
     * 10 times (the embedded Flink runs in this JVM: the draws are shared).
     */
    public static final class FailingQty extends ScalarFunction {
        static volatile Random random;
        private transient long seen;
        private transient long failAt;

        @Override
        public void open(FunctionContext context) {
            seen = 0;
            synchronized (FailingQty.class) {
                failAt = 200 + random.nextInt(2_300);
            }
        }

        public Integer eval(Integer qty) {
            if (++seen == failAt && TO_WAREHOUSE.get() < FAILURES) {
                throw new IllegalStateException(
                        "injected failure #"
                                + TO_WAREHOUSE.incrementAndGet()
                                + " (Kafka → warehouse)");
            }
            return qty;
        }
    }
}
