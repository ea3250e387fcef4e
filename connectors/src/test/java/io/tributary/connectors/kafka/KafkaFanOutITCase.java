package io.tributary.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.catalog.registry.RegistryHttpServer;
import io.tributary.catalog.registry.SchemaRegistryClient;
import io.tributary.connectors.cdc.CdcConnection;
import io.tributary.connectors.cdc.CdcSourceBuilder;
import io.tributary.connectors.cdc.CustomersTable;
import io.tributary.connectors.changes.ChangeOp;
import io.tributary.connectors.changes.ChangeRecord;
import io.tributary.embedded.KafkaService;
import io.tributary.embedded.MariaDbService;
import io.tributary.embedded.SharedServices;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Changes captured from MariaDB are fanned out to Kafka, and read back by Flink's stock formats
 * with no Tributary code on the reading side: {@code debezium-avro-confluent} against Tributary's
 * registry, and {@code debezium-json}.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class KafkaFanOutITCase {

    @TempDir Path registryDir;

    @Test
    void flinksStockDebeziumFormatsReadTheTopicsTributaryWrote() throws Exception {
        MariaDbService db = SharedServices.mariadb();
        KafkaService kafka = SharedServices.kafka();
        db.createDatabase("fan_shop");
        try (RegistryHttpServer registry = RegistryHttpServer.start(registryDir, 0);
                Connection c = db.connect("fan_shop");
                Statement s = c.createStatement()) {
            CustomersTable.create(s);

            kafka.createTopic("fan.fan_shop.customers", 1);
            kafka.createTopic("fanjson.fan_shop.customers", 1);
            Configuration conf = SharedServices.flink().clientConfiguration();
            conf.setString("execution.checkpointing.interval", "300 ms");
            StreamExecutionEnvironment env = new StreamExecutionEnvironment(conf);
            env.setParallelism(1);
            DataStream<ChangeRecord> changes =
                    env.fromSource(
                            CdcSourceBuilder.forConnection(
                                            CdcConnection.parse(db.jdbcUrl("fan_shop"), null, null))
                                    .tables("fan_shop.customers")
                                    .registry(registry.url(), "shop")
                                    .build(),
                            WatermarkStrategy.noWatermarks(),
                            "cdc");
            changes.sinkTo(
                    KafkaChanges.sink(kafka.bootstrapServers())
                            .topicPrefix("fan")
                            .avro(registry.url())
                            .build());
            changes.sinkTo(
                    KafkaChanges.sink(kafka.bootstrapServers())
                            .topicPrefix("fanjson")
                            .json()
                            .build());
            JobClient job = env.executeAsync("cdc-to-kafka");
            try {
                // the snapshot is on Kafka (committed) before the rows change
                assertThat(
                                TopicReader.readCommitted(
                                        "fanjson.fan_shop.customers",
                                        3,
                                        java.time.Duration.ofMinutes(2)))
                        .as(
                                "the snapshot on the topic; %s",
                                io.tributary.connectors.JobProgress.report(job))
                        .hasSizeGreaterThanOrEqualTo(3);
                s.execute("INSERT INTO customers VALUES (4, 'Dan', 1.00, NULL)");
                s.execute("UPDATE customers SET name = 'Ada L.' WHERE id = 1");
                s.execute("DELETE FROM customers WHERE id = 2");

                List<String> snapshot =
                        List.of(
                                "+I[1, Ada, 12.50, 2024-01-02]",
                                "+I[2, Grace, null, null]",
                                "+I[3, Linus, 3.00, 2024-03-04]");
                List<String> streamed =
                        List.of(
                                "+I[4, Dan, 1.00, null]",
                                "-U[1, Ada, 12.50, 2024-01-02]",
                                "+U[1, Ada L., 12.50, 2024-01-02]",
                                "-D[2, Grace, null, null]");
                for (String[] topicAndFormat :
                        new String[][] {
                            {
                                "fan.fan_shop.customers",
                                "'format' = 'debezium-avro-confluent',"
                                        + " 'debezium-avro-confluent.url' = '"
                                        + registry.url()
                                        + "'"
                            },
                            {"fanjson.fan_shop.customers", "'format' = 'debezium-json'"}
                        }) {
                    List<String> rows = readWithFlink(topicAndFormat[0], topicAndFormat[1], 7);
                    assertThat(rows.subList(0, 3)).containsExactlyInAnyOrderElementsOf(snapshot);
                    assertThat(rows.subList(3, 7)).containsExactlyElementsOf(streamed);
                }

                // as a plain Kafka consumer sees the JSON topic: Debezium's source block, a
                // real binlog position on MariaDB, and a tombstone after the delete
                List<org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>> raw =
                        TopicReader.readCommitted(
                                "fanjson.fan_shop.customers", 7, java.time.Duration.ofMinutes(2));
                assertThat(raw).as(io.tributary.connectors.JobProgress.report(job)).hasSize(7);
                com.fasterxml.jackson.databind.ObjectMapper json =
                        new com.fasterxml.jackson.databind.ObjectMapper();
                List<com.fasterxml.jackson.databind.JsonNode> sources = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    com.fasterxml.jackson.databind.JsonNode source =
                            json.readTree(raw.get(i).value()).get("source");
                    assertThat(source.fieldNames())
                            .toIterable()
                            .containsExactlyElementsOf(DebeziumAvroTest.MYSQL_SOURCE_FIELDS);
                    assertThat(source.get("connector").asText()).isEqualTo("mysql");
                    if (i >= 3) { // Flink CDC's snapshot chunks carry no binlog position
                        assertThat(source.get("file").asText()).startsWith("mysql-bin.");
                        assertThat(source.get("server_id").asLong()).isEqualTo(1L);
                    }
                    assertThat(source.get("pos").isIntegralNumber()).isTrue();
                    assertThat(source.get("pos").asLong()).isNotNegative();
                    sources.add(source);
                }
                assertThat(sources.get(0).get("snapshot").asText()).isNotEqualTo("false");
                assertThat(sources.get(3).get("snapshot").asText()).isEqualTo("false");
                // the insert and the later delete are at different places in the binlog
                assertThat(sources.get(5).get("pos").asLong())
                        .isGreaterThan(sources.get(3).get("pos").asLong());
                org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]> tombstone =
                        raw.get(6);
                assertThat(tombstone.value()).isNull();
                assertThat(json.readTree(tombstone.key()).get("id").asInt()).isEqualTo(2);

                SchemaRegistryClient client = new SchemaRegistryClient(registry.url());
                assertThat(client.subjects())
                        .contains(
                                "fan.fan_shop.customers-key",
                                "fan.fan_shop.customers-value",
                                "shop.customers-value");

                // and back: Tributary's own Kafka source reads the Avro topic as change records
                List<ChangeRecord> back = readWithTributary(registry.url(), 6);
                assertThat(back)
                        .extracting(ChangeRecord::op)
                        .containsExactly(
                                ChangeOp.READ,
                                ChangeOp.READ,
                                ChangeOp.READ,
                                ChangeOp.CREATE,
                                ChangeOp.UPDATE,
                                ChangeOp.DELETE);
                ChangeRecord update = back.get(4);
                assertThat(update.before()[1]).isEqualTo("Ada");
                assertThat(update.after()[1]).isEqualTo("Ada L.");
                assertThat(update.key()).containsExactly(1);
                assertThat(update.position()).startsWith("mysql-bin.");
                assertThat(update.after()[2]).isEqualTo(new java.math.BigDecimal("12.50"));
                assertThat(update.after()[3]).isEqualTo(java.time.LocalDate.of(2024, 1, 2));
            } finally {
                job.cancel().get();
            }
        }
    }

    private static List<String> readWithFlink(String topic, String format, int n) throws Exception {
        TableEnvironment t =
                SharedServices.flink()
                        .streamingTableEnvironment(java.util.Map.of("parallelism.default", "1"));
        t.executeSql(
                "CREATE TABLE customers (id INT, name STRING, credit DECIMAL(10,2), since DATE)"
                        + " WITH ('connector' = 'kafka', 'topic' = '"
                        + topic
                        + "', 'properties.bootstrap.servers' = '"
                        + SharedServices.kafka().bootstrapServers()
                        + "', 'properties.group.id' = 'stock-reader',"
                        + " 'properties.isolation.level' = 'read_committed',"
                        + " 'scan.startup.mode' = 'earliest-offset', "
                        + format
                        + ")");
        TableResult result = t.executeSql("SELECT * FROM customers");
        List<String> out = new ArrayList<>();
        try (CloseableIterator<Row> rows = result.collect()) {
            while (out.size() < n && rows.hasNext()) {
                out.add(rows.next().toString());
            }
        }
        return out;
    }

    private static List<ChangeRecord> readWithTributary(String registryUrl, int n)
            throws Exception {
        Configuration conf = SharedServices.flink().clientConfiguration();
        StreamExecutionEnvironment env = new StreamExecutionEnvironment(conf);
        env.setParallelism(1);
        List<ChangeRecord> out = new ArrayList<>();
        try (CloseableIterator<ChangeRecord> it =
                env.fromSource(
                                KafkaChanges.source(SharedServices.kafka().bootstrapServers())
                                        .topics("fan.fan_shop.customers")
                                        .avro(registryUrl)
                                        .groupId("tributary-reader")
                                        .build(),
                                WatermarkStrategy.noWatermarks(),
                                "kafka")
                        .executeAndCollect("read-back")) {
            while (out.size() < n && it.hasNext()) {
                out.add(it.next());
            }
        }
        return out;
    }

    static String keyOf(ChangeRecord r) {
        return Arrays.toString(r.key());
    }
}
