package io.tributary.connectors.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.catalog.CatalogService;
import io.tributary.catalog.crawler.CrawlerOptions;
import io.tributary.catalog.crawler.JdbcCrawler;
import io.tributary.catalog.registry.SchemaRegistry;
import io.tributary.catalog.store.CatalogStore;
import io.tributary.catalog.store.CatalogStores;
import io.tributary.embedded.MariaDbService;
import io.tributary.embedded.PostgresService;
import io.tributary.embedded.SharedServices;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A crawled MySQL or PostgreSQL table read from Flink SQL through the catalog with {@code
 * 'scan.mode' = 'continuous'} is its change stream: the snapshot, then updates as -U/+U and deletes
 * as -D, with no connector options written by the user.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CatalogChangeStreamITCase {

    @TempDir Path home;

    @Test
    void mariadbTableThroughTheCatalogIsAChangelog() throws Exception {
        MariaDbService db = SharedServices.mariadb();
        db.createDatabase("cat_shop");
        try (Connection c = db.connect("cat_shop");
                Statement s = c.createStatement()) {
            CustomersTable.create(s);
            crawl(db.jdbcUrl("cat_shop"), MariaDbService.USER, null);
            changelog(
                    MariaDbService.PASSWORD,
                    s,
                    "UPDATE customers SET name = 'Ada L.' WHERE id = 1",
                    "DELETE FROM customers WHERE id = 2");
        }
    }

    @Test
    void postgresTableThroughTheCatalogIsAChangelog() throws Exception {
        PostgresService pg = SharedServices.postgres();
        pg.createDatabase("cat_crm");
        try (Connection c = pg.connect("cat_crm");
                Statement s = c.createStatement()) {
            CustomersTable.create(s); // REPLICA IDENTITY DEFAULT: upsert mode needs only the key
            crawl(pg.jdbcUrl("cat_crm"), PostgresService.USER, "public");
            changelog(
                    "unused",
                    s,
                    "UPDATE customers SET name = 'Ada L.' WHERE id = 1",
                    "DELETE FROM customers WHERE id = 2");
        }
    }

    private void crawl(String url, String user, String schema) throws Exception {
        SchemaRegistry registry = SchemaRegistry.open(home.resolve("registry"));
        CatalogStore store = CatalogStores.embedded(home.resolve("catalog"));
        try (CatalogService catalog = new CatalogService(store, registry, store, registry)) {
            new JdbcCrawler(
                            catalog,
                            new JdbcCrawler.Source(url, user, null, schema, "customers"),
                            CrawlerOptions.defaults("crm"),
                            null)
                    .crawl();
        }
    }

    private void changelog(String password, Statement s, String update, String delete)
            throws Exception {
        TableEnvironment t =
                SharedServices.flink()
                        .streamingTableEnvironment(
                                java.util.Map.of(
                                        "execution.checkpointing.interval", "500 ms",
                                        "parallelism.default", "1",
                                        "restart-strategy.type", "none"));
        t.executeSql(
                "CREATE CATALOG lake WITH ('type' = 'tributary', 'store' = '"
                        + home.resolve("catalog")
                        + "', 'scan.mode' = 'continuous', 'jdbc.password' = '"
                        + password
                        + "')");
        TableResult result = t.executeSql("SELECT id, name FROM lake.crm.customers");
        List<String> rows = new ArrayList<>();
        try (CloseableIterator<Row> it = result.collect()) {
            while (rows.size() < 3 && it.hasNext()) {
                rows.add(it.next().toString());
            }
            assertThat(rows)
                    .containsExactlyInAnyOrder("+I[1, Ada]", "+I[2, Grace]", "+I[3, Linus]");
            // the catalog's change streams are tributary-cdc tables: their progress says when
            // the snapshot is done
            org.apache.flink.api.common.JobID job = result.getJobClient().orElseThrow().getJobID();
            org.awaitility.Awaitility.await()
                    .atMost(java.time.Duration.ofSeconds(60))
                    .pollInterval(java.time.Duration.ofMillis(200))
                    .until(() -> JobMetrics.get(job, ProgressSource.STREAMING, "max"), n -> n == 1);
            assertThat(JobMetrics.get(job, "snapshotRowsRead", "sum")).isEqualTo(3);
            s.execute(update);
            s.execute(delete);
            rows.clear();
            while (rows.size() < 3 && it.hasNext()) {
                rows.add(it.next().toString());
            }
        }
        assertThat(rows).containsExactly("-U[1, Ada]", "+U[1, Ada L.]", "-D[2, Grace]");
    }
}
