package io.tributary.connectors.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.catalog.CatalogService;
import io.tributary.catalog.crawler.CrawlReport;
import io.tributary.catalog.crawler.CrawlerOptions;
import io.tributary.catalog.iceberg.IcebergRestServer;
import io.tributary.catalog.iceberg.IcebergStorage;
import io.tributary.catalog.iceberg.IcebergTwins;
import io.tributary.catalog.iceberg.TributaryIcebergCatalog;
import io.tributary.catalog.store.CatalogException;
import io.tributary.connectors.s3.CrawledLake;
import io.tributary.embedded.SharedServices;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Parquet files written by another tool (parquet-avro, as Hive, Spark or pandas jobs leave them: no
 * Iceberg field ids, partition values in {@code k=v} folders), crawled from S3, registered in place
 * as an Iceberg table and read by Apache Spark through the REST catalog; files that arrive later,
 * one with a new column, and a file removed reach Spark with the next crawl, no data copied.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class CrawledParquetAsIcebergITCase {

    @TempDir Path home;
    @TempDir Path scratch;

    private static final Schema V1 =
            SchemaBuilder.record("order")
                    .fields()
                    .requiredLong("order_id")
                    .optionalString("customer")
                    .requiredDouble("amount")
                    .endRecord();

    private static final Schema V2 =
            SchemaBuilder.record("order")
                    .fields()
                    .requiredLong("order_id")
                    .optionalString("customer")
                    .requiredDouble("amount")
                    .optionalString("coupon")
                    .endRecord();

    private String bucket;

    /** Writes {@code n} orders from {@code first} as one Parquet file under {@code key}. */
    private void parquet(String key, Schema schema, long first, int n) throws Exception {
        Path local = scratch.resolve(UUID.randomUUID() + ".parquet");
        try (ParquetWriter<GenericRecord> w =
                AvroParquetWriter.<GenericRecord>builder(
                                HadoopOutputFile.fromPath(
                                        new org.apache.hadoop.fs.Path(local.toUri()),
                                        new Configuration()))
                        .withSchema(schema)
                        .build()) {
            for (long id = first; id < first + n; id++) {
                GenericRecord r = new GenericData.Record(schema);
                r.put("order_id", id);
                r.put("customer", id % 7 == 0 ? null : "c-" + (id % 13));
                r.put("amount", (id % 100) + 0.5);
                if (schema.getField("coupon") != null) {
                    r.put("coupon", "SPRING");
                }
                w.write(r);
            }
        }
        put(key, RequestBody.fromFile(local));
    }

    private void put(String key, RequestBody body) {
        try (S3Client s3 = SharedServices.s3().client()) {
            s3.putObject(b -> b.bucket(bucket).key(key), body);
        }
    }

    @Test
    void crawledParquetIsReadBySparkAsIcebergAndFollowsNewFiles() throws Exception {
        bucket = "twin-" + UUID.randomUUID().toString().substring(0, 8);
        SharedServices.s3().createBucket(bucket);
        String location = "s3://" + bucket + "/sales/";
        parquet("sales/dt=2026-11-01/part-0.parquet", V1, 0, 500);
        parquet("sales/dt=2026-11-01/part-1.parquet", V1, 500, 500);
        parquet("sales/dt=2026-11-02/part-0.parquet", V1, 1000, 250);
        put("sales/dt=2026-11-02/_SUCCESS", RequestBody.empty());

        CrawledLake lake = new CrawledLake(home);
        Map<String, String> props = new HashMap<>(LakeSinkITCase.s3());
        props.put("warehouse", "s3://" + bucket + "/lake");
        try (CatalogService catalog = lake.catalog();
                TributaryIcebergCatalog iceberg = new TributaryIcebergCatalog(catalog.store())) {
            CrawlReport first = crawl(catalog, location);
            assertThat(first.tablesCreated()).containsExactly("sales");
            iceberg.initialize("tributary", props);

            // a name already taken is refused, naming the fix
            assertThatThrownBy(
                            () ->
                                    IcebergTwins.register(
                                            catalog.store(),
                                            iceberg,
                                            "retail",
                                            "sales",
                                            "sales",
                                            CrawledLake.s3()))
                    .isInstanceOf(CatalogException.class)
                    .hasMessageContaining("already exists");

            IcebergTwins.SyncReport registered =
                    IcebergTwins.register(
                            catalog.store(),
                            iceberg,
                            "retail",
                            "sales",
                            "sales_iceberg",
                            CrawledLake.s3());
            System.out.println("register: " + registered.summary());
            assertThat(registered.filesAdded()).isEqualTo(3);
            assertThat(registered.recordsAdded()).isEqualTo(1250);
            assertThat(registered.skipped()).isEmpty();

            Table twin = iceberg.loadTable(TableIdentifier.of("retail", "sales_iceberg"));
            assertThat(twin.properties()).containsEntry(TableProperties.GC_ENABLED, "false");
            assertThat(twin.spec().fields()).hasSize(1);
            // no copy: the data files are the crawled ones
            twin.newScan()
                    .planFiles()
                    .forEach(t -> assertThat(t.file().location()).startsWith(location));
            // the footers' bounds prune: one file of three holds order ids from 1100
            assertThat(
                            twin.newScan()
                                    .filter(
                                            org.apache.iceberg.expressions.Expressions
                                                    .greaterThanOrEqual("order_id", 1100L))
                                    .planFiles())
                    .hasSize(1);

            try (IcebergRestServer rest =
                    IcebergRestServer.start(
                            iceberg,
                            "127.0.0.1",
                            0,
                            null,
                            IcebergStorage.forOtherEngines(LakeSinkITCase.s3()))) {
                List<String> rows =
                        SparkReadsTheLakeITCase.spark(
                                rest.url(),
                                home.resolve("spark-1.log"),
                                "SHOW TABLES IN lake.retail",
                                "SELECT dt, count(*), count(DISTINCT order_id), count(customer),"
                                        + " sum(amount) FROM lake.retail.sales_iceberg"
                                        + " GROUP BY dt ORDER BY dt",
                                "SELECT count(*) FROM lake.retail.sales_iceberg"
                                        + " WHERE order_id >= 1100");
                assertThat(rows).contains("retail\tsales_iceberg\tfalse");
                assertThat(rows)
                        .contains(
                                "2026-11-01\t1000\t1000\t" + nonNull(0, 1000) + "\t" + sum(0, 1000),
                                "2026-11-02\t250\t250\t"
                                        + nonNull(1000, 250)
                                        + "\t"
                                        + sum(1000, 250),
                                "150");

                // later: a new partition, a file with a new column, a file removed
                parquet("sales/dt=2026-11-03/part-0.parquet", V1, 1250, 100);
                parquet("sales/dt=2026-11-02/part-1.parquet", V2, 1350, 50);
                try (S3Client s3 = SharedServices.s3().client()) {
                    s3.deleteObject(
                            b -> b.bucket(bucket).key("sales/dt=2026-11-01/part-1.parquet"));
                }
                long start = System.nanoTime();
                crawl(catalog, location);
                List<IcebergTwins.SyncReport> synced =
                        IcebergTwins.syncAll(catalog.store(), iceberg, "retail", CrawledLake.s3());
                double seconds = (System.nanoTime() - start) / 1e9;
                assertThat(synced).hasSize(1);
                IcebergTwins.SyncReport s = synced.get(0);
                System.out.printf(
                        "sync after crawl: %s (crawl + sync %.2f s)%n", s.summary(), seconds);
                assertThat(s.filesAdded()).isEqualTo(2);
                assertThat(s.filesRemoved()).isEqualTo(1);
                assertThat(s.recordsAdded()).isEqualTo(150);
                assertThat(s.columnsAdded()).containsExactly("coupon");
                assertThat(s.totalRecords()).isEqualTo(1250 - 500 + 150);
                // nothing new: no snapshot
                long snapshot = s.snapshotId();
                assertThat(
                                IcebergTwins.syncAll(
                                                catalog.store(),
                                                iceberg,
                                                "retail",
                                                CrawledLake.s3())
                                        .get(0)
                                        .snapshotId())
                        .isEqualTo(snapshot);

                List<String> after =
                        SparkReadsTheLakeITCase.spark(
                                rest.url(),
                                home.resolve("spark-2.log"),
                                "SELECT dt, count(*), count(coupon) FROM lake.retail.sales_iceberg"
                                        + " GROUP BY dt ORDER BY dt");
                assertThat(after)
                        .containsExactly(
                                "2026-11-01\t500\t0", "2026-11-02\t300\t50", "2026-11-03\t100\t0");
            }
        }
    }

    private static CrawlReport crawl(CatalogService catalog, String location) throws Exception {
        try (io.tributary.objectstore.ObjectStore objects =
                io.tributary.objectstore.ObjectStores.open(location, CrawledLake.s3())) {
            return new io.tributary.catalog.crawler.Crawler(
                            catalog, objects, CrawlerOptions.defaults("retail"), null)
                    .crawl();
        }
    }

    private static long nonNull(long first, int n) {
        long c = 0;
        for (long id = first; id < first + n; id++) {
            if (id % 7 != 0) {
                c++;
            }
        }
        return c;
    }

    private static String sum(long first, int n) {
        double s = 0;
        for (long id = first; id < first + n; id++) {
            s += (id % 100) + 0.5;
        }
        return Double.toString(s);
    }
}
