package io.tributary.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tributary.connectors.redshift.Warehouse;
import io.tributary.embedded.KafkaService;
import io.tributary.embedded.MariaDbService;
import io.tributary.embedded.SharedServices;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.table.api.TableResult;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Kafka broker restarted while changes flow through it: MariaDB → CDC → Kafka (exactly-once) in
 * one job, Kafka (read_committed, {@code debezium-json}) → the warehouse in another. Both jobs
 * carry on without help (the Kafka clients wait for the broker; a failure would restart them from
 * their checkpoints, and the figure line says how many they had); afterwards the topic holds every
 * change exactly once and the warehouse equals the MariaDB table by key and content.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class KafkaBrokerRestartITCase {

    private static final int ROWS = 2000;
    private static final int CHANGES = 400;
    // a topic of its own per attempt: a rerun must not read the last attempt's changes
    private final String prefix = "kb" + Long.toString(System.nanoTime() % 1_000_000, 36);
    private final String topic = prefix + ".kb_shop.orders";
    private static final int MARKER = 1_000_000;

    private final Warehouse wh = new Warehouse("kb_wh");

    @Test
    void aBrokerRestartLosesAndDoublesNothingOnTheTopicOrInTheWarehouse() throws Exception {
        MariaDbService db = SharedServices.mariadb();
        KafkaService kafka = SharedServices.kafka();
        KafkaPipelines.orders(db, "kb_shop", ROWS);
        kafka.createTopic(topic, 1);
        wh.execute("DROP TABLE IF EXISTS public.orders");
        JobClient toKafka =
                KafkaPipelines.cdcToKafka(
                        db, "kb_shop", prefix, null, "cdc-to-kafka-broker-restart");
        TableResult toWarehouse = KafkaPipelines.kafkaToWarehouse(topic, prefix, wh, "qty", null);
        long restartedAt;
        long caughtUp;
        String restarts;
        try {
            await().atMost(Duration.ofMinutes(2))
                    .ignoreExceptions()
                    .until(() -> wh.count("SELECT count(*) FROM public.orders") == ROWS);
            Thread writer = new Thread(() -> changeRows(db), "row-writer");
            writer.start();
            Thread.sleep(1500); // changes in flight on both jobs
            kafka.restart(Duration.ofSeconds(5));
            restartedAt = System.nanoTime();
            assertThat(writer.isAlive())
                    .as("rows were still changing while the broker was away and came back")
                    .isTrue();
            writer.join(TimeUnit.MINUTES.toMillis(2));
            assertThat(writerFailure).as("writer").isNull();
            try (Connection c = db.connect("kb_shop");
                    Statement s = c.createStatement()) {
                s.execute("INSERT INTO orders VALUES (" + MARKER + ", 0)");
            }
            TreeSet<String> source = KafkaPipelines.source(db, "kb_shop");
            await().atMost(Duration.ofMinutes(3))
                    .pollInterval(Duration.ofMillis(500))
                    .ignoreExceptions()
                    .until(() -> KafkaPipelines.warehouse(wh).equals(source));
            caughtUp = System.nanoTime();
            restarts =
                    KafkaPipelines.restarts(toKafka)
                            + "/"
                            + KafkaPipelines.restarts(toWarehouse.getJobClient().orElseThrow());
        } finally {
            toWarehouse.getJobClient().orElseThrow().cancel().get();
            toKafka.cancel().get();
        }

        // the topic: every key read once in the snapshot, every change once
        int expected = ROWS + CHANGES * 2 + CHANGES / 4 * 2 + 1; // a tombstone per delete
        List<ConsumerRecord<byte[], byte[]>> all = TopicReader.awaitCommitted(topic, expected);
        Map<String, List<Integer>> byOp = TopicReader.idsByOp(all);
        assertThat(all).as("changes on the topic").hasSize(expected);
        assertThat(byOp.get("r")).isEqualTo(TopicReader.range(1, ROWS));
        assertThat(byOp.get("u")).isEqualTo(TopicReader.range(1, CHANGES));
        List<Integer> inserts = TopicReader.range(ROWS + 1, ROWS + CHANGES);
        inserts.add(MARKER);
        assertThat(byOp.get("c")).isEqualTo(inserts);
        List<Integer> deletes = new ArrayList<>();
        for (int i = 4; i <= CHANGES; i += 4) {
            deletes.add(ROWS / 2 + i);
        }
        assertThat(byOp.get("d")).isEqualTo(deletes);
        assertThat(byOp.get("tombstone")).isEqualTo(deletes);
        int compared = wh.rows("SELECT id FROM public.orders").size();
        System.out.printf(
                "reliability: Kafka broker restart (down 5 s) between CDC → Kafka (exactly-once)"
                        + " and Kafka → warehouse: %d changes on the topic, each once; %d rows"
                        + " compared by key and content, 0 lost, 0 duplicated; caught up %.1f s"
                        + " after the broker came back (failures the jobs recovered from, to Kafka/from Kafka: %s)%n",
                all.size(), compared, (caughtUp - restartedAt) / 1e9, restarts);
    }

    private static volatile Throwable writerFailure;

    /** Ids 1..400 updated (+100), 2001..2400 inserted, every 4th a delete from 1004 on. */
    private static void changeRows(MariaDbService db) {
        try (Connection c = db.connect("kb_shop");
                Statement w = c.createStatement()) {
            for (int i = 1; i <= CHANGES; i++) {
                w.execute("UPDATE orders SET qty = qty + 100 WHERE id = " + i);
                w.execute("INSERT INTO orders VALUES (" + (ROWS + i) + ", 1)");
                if (i % 4 == 0) {
                    w.execute("DELETE FROM orders WHERE id = " + (ROWS / 2 + i));
                }
                Thread.sleep(40);
            }
        } catch (Throwable t) {
            writerFailure = t;
        }
    }
}
