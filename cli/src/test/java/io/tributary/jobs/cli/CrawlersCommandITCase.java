package io.tributary.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.embedded.MariaDbService;
import io.tributary.embedded.SharedServices;
import io.tributary.embedded.internal.Ports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tributary crawlers ...} as a user runs them: definitions kept in the catalog, runs
 * recorded, a file state that survives the process, and definitions refused before anything is
 * stored.
 */
class CrawlersCommandITCase {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path home;
    @TempDir Path data;

    private void write(String key, String text) throws Exception {
        Path p = data.resolve(key);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }

    private CliRun run(String... args) {
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--home";
        all[args.length + 1] = home.toString();
        return CliRun.of(all);
    }

    private JsonNode json(CliRun r) throws Exception {
        assertThat(r.exitCode()).as(r.err() + r.out()).isZero();
        return JSON.readTree(r.out());
    }

    /** The shop database on the shared MariaDB, reached without a password in its URL. */
    private static String shop() throws Exception {
        MariaDbService db = SharedServices.mariadb();
        db.createDatabase("crawlers_shop");
        try (Connection c = db.connect("crawlers_shop");
                Statement s = c.createStatement()) {
            s.execute(
                    "CREATE TABLE IF NOT EXISTS customers (customer_id INT PRIMARY KEY, name"
                            + " VARCHAR(100) NOT NULL, country CHAR(2))");
        }
        return "jdbc:mysql://"
                + Ports.LOOPBACK
                + ":"
                + db.port()
                + "/crawlers_shop?useSSL=false&allowPublicKeyRetrieval=true&serverTimezone=UTC";
    }

