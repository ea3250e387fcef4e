package io.tributary.connectors.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.embedded.SharedServices;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Reads what is committed on a topic of the shared Kafka broker, as a plain consumer would. */
final class TopicReader {

    private TopicReader() {}

    /** Every committed record of {@code topic}, polling until {@code atLeast} arrived. */
    static List<ConsumerRecord<byte[], byte[]>> awaitCommitted(String topic, int atLeast) {
        return readCommitted(topic, atLeast, Duration.ofDays(1));
    }

    /**
     * Every committed record of {@code topic}, polling until {@code atLeast} arrived or {@code
     * within} passed.
     */
    static List<ConsumerRecord<byte[], byte[]>> readCommitted(
            String topic, int atLeast, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", SharedServices.kafka().bootstrapServers());
        p.setProperty("isolation.level", "read_committed");
        p.setProperty("auto.offset.reset", "earliest");
        p.setProperty("enable.auto.commit", "false");
        p.setProperty("group.id", "topic-reader-" + System.nanoTime());
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of(topic));
            while (out.size() < atLeast && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            // anything committed right behind
            c.poll(Duration.ofMillis(500)).forEach(out::add);
        }
        return out;
    }

    /**
     * The ids of Debezium JSON change records by op ("r", "c", "u", "d", and "tombstone" for the
     * null-value record after a delete), each list sorted: one entry per record, so a record
     * written twice shows twice.
     */
    static Map<String, List<Integer>> idsByOp(List<ConsumerRecord<byte[], byte[]>> records)
            throws IOException {
        ObjectMapper json = new ObjectMapper();
        Map<String, List<Integer>> byOp = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            if (r.value() == null) { // a delete's tombstone: the key, no value
                byOp.computeIfAbsent("tombstone", k -> new ArrayList<>())
                        .add(json.readTree(r.key()).get("id").asInt());
                continue;
            }
            JsonNode e = json.readTree(r.value());
            JsonNode row = e.get("after").isNull() ? e.get("before") : e.get("after");
            byOp.computeIfAbsent(e.get("op").asText(), k -> new ArrayList<>())
                    .add(row.get("id").asInt());
        }
        byOp.values().forEach(Collections::sort);
        return byOp;
    }

    /** {@code from}..{@code to}, inclusive. */
    static List<Integer> range(int from, int to) {
        List<Integer> out = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            out.add(i);
        }
        return out;
    }
}
