package io.tributary.jobs.quality;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.catalog.CatalogService;
import io.tributary.catalog.crawler.CrawlerOptions;
import io.tributary.catalog.crawler.JdbcCrawler;
import io.tributary.catalog.registry.SchemaRegistry;
import io.tributary.catalog.store.CatalogStore;
import io.tributary.catalog.store.CatalogStores;
import io.tributary.embedded.MariaDbService;
import io.tributary.embedded.SharedServices;
import io.tributary.jobs.definition.PipelineParser;
import io.tributary.jobs.translator.PipelineTranslator;
import io.tributary.jobs.values.Values;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.types.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code type: cdc} source of a table a JDBC crawler tagged gets the crawler's tags: {@code pii:
 * tags: {EMAIL: sha256}} hashes the column the crawler found emails in, though the pipeline names
 * no column and reads no catalog table.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class CdcSourceTagsITCase {

    private static final String SALT = "cdc-salt";

    @TempDir Path home;

    @Test
    void aCdcSourceOfACrawledTableIsMaskedByTheCrawlersTags() throws Exception {
        MariaDbService mariadb = SharedServices.mariadb();
        mariadb.createDatabase("tags_shop");
        try (Connection c = mariadb.connect("tags_shop");
                Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS members");
            s.execute("CREATE TABLE members (id INT PRIMARY KEY, contact VARCHAR(80), city TEXT)");
            for (int i = 1; i <= 6; i++) {
                s.execute(
                        "INSERT INTO members VALUES ("
                                + i
                                + ", 'm"
                                + i
                                + "@tags.example', 'Oslo')");
            }
        }
        SchemaRegistry registry = SchemaRegistry.open(home.resolve("registry"));
        CatalogStore store = CatalogStores.embedded(home.resolve("catalog"));
        try (CatalogService catalog = new CatalogService(store, registry, store, registry)) {
            new JdbcCrawler(
                            catalog,
                            new JdbcCrawler.Source(
                                    mariadb.jdbcUrl("tags_shop"),
                                    MariaDbService.USER,
                                    MariaDbService.PASSWORD,
                                    null,
                                    "members"),
                            CrawlerOptions.defaults("crawled"),
                            null)
                    .crawl();
            assertThat(store.table("crawled", "members").orElseThrow().properties())
                    .containsEntry("pii.contact", "EMAIL");
        }

        String yaml =
                "version: 1\nname: tagged-cdc\nsettings: {parallelism: 1}\n"
                        + "sources:\n"
                        + "  - name: members\n"
                        + "    type: cdc\n"
                        + "    url: "
                        + mariadb.jdbcUrl("tags_shop")
                        + "\n    user: "
                        + MariaDbService.USER
                        + "\n    password: "
                        + MariaDbService.PASSWORD
                        + "\n    table: tags_shop.members\n"
                        + "    columns: {id: INT NOT NULL, contact: STRING, city: STRING}\n"
                        + "    primary-key: [id]\n"
                        + "sinks:\n"
                        + "  - name: out\n"
                        + "    type: values\n"
                        + "    from: members\n"
                        + "    id: tagged-cdc-out\n"
                        + "    keys: [id]\n"
                        + "    pii:\n"
                        + "      salt: ${salt}\n"
                        + "      tags: {EMAIL: sha256}\n";
        PipelineTranslator translator =
                new PipelineTranslator(
                        new PipelineParser(
                                        n ->
                                                n.equals("salt")
                                                        ? Optional.of(SALT)
                                                        : Optional.empty())
                                .parse("tagged-cdc.yaml", yaml),
                        home);
        TableEnvironment env =
                TableEnvironment.create(
                        EnvironmentSettings.newInstance().inStreamingMode().build());
        JobClient job = translator.translate(env).execute().getJobClient().orElseThrow();
        try {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (Values.sinkRows("tagged-cdc-out").size() < 6) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(
                            "6 members never reached the sink; it has "
                                    + Values.sinkRows("tagged-cdc-out")
                                    + "; the job: "
                                    + job.getJobStatus().get());
                }
                Thread.sleep(200);
            }
        } finally {
            job.cancel().get(1, TimeUnit.MINUTES);
        }
        List<Row> rows = Values.sinkRows("tagged-cdc-out");
        for (Row r : rows) {
            int id = (Integer) r.getField("id");
            assertThat(r.getField("contact")).isEqualTo(sha256(SALT + "m" + id + "@tags.example"));
            assertThat(r.getField("city")).isEqualTo("Oslo");
        }
    }

    private static String sha256(String s) throws Exception {
        return HexFormat.of()
                .formatHex(
                        MessageDigest.getInstance("SHA-256")
                                .digest(s.getBytes(StandardCharsets.UTF_8)));
    }
}
