package io.tributary.jobs.runs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tributary.catalog.store.CatalogStore;
import io.tributary.catalog.store.CatalogStores;
import io.tributary.catalog.store.JobRun;
import io.tributary.embedded.KafkaService;
import io.tributary.embedded.SharedServices;
import io.tributary.embedded.internal.SelfSignedCertificate;
import io.tributary.jobs.definition.PipelineParser;
import io.tributary.jobs.definition.Variables;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pipeline reading from and writing to a Kafka broker that takes SASL_SSL only (TLS with a
 * self-signed certificate, SASL PLAIN), as Amazon MSK or Confluent Cloud do: {@code
 * security-protocol}, {@code sasl-*} and {@code ssl-root-cert} on the source and the sink; every
 * record arrives in the warehouse and on the output topic; a wrong password fails the job with
 * Kafka's reason, and the password shows in neither the plan nor the failure.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class KafkaSaslSslITCase {

    private static final int RECORDS = 300;

    @TempDir Path home;

    @Test
    void aPipelineReadsAndWritesKafkaOverSaslSsl() throws Exception {
        SelfSignedCertificate cert = SelfSignedCertificate.create(home.resolve("tls"), "kafka");
        String password = "kafka-pass-" + System.nanoTime();
        KafkaService kafka =
                KafkaService.startSaslSsl(home.resolve("kafka"), 0, cert, "etl", password);
        try {
            kafka.createTopic("orders", 1);
            kafka.createTopic("orders-out", 1);
            Properties p = clientProperties(kafka);
            try (KafkaProducer<String, String> producer =
                    new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
                for (int i = 1; i <= RECORDS; i++) {
                    producer.send(
                            new ProducerRecord<>(
                                    "orders", null, "{\"id\": " + i + ", \"qty\": " + i % 9 + "}"));
                }
            }
            SharedServices.postgres().createDatabase("sasl_wh");
            try (Connection c = SharedServices.postgres().connect("sasl_wh");
                    Statement s = c.createStatement()) {
                s.execute("DROP TABLE IF EXISTS public.orders");
            }
            Path file = home.resolve("sasl.yaml");
            String security =
                    String.join(
                            "\n",
                            "    bootstrap-servers: " + kafka.bootstrapServers(),
                            "    security-protocol: SASL_SSL",
                            "    sasl-mechanism: PLAIN",
                            "    sasl-username: etl",
                            "    sasl-password: ${kafka.password}",
                            "    ssl-root-cert: " + cert.certificate());
            Files.writeString(
                    file,
                    String.join(
                            "\n",
                            "version: 1",
                            "name: sasl-orders",
                            "settings: {checkpoint-interval: 1 s, restart: {strategy: none}}",
                            "sources:",
                            "  - name: orders",
                            "    type: kafka",
                            "    topic: orders",
                            "    format: json",
                            security,
                            "    columns: {id: INT, qty: INT}",
                            "sinks:",
                            "  - name: out",
                            "    type: warehouse",
                            "    from: orders",
                            "    url: " + SharedServices.postgres().jdbcUrl("sasl_wh"),
                            "    table: public.orders",
                            "    keys: [id]",
                            "  - name: out_topic",
                            "    type: kafka",
                            "    from: orders",
                            "    topic: orders-out",
                            security,
                            ""));
            PlanAndRun ok = run(file, password, true);
            assertThat(ok.run.state()).isEqualTo(JobRun.State.STOPPED);
            assertThat(outputTopic(kafka)).isEqualTo(RECORDS);

            // a wrong password: the job fails with Kafka's reason, the password nowhere
            String wrong = "wrong-" + System.nanoTime();
            // (without the Kafka sink: a Flink Kafka writer whose job fails while it logs in
            // keeps its producer retrying in the background, noise for the tests after this one)
            String text = Files.readString(file);
            Files.writeString(
                    file,
                    text.substring(0, text.indexOf("  - name: out_topic"))
                            .replace("name: sasl-orders", "name: sasl-wrong"));
            PlanAndRun failed = run(file, wrong, false);
            assertThat(failed.run.state()).isEqualTo(JobRun.State.FAILED);
            assertThat(failed.run.error()).contains("Authentication failed");
            assertThat(failed.run.error() + failed.plan).doesNotContain(wrong);
            System.out.println(
                    "reliability: Kafka SASL_SSL (PLAIN over TLS, self-signed root): a pipeline"
                            + " read "
                            + RECORDS
                            + " records into the warehouse and wrote them to a topic; a wrong"
                            + " password failed the job with Kafka's reason, the password masked");
        } finally {
            kafka.close();
        }
    }

    private record PlanAndRun(JobRun run, String plan) {}

    /**
     * Runs the pipeline on the shared cluster; with {@code expectRows}, until the warehouse holds
     * every record (then stops it), else until it ends by itself.
     */
    private PlanAndRun run(Path file, String password, boolean expectRows) throws Exception {
        try (CatalogStore store = CatalogStores.embedded(home.resolve("catalog"))) {
            PipelineRunner runner =
                    new PipelineRunner(
                            parse(file, password), home, store, new PrintWriter(System.out, true));
            PipelineRunner.Submitted s =
                    runner.submit(
                            "127.0.0.1:" + SharedServices.flink().restPort(), null, List.of());
            AtomicBoolean stop = new AtomicBoolean();
            CompletableFuture<JobRun> watched = ReferenceFixture.watch(runner, s, stop);
            try {
                if (expectRows) {
                    await().atMost(Duration.ofMinutes(2))
                            .ignoreExceptions()
                            .until(() -> watched.isDone() || warehouse().size() == RECORDS);
                    assertThat(watched).as("the job runs").isNotDone();
                    TreeSet<String> expected = new TreeSet<>();
                    for (int i = 1; i <= RECORDS; i++) {
                        expected.add(i + "|" + i % 9);
                    }
                    assertThat(warehouse()).isEqualTo(expected);
                }
            } finally {
                stop.set(expectRows);
            }
            return new PlanAndRun(watched.get(2, TimeUnit.MINUTES), String.join("\n", s.plan()));
        }
    }

    private static io.tributary.jobs.definition.PipelineDef parse(Path file, String password) {
        return new PipelineParser(Variables.of(Map.of("kafka.password", password), Map.of()))
                .parse(file);
    }

    private static TreeSet<String> warehouse() throws Exception {
        TreeSet<String> out = new TreeSet<>();
        try (Connection c = SharedServices.postgres().connect("sasl_wh");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT id, qty FROM public.orders")) {
            while (rs.next()) {
                out.add(rs.getInt(1) + "|" + rs.getInt(2));
            }
        }
        return out;
    }

    private static Properties clientProperties(KafkaService kafka) {
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        p.putAll(kafka.clientSecurity());
        return p;
    }

    /** Committed records on the output topic (read_committed). */
    private static int outputTopic(KafkaService kafka) {
        Properties p = clientProperties(kafka);
        p.put("isolation.level", "read_committed");
        p.put("auto.offset.reset", "earliest");
        p.put("group.id", "sasl-check-" + System.nanoTime());
        List<String> out = new ArrayList<>();
        try (KafkaConsumer<String, String> c =
                new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            c.subscribe(List.of("orders-out"));
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (out.size() < RECORDS && System.nanoTime() < until) {
                c.poll(Duration.ofMillis(300)).forEach(r -> out.add(r.value()));
            }
            c.poll(Duration.ofMillis(500)).forEach(r -> out.add(r.value()));
        }
        return out.size();
    }
}
