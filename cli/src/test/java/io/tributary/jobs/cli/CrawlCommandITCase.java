package io.tributary.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tributary crawl} and {@code tributary catalog ...} as a user runs them. */
class CrawlCommandITCase {

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

    @Test
    void crawlThenBrowseTheCatalogAsTextAndJson() throws Exception {
        write("sales/year=2024/part-0.json", "{\"sale_id\": 1, \"amount\": 2.5}\n");
        write("sales/year=2025/part-0.json", "{\"sale_id\": 2, \"amount\": 3}\n");
        String location = data.resolve("sales").toUri().toString();

        JsonNode report = json(run("crawl", location, "--database", "retail", "--json"));
        assertThat(report.get("tablesCreated").get(0).asText()).isEqualTo("sales");
        assertThat(report.get("filesListed").asInt()).isEqualTo(2);
        assertThat(report.get("versionsRegistered").asInt()).isEqualTo(1);

        assertThat(run("catalog", "databases").out()).contains("retail");
        assertThat(json(run("catalog", "tables", "retail", "--json")).get(0).get("name").asText())
                .isEqualTo("sales");

        JsonNode describe = json(run("catalog", "describe", "retail.sales", "--json"));
        assertThat(describe.get("name").asText()).isEqualTo("sales");
        assertThat(describe.get("location").asText()).isEqualTo(location);
        assertThat(describe.get("format").asText()).isEqualTo("json");
        assertThat(describe.get("columns").get(0).get("name").asText()).isEqualTo("sale_id");
        // JSON declares no width and no nullability: bigint, nullable
        assertThat(describe.get("columns").get(0).get("type").asText()).isEqualTo("bigint");
        assertThat(describe.get("columns").get(0).get("nullable").asBoolean()).isTrue();
        assertThat(describe.get("columns").get(1).get("type").asText()).isEqualTo("double");
        assertThat(describe.get("partitionKeys").get(0).get("name").asText()).isEqualTo("year");
        assertThat(describe.get("primaryKey")).isEmpty();
        assertThat(describe.get("schemaVersion").asInt()).isEqualTo(1);

        String text = run("catalog", "describe", "retail.sales").out();
        assertThat(text).contains("sale_id").contains("partition keys").contains("year");

        // a field appears: a second version; then an incompatible change is refused, exit 1
        write(
                "sales/year=2025/part-1.json",
                "{\"sale_id\": 3, \"amount\": 1, \"coupon\": \"X\"}\n");
        assertThat(run("crawl", location, "--database", "retail").out()).contains("~ retail.sales");
        JsonNode versions = json(run("catalog", "versions", "retail.sales", "--json"));
        assertThat(versions).hasSize(2);
        assertThat(versions.get(1).at("/schema/fields/2/name").asText()).isEqualTo("coupon");

        write("sales/year=2026/part-0.json", "{\"sale_id\": \"S-4\", \"amount\": 1}\n");
        CliRun refused = run("crawl", location, "--database", "retail");
        assertThat(refused.exitCode()).isEqualTo(ExitCodes.FAILURE);
        assertThat(refused.out()).contains("REFUSED").contains("sale_id");
        assertThat(json(run("catalog", "partitions", "retail.sales", "--json"))).hasSize(2);

        CliRun missing = run("catalog", "describe", "retail.nope");
        assertThat(missing.exitCode()).isEqualTo(ExitCodes.FAILURE);
        assertThat(missing.err()).contains("No table retail.nope");
    }

    @Test
    void watchPicksUpNewFoldersBetweenPasses() throws Exception {
        write("clicks/2024/a.json", "{\"url\": \"/a\"}\n");
        String location = data.resolve("clicks").toUri().toString();
        Thread writer =
                new Thread(
                        () -> {
                            try {
                                // after the first pass made the table, a new folder lands
                                long deadline = System.nanoTime() + 30_000_000_000L;
                                while (!run("catalog", "tables", "web").out().contains("clicks")
                                        && System.nanoTime() < deadline) {
                                    Thread.sleep(50);
                                }
                                write("clicks/2025/a.json", "{\"url\": \"/b\"}\n");
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        });
        writer.start();
        CliRun watch =
                run(
                        "crawl",
                        location,
                        "--database",
                        "web",
                        "--watch",
                        "--interval",
                        "200ms",
                        "--max-passes",
                        "25",
                        "--json");
        writer.join(30_000);
        assertThat(watch.exitCode()).as(watch.err()).isZero();
        String[] lines = watch.out().strip().split("\n");
        assertThat(lines.length).isGreaterThanOrEqualTo(2);
        assertThat(JSON.readTree(lines[0]).get("tablesCreated").get(0).asText())
                .isEqualTo("clicks");
        assertThat(JSON.readTree(lines[lines.length - 1]).get("partitionsAdded").asInt())
                .isEqualTo(1);
        assertThat(json(run("catalog", "partitions", "web.clicks", "--json"))).hasSize(2);
    }
}
