package io.tributary.jobs.translator;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.catalog.CatalogService;
import io.tributary.catalog.crawler.CrawlerOptions;
import io.tributary.catalog.crawler.JdbcCrawler;
import io.tributary.catalog.registry.SchemaRegistry;
import io.tributary.catalog.store.CatalogStore;
import io.tributary.catalog.store.CatalogStores;
import io.tributary.connectors.catalog.CatalogYaml;
import io.tributary.connectors.catalog.TributaryFlinkCatalog;
import io.tributary.embedded.MariaDbService;
import io.tributary.embedded.PostgresService;
import io.tributary.embedded.SharedServices;
import io.tributary.jobs.definition.PipelineDef;
import io.tributary.jobs.definition.PipelineParser;
import io.tributary.jobs.definition.SourceDef;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.table.catalog.ObjectPath;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A table read as a change stream gets one set of {@code tributary-cdc} options whether a pipeline
 * names it in a {@code cdc} source or reads the crawled catalog table in continuous mode.
 */
class OneCaptureDerivationITCase {

    @TempDir Path home;

    @Test
    void aCdcSourceAndACrawledTableInContinuousModeGetTheSameOptions() throws Exception {
        MariaDbService mariadb = SharedServices.mariadb();
        mariadb.createDatabase("same_shop");
        try (Connection c = mariadb.connect("same_shop");
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(40))");
        }
        PostgresService postgres = SharedServices.postgres();
        postgres.createDatabase("same_crm");
        try (Connection c = postgres.connect("same_crm");
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE accounts (id INT PRIMARY KEY, owner TEXT)");
        }

        SchemaRegistry registry = SchemaRegistry.open(home.resolve("registry"));
        CatalogStore store = CatalogStores.embedded(home.resolve("catalog"));
        try (CatalogService catalog = new CatalogService(store, registry, store, registry)) {
            crawl(
                    catalog,
                    mariadb.jdbcUrl("same_shop"),
                    MariaDbService.USER,
                    MariaDbService.PASSWORD,
                    "customers");
            crawl(
                    catalog,
                    postgres.jdbcUrl("same_crm"),
                    PostgresService.USER,
                    PostgresService.PASSWORD,
                    "accounts");
        }

        PipelineDef pipeline =
                new PipelineParser(n -> Optional.empty())
                        .parse(
                                "same.yaml",
                                "version: 1\nname: same\n"
                                        + "sources:\n"
                                        + "  - name: customers\n"
                                        + "    type: cdc\n"
                                        + "    url: "
                                        + mariadb.jdbcUrl("same_shop")
                                        + "\n"
                                        + "    user: "
                                        + MariaDbService.USER
                                        + "\n"
                                        + "    password: "
                                        + MariaDbService.PASSWORD
                                        + "\n"
                                        + "    table: same_shop.customers\n"
                                        + "    columns: {id: INT, name: STRING}\n"
                                        + "    primary-key: [id]\n"
                                        + "  - name: accounts\n"
                                        + "    type: cdc\n"
                                        + "    url: "
                                        + postgres.jdbcUrl("same_crm")
                                        + "\n"
                                        + "    user: "
                                        + PostgresService.USER
                                        + "\n"
                                        + "    table: public.accounts\n"
                                        + "    columns: {id: INT, owner: STRING}\n"
                                        + "    primary-key: [id]\n"
                                        + "sinks:\n"
                                        + "  - name: out\n"
                                        + "    type: kafka\n"
                                        + "    from: customers\n"
                                        + "    topic: t\n"
                                        + "    bootstrap-servers: 127.0.0.1:9\n");

        for (var source : pipeline.sources()) {
            Map<String, String> catalogOptions =
                    new SourceDef(
                                    source.name(),
                                    "catalog",
                                    CatalogYaml.SOURCE,
                                    Map.of(
                                            "table",
                                            "crawled." + source.name(),
                                            "password",
                                            source.name().equals("customers")
                                                    ? MariaDbService.PASSWORD
                                                    : ""),
                                    Map.of(),
                                    List.of(),
                                    List.of(),
                                    Map.of(),
                                    source.at())
                            .connectorOptions(home);
            TributaryFlinkCatalog flinkCatalog = new TributaryFlinkCatalog("lake", catalogOptions);
            flinkCatalog.open();
            try {
                Map<String, String> fromCatalog =
                        flinkCatalog
                                .getTable(new ObjectPath("crawled", source.name()))
                                .getOptions();
                assertThat(fromCatalog).isEqualTo(source.connectorOptions(home));
            } finally {
                flinkCatalog.close();
            }
        }
        Map<String, String> pg = pipeline.sources().get(1).connectorOptions(home);
        assertThat(pg)
                .containsEntry("slot.name", "tributary_accounts_public_accounts")
                .containsEntry("changelog-mode", "upsert");
        assertThat(pipeline.sources().get(0).connectorOptions(home))
                .containsEntry("database-name", "same_shop")
                .containsEntry("debezium.connect.keep.alive.interval.ms", "5000");
    }

    private static void crawl(
            CatalogService catalog, String url, String user, String password, String table)
            throws Exception {
        new JdbcCrawler(
                        catalog,
                        new JdbcCrawler.Source(url, user, password, null, table),
                        CrawlerOptions.defaults("crawled"),
                        null)
                .crawl();
    }
}
