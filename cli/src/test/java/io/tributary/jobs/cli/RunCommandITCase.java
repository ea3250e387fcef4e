package io.tributary.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.embedded.S3Service;
import io.tributary.embedded.SharedServices;
import io.tributary.jobs.demo.DemoData;
import io.tributary.jobs.runs.ReferenceFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code tributary run}, {@code stop} and {@code jobs} as a user types them: a broken file names
 * its line and key, {@code --plan} prints the SQL without secrets, a bounded pipeline runs on a
 * local MiniCluster to SUCCEEDED, and the reference pipeline is submitted to a cluster, stopped
 * with a savepoint by name from another command, and resumed.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RunCommandITCase {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path home;

    @Test
    void aBrokenPipelineFileNamesItsLineAndKeyAndExitsNonZero() throws Exception {
        Path file = home.resolve("broken.yaml");
        Files.writeString(
                file,
                String.join(
                        "\n",
                        "version: 1",
                        "name: broken",
                        "sources:",
                        "  - name: orders",
                        "    type: s3",
                        "    path: s3://b/orders/",
                        "    fromat: json",
                        "    columns: {id: BIGINT}",
                        "sinks: []",
                        ""));
        CliRun run = CliRun.of("run", file.toString(), "--home", home.toString());
        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err())
                .contains(file + ":7: sources[0].fromat: unknown key (did you mean 'format'?)");
    }

    @Test
    void theReferencePipelineRunsStopsWithASavepointAndResumes() throws Exception {
        ReferenceFixture world =
                new ReferenceFixture("run_shop", "run_warehouse", "run-sales", 100);
        world.prepare();
        world.writeSales(0);
        world.writeSales(1);
        List<String> args = new ArrayList<>(List.of("--home", home.toString()));
        vars(args, "sales-path", "s3://run-sales/sales/");
        vars(args, "shop-db", "run_shop");
        vars(args, "warehouse-db", "run_warehouse");
        vars(args, "checkpoint-interval", "1 s");
        SharedServices.s3().endpoints().forEach((k, v) -> vars(args, "s3." + k, v));
        SharedServices.mariadb().endpoints().forEach((k, v) -> vars(args, "mariadb." + k, v));
        SharedServices.postgres().endpoints().forEach((k, v) -> vars(args, "postgres." + k, v));
        String file = ReferenceFixture.examples().resolve("ecommerce/pipeline.yaml").toString();
        String target = "127.0.0.1:" + SharedServices.flink().restPort();

        CliRun plan = CliRun.of(with(args, "run", file, "--plan"));
        assertThat(plan.exitCode()).as(plan.err()).isZero();
        assertThat(plan.out())
                .contains("'database-type' = 'mysql'", "INSERT INTO `sink_warehouse`")
                .doesNotContain(
                        "'password' = '" + SharedServices.mariadb().endpoints().get("password"),
                        "'s3.secret-key' = '" + S3Service.SECRET_KEY)
                .contains("'password' = '******'", "'s3.secret-key' = '******'")
                // the password is 'tributary' too: only the password's value is masked
                .contains(
                        "'connector' = 'tributary-cdc'",
                        "'connector' = 'tributary-redshift'",
                        "'username' = '" + SharedServices.mariadb().endpoints().get("user") + "'")
                .doesNotContain("******-");

        CompletableFuture<CliRun> running =
                CompletableFuture.supplyAsync(
                        () ->
                                CliRun.of(
                                        with(
                                                args,
                                                "run",
                                                file,
                                                "--target",
                                                target,
                                                "--poll",
                                                "PT0.5S")));
        world.awaitWarehouseEqualsReference(() -> running.isDone() ? running.join().err() : "");
        world.rename(3, "Alan Renamed", "NZ");
        world.awaitWarehouseEqualsReference(() -> running.isDone() ? running.join().err() : "");

        CliRun stop = CliRun.of("stop", "ecommerce-sales-enriched", "--home", home.toString());
        assertThat(stop.exitCode()).as(stop.err()).isZero();
        assertThat(stop.out()).contains("Savepoint: file:");
        CliRun first = running.get(2, TimeUnit.MINUTES);
        assertThat(first.exitCode()).as(first.out() + first.err()).isZero();
        assertThat(first.out()).contains("RUNNING").contains("STOPPED");

        // the bookmark, by pipeline name: the savepoint just taken, the sales files listed
        CliRun bookmark =
                CliRun.of(
                        "bookmark", "show", "ecommerce-sales-enriched", "--home", home.toString());
        assertThat(bookmark.exitCode()).as(bookmark.err()).isZero();
        assertThat(bookmark.out())
                .contains("/jobs/ecommerce-sales-enriched/savepoints/savepoint-")
                .contains("listed up to key dt=2026-11-24/part-00001.json");

        world.writeSales(2);
        CompletableFuture<CliRun> resumed =
                CompletableFuture.supplyAsync(
                        () ->
                                CliRun.of(
                                        with(
                                                args,
                                                "run",
                                                file,
                                                "--target",
                                                target,
                                                "--resume",
                                                "--poll",
                                                "PT0.5S")));
        world.awaitWarehouseEqualsReference(() -> resumed.isDone() ? resumed.join().err() : "");
        assertThat(
                        CliRun.of("stop", "ecommerce-sales-enriched", "--home", home.toString())
                                .exitCode())
                .isZero();
        assertThat(resumed.get(2, TimeUnit.MINUTES).out()).contains("resumed from file:");

        CliRun history = CliRun.of("jobs", "history", "--json", "--home", home.toString());
        JsonNode runs = JSON.readTree(history.out());
        assertThat(runs).hasSize(2);
        assertThat(runs.get(0).get("state").asText()).isEqualTo("STOPPED");
        assertThat(runs.get(0).get("resumed-from").asText())
                .isEqualTo(runs.get(1).get("savepoint").asText());
        CliRun status =
                CliRun.of("jobs", "status", "ecommerce-sales-enriched", "--home", home.toString());
        assertThat(status.out()).contains(runs.get(0).get("id").asText()).contains("STOPPED");
    }

    @Test
    void aBoundedPipelineRunsOnALocalMiniClusterToSucceeded() throws Exception {
        SharedServices.s3().createBucket("run-local");
        try (S3Client s3 = SharedServices.s3().client()) {
            s3.putObject(
                    b -> b.bucket("run-local").key("orders/a.json"),
                    RequestBody.fromString(
                            DemoData.toJsonLines(DemoData.salesFile(0, 300))
                                    // an order without its id: the keyed sink cannot take it
                                    + "{\"quantity\":5,\"unit_price\":2.50,\"product\":\"mug\"}\n"));
        }
        SharedServices.postgres().createDatabase("run_local");
        Path file = home.resolve("orders.yaml");
        Files.writeString(
                file,
                String.join(
                        "\n",
                        "version: 1",
                        "name: local-orders",
                        "settings: {checkpoint-interval: 1 s, restart: {strategy: none}}",
                        "sources:",
                        "  - name: orders",
                        "    type: s3",
                        "    path: s3://run-local/orders/",
                        "    format: json",
                        "    mode: bounded",
                        "    endpoint: ${s3.endpoint}",
                        "    path-style: true",
                        "    access-key: " + S3Service.ACCESS_KEY,
                        "    secret-key: ${s3.secret-key}",
                        "    columns: {order_id: BIGINT, quantity: INT, unit_price: \"DECIMAL(10, 2)\"}",
                        "transforms:",
                        "  - name: big",
                        "    from: orders",
                        "    mappings:",
                        "      - {source: order_id, target: id}",
                        "      - {source: quantity * unit_price, target: total, type: \"DECIMAL(12, 2)\"}",
                        "    filter: quantity >= 3",
                        "sinks:",
                        "  - name: out",
                        "    type: warehouse",
                        "    from: big",
                        "    url: " + SharedServices.postgres().jdbcUrl("run_local"),
                        "    user: ${postgres.user}",
                        "    password: ${postgres.password}",
                        "    table: public.big_orders",
                        "    keys: [id]",
                        ""));
        List<String> args =
                new ArrayList<>(List.of("run", file.toString(), "--home", home.toString()));
        vars(args, "s3.endpoint", SharedServices.s3().endpoint());
        vars(args, "postgres.user", SharedServices.postgres().endpoints().get("user"));
        vars(args, "postgres.password", SharedServices.postgres().endpoints().get("password"));
        vars(args, "s3.secret-key", S3Service.SECRET_KEY);
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out())
                .contains("Flink Web UI: http://127.0.0.1:")
                .containsPattern("Prometheus metrics: http://127\\.0\\.0\\.1:[0-9]+/metrics")
                .contains("SUCCEEDED");

        long expected = DemoData.salesFile(0, 300).stream().filter(s -> s.quantity() >= 3).count();
        try (Connection c = SharedServices.postgres().connect("run_local");
                Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery(
                                "SELECT count(*), count(DISTINCT id) FROM public.big_orders")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(expected);
            assertThat(rs.getLong(2)).isEqualTo(expected);
        }
        // set aside with its reason, where the quarantine command finds it; not replayable
        CliRun quarantined =
                CliRun.of(
                        "quarantine",
                        "list",
                        "local-orders.out",
                        "--json",
                        "--home",
                        home.toString());
        assertThat(quarantined.exitCode()).as(quarantined.err()).isZero();
        JsonNode entries = JSON.readTree(quarantined.out());
        assertThat(entries).hasSize(1);
        assertThat(entries.get(0).get("reason").asText()).contains("key column id null");
        assertThat(entries.get(0).get("raw").asText()).contains("\"total\":\"12.50\"");
        CliRun replay =
                CliRun.of("quarantine", "replay", "local-orders.out", "--home", home.toString());
        assertThat(replay.exitCode()).isEqualTo(ExitCodes.FAILURE);
        assertThat(replay.err()).contains("rows a sink set aside");

        JsonNode list =
                JSON.readTree(CliRun.of("jobs", "list", "--json", "--home", home.toString()).out());
        assertThat(list).hasSize(1);
        assertThat(list.get(0).get("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(list.get(0).get("ended").asText()).isNotBlank();
        assertThat(list.get(0).get("definition-version").asInt()).isEqualTo(1);

        // the run kept its definition in the catalog, as written (the secret is a reference)
        JsonNode definition =
                JSON.readTree(
                        CliRun.of(
                                        "jobs",
                                        "definition",
                                        "local-orders",
                                        "--json",
                                        "--home",
                                        home.toString())
                                .out());
        assertThat(definition.get("version").asInt()).isEqualTo(1);
        assertThat(definition.get("file").asText()).isEqualTo(file.toAbsolutePath().toString());
        assertThat(definition.get("text").asText()).isEqualTo(Files.readString(file));

        // and runs again by its name, from the catalog: the same definition, the same version
        List<String> again =
                new ArrayList<>(List.of("run", "local-orders", "--home", home.toString()));
        vars(again, "s3.endpoint", SharedServices.s3().endpoint());
        vars(again, "postgres.user", SharedServices.postgres().endpoints().get("user"));
        vars(again, "postgres.password", SharedServices.postgres().endpoints().get("password"));
        vars(again, "s3.secret-key", S3Service.SECRET_KEY);
        CliRun byName = CliRun.of(again.toArray(String[]::new));
        assertThat(byName.exitCode()).as(byName.out() + byName.err()).isZero();
        assertThat(byName.out())
                .contains("Running the stored definition of local-orders, version 1")
                .contains("SUCCEEDED");
        JsonNode history =
                JSON.readTree(
                        CliRun.of("jobs", "history", "--json", "--home", home.toString()).out());
        assertThat(history).hasSize(2);
        history.forEach(r -> assertThat(r.get("definition-version").asInt()).isEqualTo(1));
        try (Connection c = SharedServices.postgres().connect("run_local");
                Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery(
                                "SELECT count(*), count(DISTINCT id) FROM public.big_orders")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(expected);
            assertThat(rs.getLong(2)).isEqualTo(expected);
        }
    }

    /**
     * A job of one source and one sink is one chained vertex, whose vertex figure of records sent
     * on stays 0: the progress line counts what the source operator read.
     */
    @Test
    void theProgressLineCountsWhatTheSourcesReadInAOneVertexJob() throws Exception {
        SharedServices.s3().createBucket("run-count");
        try (S3Client s3 = SharedServices.s3().client()) {
            s3.putObject(
                    b -> b.bucket("run-count").key("orders/a.json"),
                    RequestBody.fromString(DemoData.toJsonLines(DemoData.salesFile(0, 300))));
        }
        SharedServices.postgres().createDatabase("run_count");
        Path file = home.resolve("count.yaml");
        Files.writeString(
                file,
                String.join(
                        "\n",
                        "version: 1",
                        "name: counted-orders",
                        "settings: {checkpoint-interval: 1 s}",
                        "sources:",
                        "  - name: orders",
                        "    type: s3",
                        "    path: s3://run-count/orders/",
                        "    format: json",
                        "    endpoint: ${s3.endpoint}",
                        "    path-style: true",
                        "    access-key: " + S3Service.ACCESS_KEY,
                        "    secret-key: " + S3Service.SECRET_KEY,
                        "    columns: {order_id: BIGINT, quantity: INT}",
                        "sinks:",
                        "  - name: out",
                        "    type: warehouse",
                        "    from: orders",
                        "    url: " + SharedServices.postgres().jdbcUrl("run_count"),
                        "    user: ${postgres.user}",
                        "    password: ${postgres.password}",
                        "    table: public.counted_orders",
                        "    keys: [order_id]",
                        ""));
        List<String> args = new ArrayList<>(List.of("--home", home.toString()));
        vars(args, "s3.endpoint", SharedServices.s3().endpoint());
        vars(args, "postgres.user", SharedServices.postgres().endpoints().get("user"));
        vars(args, "postgres.password", SharedServices.postgres().endpoints().get("password"));
        String target = "127.0.0.1:" + SharedServices.flink().restPort();
        CompletableFuture<CliRun> running =
                CompletableFuture.supplyAsync(
                        () ->
                                CliRun.of(
                                        with(
                                                args,
                                                "run",
                                                file.toString(),
                                                "--target",
                                                target,
                                                "--poll",
                                                "PT0.5S")));
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofMinutes(3))
                .pollInterval(java.time.Duration.ofMillis(500))
                .failFast(running::isDone)
                .until(() -> warehouseRows("run_count", "public.counted_orders") == 300);
        // the run has seen a checkpoint taken after every row was read: its line is printed
        long seen = lastCheckpoint();
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofMinutes(2))
                .failFast(running::isDone)
                .until(() -> lastCheckpoint() > seen);
        assertThat(CliRun.of("stop", "counted-orders", "--home", home.toString()).exitCode())
                .isZero();
        CliRun run = running.get(2, TimeUnit.MINUTES);
        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("records from sources 300");
    }

    private long lastCheckpoint() throws Exception {
        JsonNode list =
                JSON.readTree(CliRun.of("jobs", "list", "--json", "--home", home.toString()).out());
        return list.get(0).path("last-checkpoint-id").asLong();
    }

    private static long warehouseRows(String db, String table) {
        try (Connection c = SharedServices.postgres().connect(db);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        } catch (java.sql.SQLException e) {
            return -1; // not created before the first commit
        }
    }

    @Test
    void aRunPastThePipelinesTimeoutIsCancelledAndRecordedAsTimeout() throws Exception {
        SharedServices.s3().createBucket("run-timeout");
        Path file = home.resolve("slow.yaml");
        Files.writeString(
                file,
                String.join(
                        "\n",
                        "version: 1",
                        "name: waits-forever",
                        "settings: {checkpoint-interval: 1 s, timeout: 4 s}",
                        "sources:",
                        "  - name: orders",
                        "    type: s3",
                        "    path: s3://run-timeout/nothing-yet/",
                        "    format: json",
                        "    endpoint: " + SharedServices.s3().endpoint(),
                        "    path-style: true",
                        "    access-key: " + S3Service.ACCESS_KEY,
                        "    secret-key: " + S3Service.SECRET_KEY,
                        "    columns: {order_id: BIGINT}",
                        "sinks:",
                        "  - name: out",
                        "    type: warehouse",
                        "    from: orders",
                        "    url: " + SharedServices.postgres().jdbcUrl("postgres"),
                        "    table: public.never_loaded",
                        ""));
        CliRun run =
                CliRun.of(
                        "run",
                        file.toString(),
                        "--target",
                        "127.0.0.1:" + SharedServices.flink().restPort(),
                        "--poll",
                        "PT0.5S",
                        "--home",
                        home.toString());
        assertThat(run.exitCode()).as(run.out()).isEqualTo(ExitCodes.FAILURE);
        JsonNode status =
                JSON.readTree(
                        CliRun.of(
                                        "jobs",
                                        "status",
                                        "waits-forever",
                                        "--json",
                                        "--home",
                                        home.toString())
                                .out());
        assertThat(status.get("state").asText()).isEqualTo("TIMEOUT");
        assertThat(status.get("error").asText()).contains("timeout PT4S");
        assertThat(status.get("ended").asText()).isNotBlank();
    }

    private static void vars(List<String> args, String name, String value) {
        args.add("--var");
        args.add(name + "=" + value);
    }

    private static String[] with(List<String> base, String... first) {
        List<String> all = new ArrayList<>(List.of(first));
        all.addAll(base);
        return all.toArray(String[]::new);
    }
}
