package io.tributary.connectors.kafka;

import io.tributary.embedded.SharedServices;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Reads what is committed on a topic of the shared Kafka broker, as a plain consumer would. */
final class TopicReader {

    private TopicReader() {}

    /** Every committed record of {@code topic}, polling until {@code atLeast} arrived. */
    static List<ConsumerRecord<byte[], byte[]>> awaitCommitted(String topic, int atLeast) {
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
            while (out.size() < atLeast) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            // anything committed right behind
            c.poll(Duration.ofMillis(500)).forEach(out::add);
        }
        return out;
    }
}
