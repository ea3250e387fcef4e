package io.tributary.catalog.crawler;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.catalog.CatalogService;
import io.tributary.catalog.model.CatalogTable;
import io.tributary.catalog.model.Column;
import io.tributary.catalog.model.TableFormat;
import io.tributary.catalog.registry.SchemaRegistry;
import io.tributary.catalog.store.CatalogStores;
import io.tributary.embedded.MariaDbService;
import io.tributary.embedded.PostgresService;
import io.tributary.embedded.SharedServices;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Crawls tables of MariaDB (for RDS MySQL) and PostgreSQL into the catalog. */
class JdbcCrawlerITCase {

    @TempDir Path home;
    CatalogService catalog;

    @BeforeEach
    void open() {
        SchemaRegistry registry = SchemaRegistry.open(home.resolve("registry"));
        var store = CatalogStores.embedded(home.resolve("catalog"));
        catalog = new CatalogService(store, registry, store, registry);
    }

    @AfterEach
    void close() {
        catalog.close();
    }

    private static Map<String, String> types(CatalogTable t) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Column c : t.columns()) {
            out.put(c.name(), c.type().sql() + (c.nullable() ? "" : " not null"));
        }
        return out;
    }

    @Test
    void mariaDbTablesColumnsAndKeys() throws Exception {
        MariaDbService maria = SharedServices.mariadb();
        maria.createDatabase("crawl_shop");
        try (Connection c = maria.connect("crawl_shop");
                Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS customers");
            s.execute(
                    "CREATE TABLE customers (customer_id INT NOT NULL, region CHAR(2) NOT NULL,"
                            + " name VARCHAR(100), balance DECIMAL(12,2), active TINYINT(1),"
                            + " visits BIGINT UNSIGNED, signed_up DATETIME, born DATE, notes TEXT,"
                            + " `select; \"x\"` INT, PRIMARY KEY (region, customer_id))");
        }
        JdbcCrawler.Source source =
                new JdbcCrawler.Source(
                        maria.jdbcUrl("crawl_shop"), // with password=... in it, as users write it
                        MariaDbService.USER,
                        MariaDbService.PASSWORD,
                        null,
                        null);
        CrawlReport report =
                new JdbcCrawler(catalog, source, CrawlerOptions.defaults("shop"), null).crawl();
        assertThat(report.tablesCreated()).containsExactly("customers");

        CatalogTable t = catalog.store().table("shop", "customers").orElseThrow();
        assertThat(t.format()).isEqualTo(TableFormat.JDBC);
        assertThat(t.primaryKey()).containsExactly("region", "customer_id");
        assertThat(types(t))
                .containsExactly(
                        Map.entry("customer_id", "int not null"),
                        Map.entry("region", "string not null"),
                        Map.entry("name", "string"),
                        Map.entry("balance", "decimal(12,2)"),
                        Map.entry("active", "int"), // TINYINT(1) is a number, as in CDC
                        Map.entry("visits", "decimal(20,0)"),
                        Map.entry("signed_up", "timestamp"),
                        Map.entry("born", "date"),
                        Map.entry("notes", "string"),
                        Map.entry("select; \"x\"", "int"));
        assertThat(t.properties())
                .containsEntry("jdbc.table", "customers")
                .containsEntry("jdbc.database", "crawl_shop");
        assertThat(io.tributary.catalog.model.ModelJson.table(t).toString())
                .as("the stored table keeps no password")
                .doesNotContain("password");
        assertThat(t.schemaVersion()).isEqualTo(1);

        try (Connection c = maria.connect("crawl_shop");
                Statement s = c.createStatement()) {
            s.execute("ALTER TABLE customers ADD COLUMN tier VARCHAR(10)");
        }
        CrawlReport second =
                new JdbcCrawler(catalog, source, CrawlerOptions.defaults("shop"), null).crawl();
        assertThat(second.tablesUpdated()).containsExactly("customers");
        assertThat(catalog.store().table("shop", "customers").orElseThrow().schemaVersion())
                .isEqualTo(2);
        assertThat(catalog.versions("shop", "customers")).hasSize(2);
    }

    @Test
    void tagsColumnsHoldingPersonalDataFromSampledRows() throws Exception {
        MariaDbService maria = SharedServices.mariadb();
        maria.createDatabase("crawl_pii");
        try (Connection c = maria.connect("crawl_pii");
                Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS `client list`");
            s.execute(
                    "CREATE TABLE `client list` (id INT PRIMARY KEY, email VARCHAR(80),"
                            + " iban VARCHAR(40), ssn CHAR(11), name VARCHAR(40), zip INT)");
            for (int i = 1; i <= 12; i++) {
                s.execute(
                        "INSERT INTO `client list` VALUES ("
                                + i
                                + ", 'client"
                                + i
                                + "@shop.example', 'DE89 3704 0044 0532 0130 00', '"
                                + (i == 12 ? "unknown" : "123-45-67" + (10 + i))
                                + "', 'Client "
                                + i
                                + "', 9410"
                                + i
                                + ")");
            }
        }
        JdbcCrawler.Source source =
                new JdbcCrawler.Source(
                        maria.jdbcUrl("crawl_pii"),
                        MariaDbService.USER,
                        MariaDbService.PASSWORD,
                        null,
                        null);
        new JdbcCrawler(catalog, source, CrawlerOptions.defaults("pii"), null).crawl();

        Map<String, String> props =
                catalog.store().table("pii", "client list").orElseThrow().properties();
        assertThat(io.tributary.catalog.pii.PiiCounts.tagsOf(props))
                .containsOnlyKeys("email", "iban", "ssn");
        assertThat(props)
                .containsEntry("pii.email", "EMAIL")
                .containsEntry("pii.email.share", "1.00")
                .containsEntry("pii.iban", "IBAN")
                .containsEntry("pii.ssn", "US_SSN")
                .containsEntry("pii.ssn.share", "0.92");
        CrawlReport again =
                new JdbcCrawler(catalog, source, CrawlerOptions.defaults("pii"), null).crawl();
        assertThat(again.tablesUpdated()).as("the same rows, the same tags").isEmpty();
    }

    @Test
    void postgresTablesWithArraysAndUnboundedNumeric() throws Exception {
        PostgresService pg = SharedServices.postgres();
        String url = pg.createDatabase("crawl_pg");
        try (Connection c = DriverManager.getConnection(url);
                Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS orders");
            s.execute(
                    "CREATE TABLE orders (order_id BIGSERIAL PRIMARY KEY, amount NUMERIC(10,3) NOT"
                            + " NULL, exact NUMERIC, tags TEXT[], qty INT[], at TIMESTAMPTZ, doc JSONB,"
                            + " \"Order Note\" VARCHAR(20))");
        }
        JdbcCrawler.Source source =
                new JdbcCrawler.Source(url, PostgresService.USER, null, "public", "ord%");
        new JdbcCrawler(catalog, source, CrawlerOptions.defaults("pg"), null).crawl();
        CatalogTable t = catalog.store().table("pg", "orders").orElseThrow();
        assertThat(t.primaryKey()).containsExactly("order_id");
        assertThat(types(t))
                .containsExactly(
                        Map.entry("order_id", "bigint not null"),
                        Map.entry("amount", "decimal(10,3) not null"),
                        Map.entry("exact", "string"),
                        Map.entry("tags", "array<string>"),
                        Map.entry("qty", "array<int>"),
                        Map.entry("at", "timestamp"),
                        Map.entry("doc", "string"),
                        Map.entry("Order Note", "string"));
    }

    @Test
    void passwordsNeverReachTheStoredLocation() {
        assertThat(JdbcCrawler.redact("jdbc:mysql://h:3306/db?user=u&password=s3cret&useSSL=false"))
                .isEqualTo("jdbc:mysql://h:3306/db?user=u&useSSL=false");
        assertThat(JdbcCrawler.redact("jdbc:postgresql://h/db?password=s3cret&ssl=true"))
                .isEqualTo("jdbc:postgresql://h/db?ssl=true");
        assertThat(JdbcCrawler.redact("jdbc:postgresql://u:s3cret@h/db")).doesNotContain("s3cret");
    }
}
