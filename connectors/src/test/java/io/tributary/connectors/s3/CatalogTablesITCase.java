package io.tributary.connectors.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.catalog.crawler.CrawlReport;
import io.tributary.catalog.crawler.CrawlerOptions;
import io.tributary.embedded.FlinkService;
import io.tributary.embedded.S3Service;
import io.tributary.embedded.SharedServices;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Flink SQL sees crawled S3 data through {@code 'type' = 'tributary'} and reads it with
 * tributary-s3: nested JSON in Hive partitions, CSV with a header in unnamed partitions.
 */
class CatalogTablesITCase {

    @TempDir Path home;

    private final S3Service s3 = SharedServices.s3();

    private void crawl(String location) throws Exception {
        CrawlReport report =
                new CrawledLake(home).crawl(location, CrawlerOptions.defaults("retail"));
        assertThat(report.tablesCreated()).hasSize(1);
    }

    @Test
    void flinkSqlListsDescribesAndReadsCrawledTables() throws Exception {
        FlinkService flink = SharedServices.flink();
        String bucket = "flink-catalog";
        s3.createBucket(bucket);
        try (S3Client client = s3.client()) {
            put(
                    client,
                    bucket,
                    "sales/year=2024/month=01/part-0.json",
                    """
                    {"sale_id": 1, "amount": 10.5, "customer": {"id": 7, "tags": ["vip"]}}
                    {"sale_id": 2, "amount": 4.5, "customer": {"id": 8, "tags": []}}
                    {"sale_id": 3, "amount": 5, "customer": {"id": 7, "tags": ["a", "b"]}}
                    """);
            put(
                    client,
                    bucket,
                    "sales/year=2024/month=02/part-0.json",
                    """
                    {"sale_id": 4, "amount": 1.25, "customer": {"id": 9, "tags": null}}
                    {"sale_id": 5, "amount": 2, "customer": null}
                    """);
            put(client, bucket, "orders/2024/01/a.csv", "order_id;total\n1;2.5\n2;3.5\n");
            put(client, bucket, "orders/2024/02/a.csv", "order_id;total\n3;1.0\n");
        }
        crawl("s3://" + bucket + "/sales/");
        crawl("s3://" + bucket + "/orders/");

        TableEnvironment tEnv = new CrawledLake(home).sql();
        assertThat(rows(tEnv, "SHOW DATABASES IN lake"))
                .extracting(r -> r.getField(0))
                .contains("retail", "default");
        tEnv.executeSql("USE CATALOG lake");
        assertThat(rows(tEnv, "SHOW TABLES FROM retail"))
                .extracting(r -> r.getField(0))
                .containsExactly("orders", "sales");
        assertThat(rows(tEnv, "DESCRIBE retail.sales"))
                .extracting(r -> r.getField(0) + " " + r.getField(1))
                .containsExactly(
                        "sale_id BIGINT",
                        "amount DOUBLE",
                        "customer ROW<`id` BIGINT, `tags` ARRAY<STRING>>",
                        "year INT",
                        "month STRING");
        assertThat(rows(tEnv, "SHOW PARTITIONS retail.sales"))
                .extracting(r -> r.getField(0))
                .containsExactly("year=2024/month=01", "year=2024/month=02");

        assertThat(
                        rows(
                                tEnv,
                                "SELECT `month`, COUNT(*), SUM(amount), COUNT(DISTINCT customer.id)"
                                        + " FROM retail.sales GROUP BY `month` ORDER BY `month`"))
                .extracting(Row::toString)
                .containsExactly("+I[01, 3, 20.0, 2]", "+I[02, 2, 3.25, 1]");
        assertThat(
                        rows(
                                tEnv,
                                "SELECT sale_id, CARDINALITY(customer.tags) FROM retail.sales"
                                        + " WHERE `year` = 2024 AND `month` = '01' ORDER BY"
                                        + " sale_id"))
                .extracting(Row::toString)
                .containsExactly("+I[1, 1]", "+I[2, 0]", "+I[3, 2]");

        // CSV with a header, partitions without names: both read
        assertThat(rows(tEnv, "DESCRIBE retail.orders"))
                .extracting(r -> r.getField(0) + " " + r.getField(1))
                .containsExactly(
                        "order_id BIGINT", "total DOUBLE", "partition_0 INT", "partition_1 STRING");
        assertThat(
                        rows(
                                tEnv,
                                "SELECT partition_0, partition_1, COUNT(*), SUM(total) FROM"
                                        + " retail.orders GROUP BY partition_0, partition_1 ORDER"
                                        + " BY partition_1"))
                .extracting(Row::toString)
                .containsExactly("+I[2024, 01, 2, 6.0]", "+I[2024, 02, 1, 1.0]");

        assertThatThrownBy(
                        () ->
                                tEnv.executeSql(
                                        "CREATE TABLE retail.t (a INT) WITH ('connector' ="
                                                + " 'datagen')"))
                .hasStackTraceContaining("tributary crawl");
    }

    private static List<Row> rows(TableEnvironment tEnv, String sql) throws Exception {
        List<Row> out = new ArrayList<>();
        try (CloseableIterator<Row> it = tEnv.executeSql(sql).collect()) {
            it.forEachRemaining(out::add);
        }
        return out;
    }

    private static void put(S3Client s3, String bucket, String key, String body) {
        s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString(body));
    }
}
