package io.tributary.jobs.runs;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.catalog.registry.RegistryHttpServer;
import io.tributary.catalog.store.CatalogStore;
import io.tributary.catalog.store.CatalogStores;
import io.tributary.catalog.store.JobRun;
import io.tributary.embedded.MariaDbService;
import io.tributary.embedded.SharedServices;
import io.tributary.jobs.definition.PipelineParser;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pipeline as docs/pipelines.md writes it: MariaDB customers through CDC into Kafka in Avro with
 * the Confluent wire format, once as Debezium envelopes ({@code debezium-avro-confluent}, keyed)
 * and once as upserts ({@code avro-confluent} with {@code keys}), schemas in Tributary's registry.
 * Flink's own Kafka connector and formats, not Tributary, read both topics back: the snapshot, an
 * insert, an update and a delete, each as the source had it.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class KafkaAvroPipelineITCase {

    @TempDir Path home;

    @Test
    void aCdcPipelineWritesAvroTopicsThatFlinksFormatsRead() throws Exception {
        MariaDbService db = SharedServices.mariadb();
        db.createDatabase("avro_shop");
        try (Connection c = db.connect("avro_shop");
                Statement s = c.createStatement();
                RegistryHttpServer registry = RegistryHttpServer.start(home.resolve("reg"), 0)) {
            s.execute("CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(40))");
            s.execute("INSERT INTO customers VALUES (1, 'Ada'), (2, 'Grace'), (3, 'Linus')");
            SharedServices.kafka().createTopic("customers-envelopes", 1);
            SharedServices.kafka().createTopic("customers-upserts", 1);
            Path file = home.resolve("avro.yaml");
            String kafka =
                    String.join(
                            "\n",
                            "    bootstrap-servers: " + SharedServices.kafka().bootstrapServers(),
                            "    registry-url: " + registry.url(),
                            "    keys: [id]");
            Files.writeString(
                    file,
                    String.join(
                            "\n",
                            "version: 1",
                            "name: customers-to-kafka",
                            "settings: {checkpoint-interval: 1 s}",
                            "sources:",
                            "  - name: customers",
                            "    type: cdc",
                            "    url: " + db.jdbcUrl("avro_shop"),
                            "    table: avro_shop.customers",
                            "    user: " + MariaDbService.USER,
                            "    password: " + MariaDbService.PASSWORD,
                            "    columns: {id: INT NOT NULL, name: STRING}",
                            "    primary-key: [id]",
                            "sinks:",
                            "  - name: envelopes",
                            "    type: kafka",
                            "    from: customers",
                            "    topic: customers-envelopes",
                            "    format: debezium-avro-confluent",
                            kafka,
                            "  - name: upserts",
                            "    type: kafka",
                            "    from: customers",
                            "    topic: customers-upserts",
                            "    format: avro-confluent",
                            kafka,
                            ""));
            try (CatalogStore store = CatalogStores.embedded(home.resolve("catalog"))) {
                PipelineRunner runner =
                        new PipelineRunner(
                                new PipelineParser(n -> java.util.Optional.empty()).parse(file),
                                home,
                                store,
                                new PrintWriter(System.out, true));
                PipelineRunner.Submitted submitted =
                        runner.submit(
                                "127.0.0.1:" + SharedServices.flink().restPort(), null, List.of());
                AtomicBoolean stop = new AtomicBoolean();
                CompletableFuture<JobRun> watched = ReferenceFixture.watch(runner, submitted, stop);
                String envelopeReader =
                        "'connector' = 'kafka', 'format' = 'debezium-avro-confluent',"
                                + " 'debezium-avro-confluent.url' = '"
                                + registry.url()
                                + "', 'scan.startup.mode' = 'earliest-offset',"
                                + " 'properties.isolation.level' = 'read_committed'";
                try {
                    List<String> envelopes =
                            read(
                                    "customers-envelopes",
                                    envelopeReader,
                                    3,
                                    () -> ReferenceFixture.jobDiagnostics(submitted));
                    assertThat(envelopes)
                            .containsExactlyInAnyOrder(
                                    "+I[1, Ada]", "+I[2, Grace]", "+I[3, Linus]");
                    s.execute("INSERT INTO customers VALUES (4, 'Dan')");
                    s.execute("UPDATE customers SET name = 'Ada L.' WHERE id = 1");
                    s.execute("DELETE FROM customers WHERE id = 2");

                    List<String> changes =
                            read(
                                    "customers-envelopes",
                                    envelopeReader,
                                    7,
                                    () -> ReferenceFixture.jobDiagnostics(submitted));
                    // Flink's debezium formats write an update as a delete and a create envelope
                    assertThat(changes.subList(3, 7))
                            .containsExactly(
                                    "+I[4, Dan]", "-D[1, Ada]", "+I[1, Ada L.]", "-D[2, Grace]");

                    // upserts, keyed by id in Avro: Flink's upsert-kafka folds them to the table
                    List<String> upserts =
                            read(
                                    "customers-upserts",
                                    "'connector' = 'upsert-kafka', 'key.format' ="
                                            + " 'avro-confluent', 'key.avro-confluent.url' = '"
                                            + registry.url()
                                            + "', 'value.format' = 'avro-confluent',"
                                            + " 'value.avro-confluent.url' = '"
                                            + registry.url()
                                            + "', 'properties.isolation.level' ="
                                            + " 'read_committed'",
                                    7,
                                    () -> ReferenceFixture.jobDiagnostics(submitted));
                    assertThat(upserts).contains("+I[4, Dan]", "+U[1, Ada L.]", "-D[2, Grace]");
                    assertThat(
                                    new io.tributary.catalog.registry.SchemaRegistryClient(
                                                    registry.url(), null)
                                            .subjects())
                            .contains(
                                    "customers-envelopes-key",
                                    "customers-envelopes-value",
                                    "customers-upserts-key",
                                    "customers-upserts-value");
                } finally {
                    stop.set(true);
                }
                assertThat(watched.get(2, TimeUnit.MINUTES).state())
                        .isEqualTo(JobRun.State.STOPPED);
            }
        }
    }

    /** The first {@code n} rows Flink's own Kafka connector reads from {@code topic}. */
    private static List<String> read(
            String topic, String options, int n, java.util.function.Supplier<String> job)
            throws Exception {
        TableEnvironment t =
                SharedServices.flink()
                        .streamingTableEnvironment(Map.of("parallelism.default", "1"));
        String primaryKey =
                options.contains("upsert-kafka") ? ", PRIMARY KEY (id) NOT ENFORCED" : "";
        t.executeSql(
                "CREATE TABLE c (id INT NOT NULL, name STRING"
                        + primaryKey
                        + ") WITH ("
                        + options
                        + ", 'topic' = '"
                        + topic
                        + "', 'properties.bootstrap.servers' = '"
                        + SharedServices.kafka().bootstrapServers()
                        + "', 'properties.group.id' = 'reader-"
                        + System.nanoTime()
                        + "')");
        List<String> out = new ArrayList<>();
        // planned here (the planner keeps per-thread state), read on another thread
        CloseableIterator<Row> collected = t.executeSql("SELECT * FROM c").collect();
        CompletableFuture<Void> reading =
                CompletableFuture.runAsync(
                        () -> {
                            try (CloseableIterator<Row> rows = collected) {
                                while (out.size() < n && rows.hasNext()) {
                                    Row r = rows.next();
                                    synchronized (out) {
                                        out.add(r.toString());
                                    }
                                }
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        });
        try {
            reading.get(3, TimeUnit.MINUTES);
        } catch (java.util.concurrent.TimeoutException e) {
            synchronized (out) {
                throw new AssertionError(
                        "read "
                                + out.size()
                                + " of "
                                + n
                                + " rows from "
                                + topic
                                + ": "
                                + out
                                + "; "
                                + job.get());
            }
        }
        return out;
    }
}
