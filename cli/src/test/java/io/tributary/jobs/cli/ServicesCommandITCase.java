package io.tributary.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.embedded.internal.Ports;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class ServicesCommandITCase {

    /**
     * Cleaned here, after {@code services down}, and best-effort: the in-process CLI's embedded
     * catalog store (H2) may still flush a file while JUnit deletes the folder.
     */
    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.NEVER)
    Path home;

    @TempDir Path crawled;

    @AfterEach
    void alwaysStop() {
        CliRun.of("services", "down", "--home", home.toString());
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(home)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            // a file written while walking: left to the machine's temp cleanup
        }
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void upPrintsWorkingEndpointsAndDownLeavesNoProcessBehind() throws Exception {
        // a continuous crawler defined before: the services run it
        Path sales = crawled.resolve("sales/dt=2026-12-01/part-0.json");
        Files.createDirectories(sales.getParent());
        Files.writeString(sales, "{\"order_id\": 1, \"customer_id\": 7}\n");
        CliRun create =
                CliRun.of(
                        "crawlers",
                        "create",
                        "sales",
                        "--target",
                        crawled.resolve("sales").toUri().toString(),
                        "--database",
                        "retail",
                        "--schedule",
                        "continuous",
                        "--home",
                        home.toString());
        assertThat(create.exitCode()).as(create.err()).isZero();

        CliRun up = CliRun.of("services", "up", "--json", "--home", home.toString());
        assertThat(up.exitCode()).as(up.err()).isZero();
        JsonNode state = new ObjectMapper().readTree(up.out());
        JsonNode services = state.get("services");
        assertThat(services.fieldNames())
                .toIterable()
                .containsExactly(
                        "postgres",
                        "mariadb",
                        "kafka",
                        "s3",
                        "flink",
                        "schema-registry",
                        "iceberg-rest");

        // every endpoint printed is one a client can use
        try (Connection pg =
                        DriverManager.getConnection(services.at("/postgres/jdbc-url").asText());
                ResultSet rs = pg.createStatement().executeQuery("SHOW wal_level")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("logical");
        }
        try (Connection my =
                        DriverManager.getConnection(services.at("/mariadb/jdbc-url").asText());
                ResultSet rs = my.createStatement().executeQuery("SELECT @@binlog_format")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("ROW");
        }
        HttpResponse<String> overview =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(
                                                URI.create(
                                                        services.at("/flink/web-ui").asText()
                                                                + "/overview"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
        assertThat(overview.statusCode()).isEqualTo(200);
        assertThat(services.at("/s3/bucket").asText()).isEqualTo("tributary");
        HttpResponse<String> subjects =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(
                                                URI.create(
                                                        services.at("/schema-registry/url").asText()
                                                                + "/subjects"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
        assertThat(subjects.statusCode()).isEqualTo(200);
        // nothing but what the crawler defined above registers (it may have run already)
        assertThat(subjects.body()).isIn("[]", "[\"retail.sales-value\"]");
        List<Integer> ports = new ArrayList<>();
        for (String p : List.of("/postgres/port", "/mariadb/port")) {
            ports.add(services.at(p).asInt());
        }
        ports.add(Integer.parseInt(services.at("/kafka/bootstrap-servers").asText().split(":")[1]));
        ports.add(URI.create(services.at("/s3/endpoint").asText()).getPort());
        ports.add(URI.create(services.at("/flink/web-ui").asText()).getPort());
        ports.add(URI.create(services.at("/schema-registry/url").asText()).getPort());
        assertThat(ports).allMatch(Ports::isOpen);

        // crawled from the embedded S3, generated, run as generated: the services' endpoints
        // fill the generated pipeline's S3 settings
        try (var s3 =
                new io.tributary.objectstore.S3Settings(
                                services.at("/s3/endpoint").asText(),
                                services.at("/s3/region").asText(),
                                true,
                                services.at("/s3/access-key").asText(),
                                services.at("/s3/secret-key").asText())
                        .client()) {
            s3.putObject(
                    b -> b.bucket("tributary").key("gen/orders/a.json"),
                    software.amazon.awssdk.core.sync.RequestBody.fromString(
                            "{\"id\": 1, \"qty\": 2}\n{\"id\": 2, \"qty\": 5}\n"));
        }
        CliRun crawl =
                CliRun.of(
                        "crawl",
                        "s3://tributary/gen/",
                        "--database",
                        "gen",
                        "--home",
                        home.toString());
        assertThat(crawl.exitCode()).as(crawl.out() + crawl.err()).isZero();
        Path pipeline = home.resolve("gen.yaml");
        CliRun generate =
                CliRun.of(
                        "generate",
                        "gen.orders",
                        "--to",
                        "public.gen_orders",
                        "--mode",
                        "bounded",
                        "--url",
                        services.at("/postgres/jdbc-url").asText(),
                        "-o",
                        pipeline.toString(),
                        "--home",
                        home.toString());
        assertThat(generate.exitCode()).as(generate.err()).isZero();
        CliRun run = CliRun.of("run", pipeline.toString(), "--home", home.toString());
        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("SUCCEEDED");
        try (Connection pg =
                        DriverManager.getConnection(services.at("/postgres/jdbc-url").asText());
                ResultSet rs =
                        pg.createStatement()
                                .executeQuery("SELECT count(*), sum(qty) FROM public.gen_orders")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(2);
            assertThat(rs.getLong(2)).isEqualTo(7);
        }

        // the same files into the lake: an Iceberg table that Iceberg's own REST client loads
        // from the services' endpoint and reads, and that `catalog describe` shows
        Path lake = home.resolve("lake.yaml");
        java.nio.file.Files.writeString(
                lake,
                String.join(
                        "\n",
                        "version: 1",
                        "name: gen-orders-lake",
                        "settings:",
                        "  parallelism: 1",
                        "  checkpoint-interval: 1 s",
                        "sources:",
                        "  - name: orders",
                        "    type: s3",
                        "    path: s3://tributary/gen/orders/",
                        "    format: json",
                        "    mode: bounded",
                        "    endpoint: ${s3.endpoint}",
                        "    path-style: true",
                        "    access-key: ${s3.access-key}",
                        "    secret-key: ${s3.secret-key}",
                        "    columns:",
                        "      id: BIGINT NOT NULL",
                        "      qty: INT",
                        "sinks:",
                        "  - name: lake",
                        "    type: lake",
                        "    from: orders",
                        "    table: lake.orders",
                        "    keys: [id]",
                        "    warehouse: s3://tributary/lake",
                        "    partition-by: [bucket(4, id)]",
                        "    endpoint: ${s3.endpoint}",
                        "    path-style: true",
                        "    access-key: ${s3.access-key}",
                        "    secret-key: ${s3.secret-key}",
                        ""));
        CliRun toLake = CliRun.of("run", lake.toString(), "--home", home.toString());
        assertThat(toLake.exitCode()).as(toLake.out() + toLake.err()).isZero();
        org.apache.iceberg.rest.RESTCatalog rest = new org.apache.iceberg.rest.RESTCatalog();
        rest.initialize(
                "lake",
                java.util.Map.of(
                        "uri",
                        services.at("/iceberg-rest/uri").asText(),
                        // S3Proxy takes the AWS SDK's checksums only where S3 requires them
                        "s3.client-factory-impl",
                        io.tributary.catalog.iceberg.S3CompatibleClientFactory.class.getName()));
        org.apache.iceberg.Table orders =
                rest.loadTable(org.apache.iceberg.catalog.TableIdentifier.of("lake", "orders"));
        List<String> rows = new ArrayList<>();
        try (var records = org.apache.iceberg.data.IcebergGenerics.read(orders).build()) {
            records.forEach(r -> rows.add(r.getField("id") + "|" + r.getField("qty")));
        }
        rest.close();
        assertThat(rows).containsExactlyInAnyOrder("1|2", "2|5");
        assertThat(orders.location()).startsWith("s3://tributary/lake/lake/orders");
        CliRun describe =
                CliRun.of("catalog", "describe", "lake.orders", "--home", home.toString());
        assertThat(describe.out())
                .contains("format    iceberg")
                .contains("snapshots 1")
                .contains("2 rows")
                .contains("bucket[4]");
        CliRun snapshots =
                CliRun.of("catalog", "snapshots", "lake.orders", "--home", home.toString());
        assertThat(snapshots.exitCode()).as(snapshots.err()).isZero();
        assertThat(snapshots.out())
                .contains("overwrite") // an upsert: rows with equality deletes
                .contains("+2 rows (2 total)")
                .contains("checkpoint end of input")
                .contains("(current)");
        // the pipeline gains a column: the lake table evolves, and its schema history shows
        // which snapshots were written with which schema
        java.nio.file.Files.writeString(
                lake,
                java.nio.file.Files.readString(lake)
                        .replace("      qty: INT", "      qty: INT\n      note: STRING"));
        CliRun evolved = CliRun.of("run", lake.toString(), "--home", home.toString());
        assertThat(evolved.exitCode()).as(evolved.out() + evolved.err()).isZero();
        CliRun versions =
                CliRun.of(
                        "catalog", "versions", "lake.orders", "--json", "--home", home.toString());
        assertThat(versions.exitCode()).as(versions.err()).isZero();
        JsonNode schemas = new ObjectMapper().readTree(versions.out());
        assertThat(schemas).hasSize(2);
        assertThat(schemas.get(0).get("snapshots").asInt()).isEqualTo(1);
        assertThat(schemas.get(0).get("schema").toString()).doesNotContain("note");
        assertThat(schemas.get(1).get("current").asBoolean()).isTrue();
        assertThat(schemas.get(1).get("snapshots").asInt()).isEqualTo(1);
        assertThat(schemas.get(1).get("schema").toString()).contains("\"note\"");
        CliRun notLake = CliRun.of("catalog", "snapshots", "gen.orders", "--home", home.toString());
        assertThat(notLake.exitCode()).isNotZero();
        assertThat(notLake.err()).contains("only lake (Iceberg) tables have snapshots");

        CliRun status = CliRun.of("services", "status", "--json", "--home", home.toString());
        assertThat(status.exitCode()).isZero();
        JsonNode statusJson = new ObjectMapper().readTree(status.out());
        assertThat(statusJson.get("running").asBoolean()).isTrue();
        statusJson.get("answering").forEach(a -> assertThat(a.asBoolean()).isTrue());
        // one endpoint for a script (examples/ecommerce/crawlers.sh), and a clear no
        CliRun endpoint =
                CliRun.of("services", "status", "--get", "s3.endpoint", "--home", home.toString());
        assertThat(endpoint.exitCode()).isZero();
        assertThat(endpoint.out().strip())
                .isEqualTo(statusJson.at("/state/services/s3/endpoint").asText())
                .startsWith("http://127.0.0.1:");
        CliRun unknown =
                CliRun.of("services", "status", "--get", "s3.nope", "--home", home.toString());
        assertThat(unknown.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(unknown.err()).contains("No endpoint 's3.nope'");
        // the examples' databases are there
        try (java.sql.Connection c =
                java.sql.DriverManager.getConnection(
                        statusJson
                                .at("/state/services/postgres/jdbc-url")
                                .asText()
                                .replaceFirst("/postgres(\\?|$)", "/warehouse$1"))) {
            assertThat(c.isValid(5)).isTrue();
        }

        // the crawler ran in the daemon: the table is in the catalog, the run recorded
        long until = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        CliRun shown = CliRun.of("crawlers", "show", "sales", "--json", "--home", home.toString());
        while (!shown.out().contains("\"tablesCreated\":[\"sales\"]")
                && System.nanoTime() < until) {
            Thread.sleep(200);
            shown = CliRun.of("crawlers", "show", "sales", "--json", "--home", home.toString());
        }
        JsonNode crawler = new ObjectMapper().readTree(shown.out());
        assertThat(crawler.at("/status/lastRun/tablesCreated/0").asText())
                .as("the services' crawler: %s", shown.out())
                .isEqualTo("sales");
        assertThat(crawler.at("/status/running").asBoolean()).isTrue();
        assertThat(crawler.at("/status/runningIn").asText())
                .startsWith("services " + state.get("pid").asLong() + "@");
        assertThat(CliRun.of("catalog", "tables", "retail", "--home", home.toString()).out())
                .contains("sales");
        // its schema went to the services' registry (gen.orders, crawled above, is there too)
        assertThat(
                        HttpClient.newHttpClient()
                                .send(
                                        HttpRequest.newBuilder(
                                                        URI.create(
                                                                services.at("/schema-registry/url")
                                                                                .asText()
                                                                        + "/subjects"))
                                                .build(),
                                        HttpResponse.BodyHandlers.ofString())
                                .body())
                .contains("\"retail.sales-value\"");

        // up again is idempotent: same daemon
        CliRun again = CliRun.of("services", "up", "--json", "--home", home.toString());
        assertThat(new ObjectMapper().readTree(again.out()).get("pid").asLong())
                .isEqualTo(state.get("pid").asLong());

        List<Long> pids = new ArrayList<>(List.of(state.get("pid").asLong()));
        state.get("pids").forEach(p -> pids.add(p.asLong()));
        assertThat(pids).hasSize(3).allMatch(p -> ProcessHandle.of(p).isPresent());

        CliRun down = CliRun.of("services", "down", "--home", home.toString());
        assertThat(down.exitCode()).isZero();
        assertThat(pids)
                .allSatisfy(
                        p ->
                                assertThat(
                                                ProcessHandle.of(p)
                                                        .map(ProcessHandle::isAlive)
                                                        .orElse(false))
                                        .as("process %d still alive after down", p)
                                        .isFalse());
        assertThat(ports).noneMatch(Ports::isOpen);

        CliRun after = CliRun.of("services", "status", "--home", home.toString());
        assertThat(after.exitCode()).isEqualTo(ExitCodes.NOT_RUNNING);
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void ctrlCOnTheForegroundServicesStopsEveryDatabaseProcess() throws Exception {
        java.nio.file.Files.createDirectories(home.resolve("logs"));
        Process foreground =
                JvmLauncher.start(
                        List.of("services", "run", "--home", home.toString()),
                        home.resolve("logs").resolve("foreground.log"));
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (ServicesCommand.runningState(home).isEmpty()) {
            assertThat(foreground.isAlive()).as("services run exited early").isTrue();
            assertThat(System.nanoTime()).as("services did not come up").isLessThan(deadline);
            Thread.sleep(200);
        }
        JsonNode state = ServicesCommand.runningState(home).orElseThrow();
        List<Long> databases = new ArrayList<>();
        state.get("pids").forEach(p -> databases.add(p.asLong()));
        assertThat(databases).hasSize(2);

        // what a terminal sends on Ctrl-C
        new ProcessBuilder("kill", "-INT", Long.toString(foreground.pid())).start().waitFor();

        assertThat(foreground.waitFor(90, TimeUnit.SECONDS)).isTrue();
        for (long pid : databases) {
            ProcessHandle.of(pid).ifPresent(p -> p.onExit().orTimeout(30, TimeUnit.SECONDS).join());
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                    .as("database process %d outlived Ctrl-C", pid)
                    .isFalse();
        }
        assertThat(ServicesCommand.stateFile(home)).doesNotExist();
    }

    @Test
    void statusOfAStackNeverStartedSaysSo() {
        CliRun status = CliRun.of("services", "status", "--home", home.toString());
        assertThat(status.exitCode()).isEqualTo(ExitCodes.NOT_RUNNING);
        assertThat(status.out()).contains("not running");
    }
}
