package io.tributary.catalog.crawler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tributary.catalog.CatalogService;
import io.tributary.catalog.model.CatalogTable;
import io.tributary.catalog.model.Partition;
import io.tributary.catalog.registry.RegistryHttpServer;
import io.tributary.catalog.registry.SchemaRegistryClient;
import io.tributary.catalog.store.CatalogStore;
import io.tributary.catalog.store.CatalogStores;
import io.tributary.embedded.S3Service;
import io.tributary.embedded.SharedServices;
import io.tributary.objectstore.ObjectStore;
import io.tributary.objectstore.ObjectStores;
import io.tributary.objectstore.S3Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Crawls an S3 prefix on the embedded S3 server, with the registry served over its REST API, in
 * continuous mode: new partitions and new columns reach the catalog within seconds, and everything
 * survives a restart of the registry and the store.
 */
class S3CrawlerITCase {

    @TempDir Path home;

    @Test
    void watchKeepsTheCatalogCurrentAndARestartLosesNothing() throws Exception {
        S3Service s3 = SharedServices.s3();
        String bucket = "crawl-watch";
        s3.createBucket(bucket);
        S3Settings settings =
                new S3Settings(
                        s3.endpoint(),
                        S3Service.REGION,
                        true,
                        S3Service.ACCESS_KEY,
                        S3Service.SECRET_KEY);
        S3Client client = s3.client();
        put(
                client,
                bucket,
                "sales/year=2024/month=01/part-0.json",
                "{\"sale_id\": 1, \"amount\": 2.5}\n");

        RegistryHttpServer registry = RegistryHttpServer.start(home.resolve("registry"), 0);
        CatalogStore store = CatalogStores.embedded(home.resolve("catalog"));
        CatalogService catalog =
                new CatalogService(store, new SchemaRegistryClient(registry.url()), store);
        List<CrawlReport> reports = new CopyOnWriteArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        Thread watcher;
        try (ObjectStore objects = ObjectStores.open("s3://" + bucket + "/sales/", settings)) {
            Crawler crawler =
                    new Crawler(catalog, objects, CrawlerOptions.defaults("retail"), null);
            watcher =
                    new Thread(
                            () -> {
                                try {
                                    crawler.watch(Duration.ofMillis(200), reports::add, stop::get);
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                }
                            });
            watcher.start();
            try {
                await().atMost(Duration.ofSeconds(20)).until(() -> table(catalog).isPresent());
                assertThat(table(catalog).get().location()).isEqualTo("s3://crawl-watch/sales/");
                assertThat(table(catalog).get().schemaVersion()).isEqualTo(1);

                put(
                        client,
                        bucket,
                        "sales/year=2024/month=02/part-0.json",
                        "{\"sale_id\": 2, \"amount\": 1.5}\n");
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> catalog.store().partitions("retail", "sales").size() == 2);

                put(
                        client,
                        bucket,
                        "sales/year=2024/month=02/part-1.json",
                        "{\"sale_id\": 3, \"amount\": 1.5, \"coupon\": \"FREE\"}\n");
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> table(catalog).get().schemaVersion() == 2);
                assertThat(table(catalog).get().columns())
                        .extracting(c -> c.name())
                        .containsExactly("sale_id", "amount", "coupon");
                Partition feb = catalog.store().partitions("retail", "sales").get(1);
                assertThat(feb.values()).containsExactly("2024", "02");
                assertThat(feb.fileCount()).isEqualTo(2);
            } finally {
                stop.set(true);
                watcher.join(10_000);
            }
        }
        // passes after the first sampled only what was new
        assertThat(reports).isNotEmpty();
        assertThat(reports.stream().mapToLong(CrawlReport::filesSampled).sum()).isEqualTo(3);

        registry.close();
        catalog.close();
        RegistryHttpServer again = RegistryHttpServer.start(home.resolve("registry"), 0);
        CatalogStore reopened = CatalogStores.embedded(home.resolve("catalog"));
        try (CatalogService after =
                new CatalogService(reopened, new SchemaRegistryClient(again.url()), reopened)) {
            assertThat(table(after).orElseThrow().schemaVersion()).isEqualTo(2);
            assertThat(after.versions("retail", "sales")).hasSize(2);
            assertThat(after.store().partitions("retail", "sales")).hasSize(2);
        } finally {
            again.close();
        }
    }

    private static Optional<CatalogTable> table(CatalogService catalog) {
        return catalog.store().table("retail", "sales");
    }

    private static void put(S3Client s3, String bucket, String key, String body) {
        s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString(body));
    }
}
