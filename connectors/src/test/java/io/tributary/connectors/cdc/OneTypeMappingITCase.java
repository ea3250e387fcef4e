package io.tributary.connectors.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.catalog.CatalogService;
import io.tributary.catalog.crawler.CrawlerOptions;
import io.tributary.catalog.crawler.JdbcCrawler;
import io.tributary.catalog.model.CatalogTable;
import io.tributary.catalog.model.Column;
import io.tributary.catalog.registry.SchemaRegistry;
import io.tributary.catalog.store.CatalogStore;
import io.tributary.catalog.store.CatalogStores;
import io.tributary.connectors.changes.ChangeOp;
import io.tributary.connectors.changes.ChangeRecord;
import io.tributary.embedded.MariaDbService;
import io.tributary.embedded.SharedServices;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A MySQL column has one type in Tributary, whoever reads it: the JDBC crawler (the catalog) and
 * the CDC source (the change records, so Kafka and the warehouse) agree column by column, on the
 * columns where drivers and Debezium differ by default (docs/types.md): TINYINT(1) is a number,
 * BIGINT UNSIGNED a decimal(20,0) that holds 2^64 - 1, BIT(1) a boolean.
 */
class OneTypeMappingITCase {

    @TempDir Path home;

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void theCrawlerAndTheChangeStreamGiveEachColumnTheSameType() throws Exception {
        MariaDbService db = SharedServices.mariadb();
        db.createDatabase("types_shop");
        try (Connection c = db.connect("types_shop");
                Statement s = c.createStatement()) {
            s.execute(
                    "CREATE TABLE mapped (id INT PRIMARY KEY, flag TINYINT(1), tiny TINYINT,"
                            + " small SMALLINT, big BIGINT, ubig BIGINT UNSIGNED, uint INT UNSIGNED,"
                            + " bit1 BIT(1), price DECIMAL(12,2), ratio DOUBLE, day DATE,"
                            + " at DATETIME(3), note VARCHAR(20))");
            s.execute(
                    "INSERT INTO mapped VALUES (1, 2, -5, 300, 9000000000, 18446744073709551615,"
                            + " 4294967295, b'1', 12.50, 0.25, '2026-12-03',"
                            + " '2026-12-03 10:15:00.123', 'x')");
        }
        SchemaRegistry registry = SchemaRegistry.open(home.resolve("registry"));
        CatalogStore store = CatalogStores.embedded(home.resolve("catalog"));
        Map<String, String> crawled = new LinkedHashMap<>();
        try (CatalogService catalog = new CatalogService(store, registry, store, registry)) {
            new JdbcCrawler(
                            catalog,
                            new JdbcCrawler.Source(
                                    db.jdbcUrl("types_shop"),
                                    MariaDbService.USER,
                                    MariaDbService.PASSWORD,
                                    null,
                                    "mapped"),
                            CrawlerOptions.defaults("shop"),
                            null)
                    .crawl();
            CatalogTable t = catalog.store().table("shop", "mapped").orElseThrow();
            for (Column col : t.columns()) {
                crawled.put(col.name(), col.type().withNullable(true).sql());
            }
        }

        Map<String, String> captured = new LinkedHashMap<>();
        ChangeRecord row;
        CdcConnection conn = CdcConnection.parse(db.jdbcUrl("types_shop"), null, null);
        try (ChangeStream changes =
                new ChangeStream(
                        CdcSourceBuilder.forConnection(conn).tables("types_shop.mapped").build(),
                        1)) {
            List<ChangeRecord> first = changes.until(r -> r.op() == ChangeOp.READ);
            row = first.get(first.size() - 1);
        }
        for (Column col : row.shape().columns()) {
            captured.put(col.name(), col.type().withNullable(true).sql());
        }
        assertThat(captured).isEqualTo(crawled);
        assertThat(crawled)
                .containsEntry("flag", "int")
                .containsEntry("ubig", "decimal(20,0)")
                .containsEntry("uint", "bigint")
                .containsEntry("bit1", "boolean");
        // and the values are the row's, the largest unsigned one included
        ChangeRecord read = row;
        assertThat(read.get("flag")).isEqualTo(2);
        assertThat(read.get("ubig")).isEqualTo(new BigDecimal("18446744073709551615"));
        assertThat(read.get("uint")).isEqualTo(4294967295L);
        assertThat(read.get("bit1")).isEqualTo(true);
    }
}
