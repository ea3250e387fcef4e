package io.tributary.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.embedded.SharedServices;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Names and values built to break SQL: a folder, a partition, CSV headers and MySQL columns with
 * quotes, backticks, semicolons, comment markers, spaces, unicode, reserved words and a 200-byte
 * name. They are crawled into the catalog as they are, `generate` and `run` load them into the
 * warehouse as they are (the 200-byte one is refused with its name until a mapping renames it,
 * since PostgreSQL would truncate it), and the canary table beside them survives.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HostileNamesITCase {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LONG = "c".repeat(200);

    /** A table folder that is an SQL injection (no dot: catalog names are db.table). */
    private static final String TABLE = "Sales \"Q4\"; DROP TABLE canary_canary; --";

    @TempDir Path home;
    @TempDir Path lake;

    @Test
    void hostileNamesAreCrawledAndLoadedVerbatimAndTheCanarySurvives() throws Exception {
        SharedServices.postgres().createDatabase("hostile_wh");
        try (Connection c = SharedServices.postgres().connect("hostile_wh");
                Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS canary_canary");
            s.execute("CREATE TABLE canary_canary (alive boolean)");
            s.execute("INSERT INTO canary_canary VALUES (true)");
        }
        Path part = Files.createDirectories(lake.resolve(TABLE).resolve("région=Île-de-France"));
        Files.writeString(
                part.resolve("part-0.csv"),
                String.join(
                        "\n",
                        "select,\"a\"\"b\",\"semi;colon\",back`tick,ünïcödé,Mixed Case,-- comment,"
                                + LONG,
                        "1,\"x\"\"; DROP TABLE canary_canary; --\",\";\",it's,日本語,7,/* */,long",
                        "2,\"'),(3\",\"\"\";\",'';DELETE FROM canary_canary;--,ü,8,--,value",
                        ""),
                StandardCharsets.UTF_8);
        List<String> names = new ArrayList<>();
        int tried = 0;

        // crawled: every name as it is in the file and the folder
        CliRun crawl =
                CliRun.of(
                        "crawl",
                        lake.resolve(TABLE).toUri().toString(),
                        "--database",
                        "hostile",
                        "--home",
                        home.toString());
        assertThat(crawl.exitCode()).as(crawl.out() + crawl.err()).isZero();
        names.addAll(columnsInCatalog("hostile." + TABLE));
        List<String> expected =
                List.of(
                        "select",
                        "a\"b",
                        "semi;colon",
                        "back`tick",
                        "ünïcödé",
                        "Mixed Case",
                        "-- comment",
                        LONG,
                        "région");
        assertThat(names).containsExactlyElementsOf(expected);
        tried += expected.size() + 1;

        // generated and run as it is: the 200-byte name is refused, by name, before anything runs
        Path file = home.resolve("hostile.yaml");
        CliRun generate =
                CliRun.of(
                        "generate",
                        "hostile." + TABLE,
                        "--to",
                        "analytics.hostile_sales",
                        "--mode",
                        "bounded",
                        "--url",
                        SharedServices.postgres().jdbcUrl("hostile_wh"),
                        "-o",
                        file.toString(),
                        "--home",
                        home.toString());
        assertThat(generate.exitCode()).as(generate.out() + generate.err()).isZero();
        CliRun refused = CliRun.of("run", file.toString(), "--home", home.toString());
        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.out() + refused.err())
                .contains("is 200 bytes; postgres allows 63")
                .contains("Rename it in the pipeline");

        // renamed in the mapping, as the message says: loaded, every other name verbatim
        String yaml = Files.readString(file);
        String renamed = yaml.replace("target: \"" + LONG + "\"", "target: \"long_column\"");
        assertThat(renamed).isNotEqualTo(yaml);
        Files.writeString(file, renamed);
        CliRun run = CliRun.of("run", file.toString(), "--home", home.toString());
        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("SUCCEEDED");

        try (Connection c = SharedServices.postgres().connect("hostile_wh");
                Statement s = c.createStatement()) {
            List<String> columns = new ArrayList<>();
            try (ResultSet rs =
                    s.executeQuery(
                            "SELECT column_name FROM information_schema.columns WHERE"
                                    + " table_schema = 'analytics' AND table_name ="
                                    + " 'hostile_sales' ORDER BY ordinal_position")) {
                while (rs.next()) {
                    columns.add(rs.getString(1));
                }
            }
            assertThat(columns)
                    .containsExactlyElementsOf(
                            expected.stream()
                                    .map(n -> n.equals(LONG) ? "long_column" : n)
                                    .toList());
            List<String> rows = new ArrayList<>();
            try (ResultSet rs =
                    s.executeQuery(
                            "SELECT \"select\", \"a\"\"b\", \"semi;colon\", \"back`tick\","
                                    + " \"ünïcödé\", \"Mixed Case\", \"-- comment\", long_column,"
                                    + " \"région\" FROM analytics.hostile_sales ORDER BY 1")) {
                while (rs.next()) {
                    List<String> r = new ArrayList<>();
                    for (int i = 1; i <= 9; i++) {
                        r.add(rs.getString(i));
                    }
                    rows.add(String.join("|", r));
                }
            }
            assertThat(rows)
                    .containsExactly(
                            "1|x\"; DROP TABLE canary_canary; --|;|it's|日本語|7|/* */|long|Île-de-France",
                            "2|'),(3|\";|'';DELETE FROM canary_canary;--|ü|8|--|value|Île-de-France");
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM canary_canary WHERE alive")) {
                rs.next();
                assertThat(rs.getLong(1)).as("the canary").isEqualTo(1);
            }
        }

        // MySQL columns named to break SQL: crawled verbatim
        SharedServices.mariadb().createDatabase("hostile_shop");
        try (Connection c = SharedServices.mariadb().connect("hostile_shop");
                Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS `order`");
            s.execute(
                    "CREATE TABLE `order` (`select` INT PRIMARY KEY, `a\"b` VARCHAR(20),"
                            + " `back``tick` VARCHAR(20), `semi;colon` INT, `ünïcödé` TEXT,"
                            + " `-- comment` INT, `Mixed Case` DATE)");
            s.execute("INSERT INTO `order` VALUES (1, 'x', 'y', 2, 'z', 3, '2026-11-24')");
        }
        CliRun jdbc =
                CliRun.of(
                        "crawl",
                        SharedServices.mariadb().jdbcUrl("hostile_shop"),
                        "--database",
                        "hostile_shop",
                        "--home",
                        home.toString());
        assertThat(jdbc.exitCode()).as(jdbc.out() + jdbc.err()).isZero();
        List<String> mysqlNames = columnsInCatalog("hostile_shop.order");
        assertThat(mysqlNames)
                .containsExactly(
                        "select",
                        "a\"b",
                        "back`tick",
                        "semi;colon",
                        "ünïcödé",
                        "-- comment",
                        "Mixed Case");
        tried += mysqlNames.size() + 1;
        System.out.printf(
                "reliability: hostile names: %d names crawled and loaded verbatim (one 200-byte name"
                        + " refused by name until renamed), canary alive%n",
                tried);
    }

    /** The table's columns then partition keys, as {@code tributary catalog describe} has them. */
    private List<String> columnsInCatalog(String table) throws Exception {
        CliRun describe =
                CliRun.of("catalog", "describe", table, "--json", "--home", home.toString());
        assertThat(describe.exitCode())
                .as(
                        describe.err()
                                + CliRun.of(
                                                "catalog",
                                                "tables",
                                                table.substring(0, table.indexOf('.')),
                                                "--home",
                                                home.toString())
                                        .out())
                .isZero();
        JsonNode described = JSON.readTree(describe.out());
        List<String> out = new ArrayList<>();
        for (String part : List.of("columns", "partitionKeys")) {
            for (JsonNode c : described.path(part)) {
                out.add(c.path("name").asText());
            }
        }
        return out;
    }
}
