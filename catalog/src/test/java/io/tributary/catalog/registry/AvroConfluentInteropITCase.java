package io.tributary.catalog.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.embedded.KafkaService;
import io.tributary.embedded.SharedServices;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client nobody here wrote: Flink's own {@code avro-confluent} format (which carries Confluent's
 * registry client) registers and reads schemas through Tributary's registry in a Flink SQL job over
 * Kafka.
 */
class AvroConfluentInteropITCase {

    @TempDir Path dir;

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void flinksAvroConfluentFormatRegistersAndReadsThroughTheRegistry() throws Exception {
        KafkaService kafka = SharedServices.kafka();
        kafka.createTopic("orders-avro", 1);
        // with a token: the Confluent client inside the format sends it as Basic credentials
        String token = "interop-token-" + System.nanoTime();
        try (RegistryHttpServer registry = RegistryHttpServer.start(dir, "127.0.0.1", 0, token)) {
            TableEnvironment env =
                    SharedServices.flink()
                            .streamingTableEnvironment(Map.of("parallelism.default", "1"));
            String kafkaOptions =
                    "'connector' = 'kafka', 'topic' = 'orders-avro', 'properties.bootstrap.servers' = '"
                            + kafka.bootstrapServers()
                            + "', 'format' = 'avro-confluent', 'avro-confluent.url' = '"
                            + registry.url()
                            + "', 'avro-confluent.basic-auth.credentials-source' = 'USER_INFO',"
                            + " 'avro-confluent.basic-auth.user-info' = 'flink:"
                            + token
                            + "'";
            env.executeSql(
                    "CREATE TABLE orders_out (order_id BIGINT, customer STRING, amount DECIMAL(10, 2))"
                            + " WITH ("
                            + kafkaOptions
                            + ")");
            env.executeSql(
                            "INSERT INTO orders_out VALUES (1, 'Ada', 9.99), (2, 'Grace', 20.00),"
                                    + " (3, CAST(NULL AS STRING), 0.50)")
                    .await(2, TimeUnit.MINUTES);

            SchemaRegistryClient client = new SchemaRegistryClient(registry.url(), token);
            assertThat(client.subjects()).containsExactly("orders-avro-value");
            SchemaRegistry.Version v1 = client.version("orders-avro-value", "latest");
            assertThat(v1.version()).isEqualTo(1);
            assertThat(v1.schema()).contains("order_id").contains("customer").contains("amount");

            // the Confluent wire format: magic byte 0, then the schema id from our registry
            for (byte[] value : rawValues(kafka, 3)) {
                assertThat(value[0]).isZero();
                assertThat(ByteBuffer.wrap(value, 1, 4).getInt()).isEqualTo(v1.id());
            }

            env.executeSql(
                    "CREATE TABLE orders_in (order_id BIGINT, customer STRING, amount DECIMAL(10, 2))"
                            + " WITH ("
                            + kafkaOptions
                            + ", 'properties.group.id' = 'interop',"
                            + " 'scan.startup.mode' = 'earliest-offset',"
                            + " 'scan.bounded.mode' = 'latest-offset')");
            List<String> rows = new ArrayList<>();
            try (CloseableIterator<Row> it =
                    env.executeSql("SELECT order_id, customer, amount FROM orders_in").collect()) {
                it.forEachRemaining(r -> rows.add(r.toString()));
            }
            assertThat(rows)
                    .containsExactly(
                            "+I[1, Ada, 9.99]", "+I[2, Grace, 20.00]", "+I[3, null, 0.50]");
        }
    }

    private static List<byte[]> rawValues(KafkaService kafka, int n) {
        List<byte[]> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(
                        Map.of(
                                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                                ConsumerConfig.GROUP_ID_CONFIG, "raw",
                                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                        new ByteArrayDeserializer(),
                        new ByteArrayDeserializer())) {
            consumer.subscribe(List.of("orders-avro"));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (out.size() < n && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    out.add(r.value());
                }
            }
        }
        assertThat(out).hasSize(n);
        return out;
    }
}
