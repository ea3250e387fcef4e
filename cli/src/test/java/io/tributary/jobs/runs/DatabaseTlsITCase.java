package io.tributary.jobs.runs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tributary.catalog.store.CatalogStore;
import io.tributary.catalog.store.CatalogStores;
import io.tributary.catalog.store.JobRun;
import io.tributary.embedded.PostgresService;
import io.tributary.embedded.SharedServices;
import io.tributary.embedded.internal.SelfSignedCertificate;
import io.tributary.jobs.definition.PipelineDef;
import io.tributary.jobs.definition.PipelineParser;
import io.tributary.jobs.definition.Variables;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pipeline whose PostgreSQL source (CDC) and warehouse both take TLS connections only, with a
 * self-signed certificate: {@code ssl-mode: verify-full} and {@code ssl-root-cert} on both ends
 * carry the snapshot, the change stream and the commits; the server refuses plain connections and a
 * client trusting another root refuses the server.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DatabaseTlsITCase {

    @TempDir Path home;

    @Test
    void cdcAndWarehouseOverVerifiedTlsAndNothingInPlainText() throws Exception {
        SelfSignedCertificate cert = SelfSignedCertificate.create(home.resolve("tls"), "pg");
        SelfSignedCertificate other = SelfSignedCertificate.create(home.resolve("tls"), "other");
        PostgresService pg = PostgresService.startWithTls(home.resolve("pg"), 0, cert);
        try {
            String base = "jdbc:postgresql://127.0.0.1:" + pg.port() + "/";
            pg.createDatabase("shop");
            pg.createDatabase("wh");
            // the server: TLS only
            assertThatThrownBy(
                            () ->
                                    DriverManager.getConnection(
                                            base + "shop?user=postgres&sslmode=disable"))
                    .hasMessageContaining("no encryption");
            // a client verifying against another root refuses the server
            assertThatThrownBy(
                            () ->
                                    DriverManager.getConnection(
                                            base
                                                    + "shop?user=postgres&sslmode=verify-full&sslrootcert="
                                                    + other.certificate()))
                    .hasStackTraceContaining("PKIX");
            try (Connection c = pg.connect("shop");
                    Statement s = c.createStatement()) {
                s.execute("CREATE TABLE public.customers (id INT PRIMARY KEY, name TEXT NOT NULL)");
                s.execute("ALTER TABLE public.customers REPLICA IDENTITY FULL");
                s.execute(
                        "INSERT INTO public.customers SELECT g, 'customer ' || g FROM generate_series(1, 200) g");
            }
            Path file = home.resolve("tls.yaml");
            Files.writeString(
                    file,
                    String.join(
                            "\n",
                            "version: 1",
                            "name: tls-customers",
                            "settings: {checkpoint-interval: 1 s}",
                            "sources:",
                            "  - name: customers",
                            "    type: cdc",
                            "    url: " + base + "shop",
                            "    table: public.customers",
                            "    user: postgres",
                            "    password: trust-auth-takes-any", // postgres-cdc requires one
                            "    ssl-mode: verify-full",
                            "    ssl-root-cert: " + cert.certificate(),
                            "    columns: {id: INT NOT NULL, name: STRING}",
                            "    primary-key: [id]",
                            "sinks:",
                            "  - name: out",
                            "    type: warehouse",
                            "    from: customers",
                            "    url: " + base + "wh",
                            "    user: postgres",
                            "    ssl-mode: verify-full",
                            "    ssl-root-cert: " + cert.certificate(),
                            "    table: public.customers_copy",
                            "    keys: [id]",
                            ""));
            PipelineDef pipeline = new PipelineParser(Variables.of(Map.of(), Map.of())).parse(file);
            try (CatalogStore store = CatalogStores.embedded(home.resolve("catalog"))) {
                PipelineRunner runner =
                        new PipelineRunner(
                                pipeline, home, store, new PrintWriter(System.out, true));
                PipelineRunner.Submitted run =
                        runner.submit(
                                "127.0.0.1:" + SharedServices.flink().restPort(), null, List.of());
                AtomicBoolean stop = new AtomicBoolean();
                CompletableFuture<JobRun> watched = ReferenceFixture.watch(runner, run, stop);
                try {
                    await().atMost(Duration.ofMinutes(2))
                            .ignoreExceptions()
                            .until(() -> copy(pg).size() == 200);
                    try (Connection c = pg.connect("shop");
                            Statement s = c.createStatement()) {
                        s.execute("UPDATE public.customers SET name = 'renamed' WHERE id <= 10");
                        s.execute("DELETE FROM public.customers WHERE id > 190");
                        s.execute("INSERT INTO public.customers VALUES (500, 'new')");
                    }
                    await().atMost(Duration.ofMinutes(2))
                            .ignoreExceptions()
                            .until(() -> copy(pg).equals(source(pg)));
                    // every connection of the pipeline (snapshot, replication, sink) was TLS
                    try (Connection c = pg.connect("postgres");
                            Statement s = c.createStatement();
                            ResultSet rs =
                                    s.executeQuery(
                                            "SELECT count(*) FILTER (WHERE NOT ssl.ssl),"
                                                    + " count(*) FILTER (WHERE a.backend_type ="
                                                    + " 'walsender') FROM pg_stat_ssl ssl JOIN"
                                                    + " pg_stat_activity a USING (pid) WHERE"
                                                    + " a.client_addr IS NOT NULL")) {
                        rs.next();
                        assertThat(rs.getLong(1)).as("plain-text connections").isZero();
                        assertThat(rs.getLong(2))
                                .as("the replication stream, over TLS")
                                .isPositive();
                    }
                } finally {
                    stop.set(true);
                    assertThat(watched.get(2, TimeUnit.MINUTES).state())
                            .isEqualTo(JobRun.State.STOPPED);
                }
            }
            // the same pipeline trusting another root: its connections are refused, it fails
            Path wrong = home.resolve("wrong-root.yaml");
            Files.writeString(
                    wrong,
                    Files.readString(file)
                            .replace(cert.certificate().toString(), other.certificate().toString())
                            .replace("name: tls-customers", "name: tls-wrong-root")
                            .replace(
                                    "settings: {checkpoint-interval: 1 s}",
                                    "settings: {checkpoint-interval: 1 s, restart: {strategy: none}}"));
            try (CatalogStore store = CatalogStores.embedded(home.resolve("catalog"))) {
                PipelineRunner runner =
                        new PipelineRunner(
                                new PipelineParser(Variables.of(Map.of(), Map.of())).parse(wrong),
                                home,
                                store,
                                new PrintWriter(System.out, true));
                JobRun failed;
                try {
                    PipelineRunner.Submitted run =
                            runner.submit(
                                    "127.0.0.1:" + SharedServices.flink().restPort(),
                                    null,
                                    List.of());
                    failed =
                            ReferenceFixture.watch(runner, run, new AtomicBoolean())
                                    .get(2, TimeUnit.MINUTES);
                } catch (RuntimeException refused) {
                    // the change stream's readiness check is refused before a job exists
                    failed =
                            store.runs().stream()
                                    .filter(r -> r.pipeline().equals("tls-wrong-root"))
                                    .reduce((a, b) -> b)
                                    .orElseThrow();
                }
                assertThat(failed.state()).isEqualTo(JobRun.State.FAILED);
                assertThat(failed.error()).contains("certification path");
            }
            System.out.println(
                    "reliability: TLS: PostgreSQL CDC source and warehouse sink over verify-full TLS"
                            + " (self-signed root), plain text and a wrong root refused");
        } finally {
            pg.close();
        }
    }

    private static List<String> copy(PostgresService pg) throws Exception {
        return rows(pg, "wh", "SELECT id || ':' || name FROM public.customers_copy ORDER BY id");
    }

    private static List<String> source(PostgresService pg) throws Exception {
        return rows(pg, "shop", "SELECT id || ':' || name FROM public.customers ORDER BY id");
    }

    private static List<String> rows(PostgresService pg, String db, String sql) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = pg.connect(db);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