    @Test
    void definedCrawlersRunRecordTheirRunsAndRememberTheirFiles() throws Exception {
        write("sales/dt=2026-12-01/part-0.json", "{\"order_id\": 1, \"customer_id\": 7}\n");
        write("sales/dt=2026-12-01/part-1.json", "{\"order_id\": 2, \"customer_id\": 8}\n");
        String sales = data.resolve("sales").toUri().toString();
        Path password = data.resolve("shop.password");
        Files.writeString(password, MariaDbService.PASSWORD + "\n");
        String shop = shop();

        CliRun created =
                run(
                        "crawlers",
                        "create",
                        "sales",
                        "--target",
                        sales,
                        "--database",
                        "retail",
                        "--schedule",
                        "continuous",
                        "--exclude",
                        "**.tmp");
        assertThat(created.exitCode()).as(created.err()).isZero();
        assertThat(created.out()).contains("crawler sales").contains("continuous");
        json(
                run(
                        "crawlers",
                        "create",
                        "customers",
                        "--target",
                        shop,
                        "--database",
                        "retail",
                        "--user",
                        MariaDbService.USER,
                        "--password-file",
                        password.toString(),
                        "--json"));

        JsonNode list = json(run("crawlers", "list", "--json"));
        assertThat(list).hasSize(2);
        assertThat(list.get(0).get("name").asText()).isEqualTo("customers");
        assertThat(list.get(0).get("jdbcPassword").asText()).isEqualTo("file:" + password);
        assertThat(list.get(1).get("schedule").asText()).startsWith("continuous");
        assertThat(list.get(1).get("excludes").get(0).asText()).isEqualTo("**.tmp");
        assertThat(run("crawlers", "list").out()).contains("READY").contains("on demand");

        // a pass by hand: the tables appear, the run is recorded
        JsonNode first = json(run("crawlers", "start", "customers", "--json"));
        assertThat(first.get("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(first.get("tablesCreated").get(0).asText()).isEqualTo("customers");
        JsonNode salesRun = json(run("crawlers", "start", "sales", "--json"));
        assertThat(salesRun.get("tablesCreated").get(0).asText()).isEqualTo("sales");
        assertThat(salesRun.get("filesSampled").asInt()).isEqualTo(2);
        // the pass by hand gave its lease up: a service may run the crawler now
        JsonNode status = json(run("crawlers", "show", "sales", "--json")).get("status");
        assertThat(status.get("running").asBoolean()).isFalse();
        assertThat(status.get("lastPass").asText()).isNotBlank();
        assertThat(json(run("catalog", "tables", "retail", "--json")))
                .extracting(t -> t.get("name").asText())
                .containsExactlyInAnyOrder("customers", "sales");

        // a later process samples only the file that is new: the state is in the catalog
        write(
                "sales/dt=2026-12-02/part-0.json",
                "{\"order_id\": 3, \"customer_id\": 7, \"coupon\": \"X\"}\n");
        write("sales/dt=2026-12-02/ignored.tmp", "not data");
        JsonNode second = json(run("crawlers", "start", "sales", "--json"));
        assertThat(second.get("filesListed").asInt()).isEqualTo(3);
        assertThat(second.get("filesSampled").asInt()).isEqualTo(1);
        assertThat(second.get("partitionsAdded").asInt()).isEqualTo(1);
        assertThat(second.get("versionsRegistered").asInt()).isEqualTo(1);
        assertThat(second.get("tablesUpdated").get(0).asText()).isEqualTo("sales");

        JsonNode runs = json(run("crawlers", "runs", "sales", "--json"));
        assertThat(runs).hasSize(2);
        assertThat(runs.get(0).get("id").asText()).isEqualTo(second.get("id").asText());
        assertThat(runs.get(0).get("trigger").asText()).isEqualTo("manual");
        assertThat(run("crawlers", "runs", "sales").out()).contains("SUCCEEDED").contains("+1");

        // stop pauses the schedule, start resumes it
        assertThat(run("crawlers", "stop", "sales").out()).contains("crawler sales stopped");
        assertThat(run("crawlers", "show", "sales").out()).contains("STOPPED");
        CliRun resumed = run("crawlers", "start", "sales");
        assertThat(resumed.err()).contains("its schedule resumes");
        assertThat(json(run("crawlers", "show", "sales", "--json")).get("stopped").asBoolean())
                .isFalse();

        // the password file's content is nowhere in what the commands print
        for (String[] cmd :
                new String[][] {
                    {"crawlers", "show", "customers"},
                    {"crawlers", "show", "customers", "--json"},
                    {"crawlers", "runs", "customers", "--json"}
                }) {
            CliRun r = run(cmd);
            assertThat(r.out() + r.err()).doesNotContain("password=");
        }

        assertThat(run("crawlers", "delete", "customers").out()).contains("deleted");
        assertThat(json(run("crawlers", "list", "--json"))).hasSize(1);
        assertThat(json(run("catalog", "tables", "retail", "--json"))).hasSize(2);
    }

    @Test
    void badDefinitionsAreRefusedNamingTheFixAndNothingIsStored() throws Exception {
        write("sales/2026/part-0.json", "{\"order_id\": 1}\n");
        String sales = data.resolve("sales").toUri().toString();
        json(
                run(
                        "crawlers",
                        "create",
                        "sales",
                        "--target",
                        sales,
                        "--database",
                        "retail",
                        "--json"));

        CliRun overlap =
                run(
                        "crawlers",
                        "create",
                        "sales-2026",
                        "--target",
                        data.resolve("sales/2026").toUri().toString(),
                        "--database",
                        "retail");
        assertThat(overlap.exitCode()).isEqualTo(ExitCodes.FAILURE);
        assertThat(overlap.err())
                .contains("Crawler 'sales-2026'")
                .contains("overlaps crawler 'sales'")
                .contains("another --database");

        CliRun unreachable =
                run(
                        "crawlers",
                        "create",
                        "shop",
                        "--target",
                        "jdbc:mysql://127.0.0.1:" + Ports.freePort() + "/shop",
                        "--database",
                        "retail",
                        "--user",
                        "shop");
        assertThat(unreachable.exitCode()).isEqualTo(ExitCodes.FAILURE);
        assertThat(unreachable.err()).contains("cannot be reached").contains("--no-check");

        CliRun secret =
                run(
                        "crawlers",
                        "create",
                        "shop",
                        "--target",
                        SharedServices.mariadb().jdbcUrl("shop"),
                        "--database",
                        "retail");
        assertThat(secret.exitCode()).isEqualTo(ExitCodes.FAILURE);
        assertThat(secret.err()).contains("carries a password").doesNotContain("password=");

        CliRun missingFolder =
                run(
                        "crawlers",
                        "create",
                        "gone",
                        "--target",
                        data.resolve("nothing-here").toUri().toString(),
                        "--database",
                        "other");
        assertThat(missingFolder.exitCode()).isEqualTo(ExitCodes.FAILURE);
        assertThat(missingFolder.err()).contains("Crawler 'gone'").contains("cannot be listed");

        CliRun schedule =
                run(
                        "crawlers",
                        "create",
                        "x",
                        "--target",
                        sales,
                        "--database",
                        "other",
                        "--schedule",
                        "sometimes");
        assertThat(schedule.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(schedule.err()).contains("not a schedule");

        CliRun same = run("crawlers", "create", "sales", "--target", sales, "--database", "other");
        assertThat(same.exitCode()).isEqualTo(ExitCodes.FAILURE);
        assertThat(same.err()).contains("exists already");

        assertThat(json(run("crawlers", "list", "--json")))
                .extracting(c -> c.get("name").asText())
                .containsExactly("sales");

        CliRun unknown = run("crawlers", "start", "nope");
        assertThat(unknown.exitCode()).isEqualTo(ExitCodes.FAILURE);
        assertThat(unknown.err()).contains("No crawler named 'nope'").contains("crawlers list");
    }
}
