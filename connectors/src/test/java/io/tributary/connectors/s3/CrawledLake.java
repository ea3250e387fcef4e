package io.tributary.connectors.s3;

import io.tributary.catalog.CatalogService;
import io.tributary.catalog.crawler.CrawlReport;
import io.tributary.catalog.crawler.Crawler;
import io.tributary.catalog.crawler.CrawlerOptions;
import io.tributary.catalog.registry.SchemaRegistry;
import io.tributary.catalog.store.CatalogStore;
import io.tributary.catalog.store.CatalogStores;
import io.tributary.embedded.S3Service;
import io.tributary.embedded.SharedServices;
import io.tributary.objectstore.ObjectStore;
import io.tributary.objectstore.ObjectStores;
import io.tributary.objectstore.S3Settings;
import java.nio.file.Path;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;

/**
 * A catalog under {@code home} that crawls the shared S3 server (or local folders), and Flink SQL
 * (batch) with it registered as {@code lake}: the fixture of the tests that crawl, then query.
 */
public final class CrawledLake {

    private final Path home;

    public CrawledLake(Path home) {
        this.home = home;
    }

    /** The shared embedded S3 server, as the crawler reaches it. */
    public static S3Settings s3() {
        S3Service s3 = SharedServices.s3();
        return new S3Settings(
                s3.endpoint(), S3Service.REGION, true, S3Service.ACCESS_KEY, S3Service.SECRET_KEY);
    }

    /** The catalog kept under {@code home} (store and registry). */
    public CatalogService catalog() {
        SchemaRegistry registry = SchemaRegistry.open(home.resolve("registry"));
        CatalogStore store = CatalogStores.embedded(home.resolve("catalog"));
        return new CatalogService(store, registry, store, registry);
    }

    /** Crawls {@code location} (s3:// or file://) into the catalog. */
    public CrawlReport crawl(String location, CrawlerOptions options) throws Exception {
        try (CatalogService catalog = catalog();
                ObjectStore objects = ObjectStores.open(location, s3())) {
            return new Crawler(catalog, objects, options, null).crawl();
        }
    }

    /** Batch Flink SQL on the shared cluster with the catalog registered as {@code lake}. */
    TableEnvironment sql() {
        S3Service s3 = SharedServices.s3();
        TableEnvironment env =
                TableEnvironment.create(
                        EnvironmentSettings.newInstance()
                                .inBatchMode()
                                .withConfiguration(SharedServices.flink().clientConfiguration())
                                .build());
        env.executeSql(
                "CREATE CATALOG lake WITH ('type' = 'tributary', 'store' = '"
                        + home.resolve("catalog")
                        + "', 's3.endpoint' = '"
                        + s3.endpoint()
                        + "', 's3.path-style' = 'true', 's3.access-key' = '"
                        + S3Service.ACCESS_KEY
                        + "', 's3.secret-key' = '"
                        + S3Service.SECRET_KEY
                        + "')");
        return env;
    }
}
