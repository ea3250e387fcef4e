package io.tributary.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.jobs.quality.DqRule;
import io.tributary.jobs.quality.Dqdl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A crawled table's PII tags at work from the command line: {@code quality recommend} proposes a
 * ruleset from a profile of the table (that parses, and lists no tagged values), and {@code
 * quarantine list} masks a tagged column's value even where it looks like nothing known.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class QualityRecommendITCase {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path home;
    @TempDir Path lake;

    @Test
    void recommendsARulesetForACrawledTableAndTaggedValuesNeverPrintInClear() throws Exception {
        Path dir = Files.createDirectories(lake.resolve("contacts"));
        List<String> lines = new ArrayList<>();
        for (int i = 1; i <= 40; i++) {
            lines.add(
                    String.format(
                            Locale.ROOT,
                            "{\"id\": %d, \"email\": \"person%d@example.org\", \"tier\": \"%s\","
                                    + " \"amount\": %.2f}",
                            i,
                            i,
                            i % 3 == 0 ? "gold" : "basic",
                            i * 1.25));
        }
        Files.write(dir.resolve("part-0.json"), lines);
        CliRun crawl =
                CliRun.of(
                        "crawl",
                        dir.toUri().toString(),
                        "--database",
                        "crm",
                        "--home",
                        home.toString());
        assertThat(crawl.exitCode()).as(crawl.err()).isZero();

        CliRun describe =
                CliRun.of("catalog", "describe", "crm.contacts", "--home", home.toString());
        assertThat(describe.out()).containsPattern("email +string +pii EMAIL \\(100% of sampled");
        CliRun recommend =
                CliRun.of("quality", "recommend", "crm.contacts", "--home", home.toString());
        assertThat(recommend.exitCode()).as(recommend.err()).isZero();
        List<String> rules = Dqdl.parse(recommend.out()).stream().map(DqRule::text).toList();
        assertThat(rules)
                .contains(
                        "IsComplete \"id\"",
                        "IsUnique \"id\"",
                        "ColumnValues \"id\" between 1 and 40",
                        "ColumnValues \"tier\" in [\"basic\", \"gold\"]",
                        "ColumnValues \"amount\" between 1.25 and 50")
                .anySatisfy(r -> assertThat(r).startsWith("ColumnLength \"email\" between"));
        assertThat(recommend.out()).doesNotContain("example.org");

        // a record whose amount is no number, its email written so no pattern finds it
        Files.writeString(
                dir.resolve("part-1.json"),
                "{\"id\": 99, \"email\": \"ada at example dot org\", \"tier\": \"gold\","
                        + " \"amount\": \"n/a\"}\n");
        assertThat(count("crm", "contacts")).isEqualTo(40);
        CliRun list =
                CliRun.of(
                        "quarantine", "list", "crm.contacts", "--json", "--home", home.toString());
        assertThat(list.exitCode()).as(list.err()).isZero();
        JsonNode entries = JSON.readTree(list.out());
        assertThat(entries).hasSize(1);
        assertThat(entries.get(0).get("raw").asText()).contains("\"email\":\"[EMAIL]\"");
        assertThat(list.out()).doesNotContain("ada at example");
        // nor is it kept in clear: the entry at rest is redacted as it was written
        List<Path> kept;
        try (java.util.stream.Stream<Path> files = Files.walk(home)) {
            kept =
                    files.filter(Files::isRegularFile)
                            .filter(p -> p.toString().endsWith(".json"))
                            .toList();
        }
        List<Path> entriesAtRest = new ArrayList<>();
        for (Path p : kept) {
            String text = Files.readString(p);
            assertThat(text).as(p.toString()).doesNotContain("ada at example");
            if (text.contains("\"redacted\":true")) {
                entriesAtRest.add(p);
            }
        }
        assertThat(entriesAtRest).as("quarantine entries at rest under " + home).hasSize(1);
    }

    /** The rows of a catalog table, read through the catalog as the CLI's queries read it. */
    private long count(String db, String table) throws Exception {
        TableEnvironment env = TableEnvironment.create(EnvironmentSettings.inBatchMode());
        env.executeSql(
                "CREATE CATALOG c "
                        + io.tributary.jobs.translator.Sql.with(
                                SqlCommand.catalogOptions(home, new S3Access(), "bounded")));
        try (CloseableIterator<Row> it =
                env.executeSql("SELECT COUNT(*) FROM c.`" + db + "`.`" + table + "`").collect()) {
            return (Long) it.next().getField(0);
        }
    }
}
