package io.tributary.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.embedded.SharedServices;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What users do with a crawled table: {@code tributary sql -f} (Flink's SQL client, started by the
 * CLI with the Tributary catalog registered) queries it and inserts into the warehouse through the
 * exactly-once sink; {@code tributary generate} writes a starter pipeline that {@code tributary
 * run} loads into the warehouse as it stands.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CrawledTableCommandsITCase {

    @TempDir Path home;
    @TempDir Path lake;

    private long items;
    private long loaded;

    /** 100 orders as JSON lines under a Hive partition, crawled into retail.sales. */
    private void crawlSales() throws Exception {
        Path part = Files.createDirectories(lake.resolve("sales/dt=2026-11-24"));
        List<String> lines = new ArrayList<>();
        for (int i = 1; i <= 100; i++) {
            int quantity = i % 5 + 1;
            items += quantity;
            loaded += quantity >= 2 ? 1 : 0;
            lines.add(
                    String.format(
                            Locale.ROOT,
                            "{\"order_id\":%d,\"customer_id\":%d,\"quantity\":%d,\"unit_price\":%.2f}",
                            i,
                            i % 7,
                            quantity,
                            1.5 * i));
        }
        Files.write(part.resolve("part-0.json"), lines);
        String location = lake.resolve("sales").toUri().toString();
        CliRun crawl =
                CliRun.of("crawl", location, "--database", "retail", "--home", home.toString());
        assertThat(crawl.exitCode()).as(crawl.err()).isZero();
    }

    @Test
    void generateWritesAPipelineThatLoadsTheTableIntoTheWarehouse() throws Exception {
        crawlSales();
        SharedServices.postgres().createDatabase("gen_wh");
        Path file = home.resolve("generated.yaml");
        CliRun generate =
                CliRun.of(
                        "generate",
                        "retail.sales",
                        "--to",
                        "analytics.sales_copy",
                        "--mode",
                        "bounded",
                        "-o",
                        file.toString(),
                        "--home",
                        home.toString());
        assertThat(generate.exitCode()).as(generate.err()).isZero();
        assertThat(Files.readString(file))
                .contains("type: catalog", "table: \"retail.sales\"", "mappings:")
                .contains("{source: \"unit_price\", target: \"unit_price\", type: \"DOUBLE\"}")
                .contains("{source: \"dt\", target: \"dt\", type: \"STRING\"}");

        CliRun run =
                CliRun.of(
                        "run",
                        file.toString(),
                        "--var",
                        "warehouse-url=" + SharedServices.postgres().jdbcUrl("gen_wh"),
                        "--home",
                        home.toString());
        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("SUCCEEDED");
        try (Connection c = SharedServices.postgres().connect("gen_wh");
                Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery(
                                "SELECT count(*), sum(quantity), count(DISTINCT dt) FROM"
                                        + " analytics.sales_copy")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(100);
            assertThat(rs.getLong(2)).isEqualTo(items);
            assertThat(rs.getLong(3)).isEqualTo(1);
        }
    }

    @Test
    void aScriptQueriesACrawledTableAndLoadsTheWarehouse() throws Exception {
        crawlSales();
        SharedServices.postgres().createDatabase("sql_wh");
        Path script = home.resolve("load.sql");
        Files.writeString(
                script,
                String.join(
                        "\n",
                        "SHOW DATABASES;",
                        "SELECT count(*) AS orders, sum(quantity) AS items FROM retail.sales;",
                        "CREATE TEMPORARY TABLE warehouse_orders (",
                        "  order_id BIGINT, customer_id BIGINT, amount DECIMAL(12, 2), dt DATE,",
                        "  PRIMARY KEY (order_id) NOT ENFORCED",
                        ") WITH (",
                        "  'connector' = 'tributary-redshift',",
                        "  'url' = '" + SharedServices.postgres().jdbcUrl("sql_wh") + "',",
                        "  'schema-name' = 'analytics', 'table-name' = 'orders_from_sql'",
                        ");",
                        "INSERT INTO warehouse_orders",
                        "SELECT order_id, customer_id, CAST(quantity * unit_price AS DECIMAL(12, 2)),",
                        "       CAST(dt AS DATE)",
                        "FROM retail.sales WHERE quantity >= 2;",
                        ""));

        CliRun sql = CliRun.of("sql", "-f", script.toString(), "--home", home.toString());
        assertThat(sql.exitCode()).as(sql.out()).isZero();
        assertThat(sql.out())
                .contains("retail")
                .containsPattern("\\|\\s+100 \\|\\s+" + items + " \\|")
                .contains("Complete execution of the SQL update statement");

        try (Connection c = SharedServices.postgres().connect("sql_wh");
                Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery(
                                "SELECT count(*), count(DISTINCT order_id), min(dt)::text FROM"
                                        + " analytics.orders_from_sql")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(loaded);
            assertThat(rs.getLong(2)).isEqualTo(loaded);
            assertThat(rs.getString(3)).isEqualTo("2026-11-24");
        }
    }

    @Test
    void aFailedStatementFailsTheScriptAndQuarantinedReadsAreReported() throws Exception {
        crawlSales();
        // a record the crawl never saw: its quantity is not a number
        Files.writeString(
                lake.resolve("sales/dt=2026-11-24/part-1.json"),
                "{\"order_id\":101,\"customer_id\":1,\"quantity\":\"many\",\"unit_price\":1.0}\n");
        Path script = home.resolve("fails.sql");
        Files.writeString(
                script,
                "SELECT count(*) AS orders FROM retail.sales;\nSELECT * FROM no_such_table;\n"
                        + "SELECT 'never reached';\n");

        CliRun sql = CliRun.of("sql", "-f", script.toString(), "--home", home.toString());
        assertThat(sql.exitCode()).as(sql.out()).isEqualTo(ExitCodes.FAILURE);
        assertThat(sql.out())
                .containsPattern("\\|\\s+100 \\|")
                .contains("no_such_table")
                .doesNotContain("never reached")
                .contains(
                        "1 record(s) of retail.sales were quarantined by this session's reads:"
                                + " tributary quarantine list 'retail.sales'");

        CliRun list = CliRun.of("quarantine", "list", "retail.sales", "--home", home.toString());
        assertThat(list.exitCode()).as(list.err()).isZero();
        assertThat(list.out()).contains("part-1.json line 1").contains("1 quarantined record(s)");
        try (var files = Files.walk(lake)) {
            assertThat(files.map(Path::toString)).noneMatch(p -> p.contains("_tributary"));
        }
    }

    /** A client of the SQL Gateway's REST API queries a crawled table without USE CATALOG. */
    @Test
    void gatewaySessionsStartInTheTributaryCatalog() throws Exception {
        crawlSales();
        int port = io.tributary.embedded.internal.Ports.freePort();
        Path log = home.resolve("gateway.log");
        Process gateway =
                CliProcess.start(
                        List.of(
                                "sql",
                                "--gateway",
                                "--gateway-port",
                                Integer.toString(port),
                                "--home",
                                home.toString()),
                        java.util.Map.of(),
                        log);
        var http = java.net.http.HttpClient.newHttpClient();
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        String base = "http://127.0.0.1:" + port + "/v1";
        try {
            org.awaitility.Awaitility.await()
                    .atMost(java.time.Duration.ofMinutes(2))
                    .failFast(() -> !gateway.isAlive())
                    .ignoreExceptions()
                    .until(() -> get(http, base + "/info").has("productName"));
            String session = post(http, base + "/sessions", "{}").get("sessionHandle").asText();
            String operation =
                    post(
                                    http,
                                    base + "/sessions/" + session + "/statements",
                                    "{\"statement\": \"SELECT count(*) FROM retail.sales\"}")
                            .get("operationHandle")
                            .asText();
            String next =
                    base.replace("/v1", "")
                            + "/v1/sessions/"
                            + session
                            + "/operations/"
                            + operation
                            + "/result/0?rowFormat=JSON";
            List<Long> counts = new ArrayList<>();
            long deadline = System.nanoTime() + java.time.Duration.ofMinutes(2).toNanos();
            while (next != null && counts.isEmpty() && System.nanoTime() < deadline) {
                com.fasterxml.jackson.databind.JsonNode page = get(http, next);
                page.at("/results/data").forEach(row -> counts.add(row.at("/fields/0").asLong()));
                String uri = page.path("nextResultUri").asText(null);
                next = uri == null ? null : "http://127.0.0.1:" + port + uri;
                if (counts.isEmpty() && "NOT_READY".equals(page.path("resultType").asText())) {
                    Thread.sleep(200); // the gateway's own "not ready yet": ask again
                }
            }
            assertThat(counts).as(Files.readString(log)).containsExactly(100L);
        } finally {
            gateway.descendants().forEach(ProcessHandle::destroy);
            gateway.destroy();
            gateway.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static com.fasterxml.jackson.databind.JsonNode get(
            java.net.http.HttpClient http, String url) throws Exception {
        var r =
                http.send(
                        java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body());
    }

    private static com.fasterxml.jackson.databind.JsonNode post(
            java.net.http.HttpClient http, String url, String body) throws Exception {
        var r =
                http.send(
                        java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
                                .header("Content-Type", "application/json")
                                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body());
    }
}
