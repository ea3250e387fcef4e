package io.tributary.jobs.cli;

import io.tributary.catalog.iceberg.IcebergRestServer;
import io.tributary.catalog.iceberg.IcebergStorage;
import io.tributary.catalog.iceberg.TributaryIcebergCatalog;
import io.tributary.catalog.store.CatalogStore;
import io.tributary.embedded.S3Service;
import io.tributary.objectstore.S3Settings;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The catalog's Iceberg REST endpoint with what it serves: the catalog store, the Iceberg catalog
 * over it and the storage settings clients are handed. {@code services up} runs one over the
 * embedded S3 server; {@code catalog serve} runs one for a deployment.
 */
final class LakeCatalogServer implements AutoCloseable {

    private final CatalogStore store;
    private final TributaryIcebergCatalog catalog;
    private final IcebergRestServer server;

    private LakeCatalogServer(
            CatalogStore store, TributaryIcebergCatalog catalog, IcebergRestServer server) {
        this.store = store;
        this.catalog = catalog;
        this.server = server;
    }

    /**
     * Serves {@code store} with new tables under {@code warehouse}; {@code s3} reaches the data
     * (null: the FileIO's defaults, i.e. AWS). Clients get the endpoint, region and path style, and
     * the keys only when {@code vendKeys}.
     */
    static LakeCatalogServer start(
            CatalogStore store,
            String warehouse,
            S3Settings s3,
            boolean vendKeys,
            String host,
            int port,
            String token) {
        Map<String, String> storage =
                s3 == null
                        ? Map.of()
                        : IcebergStorage.s3(
                                s3.endpoint(),
                                s3.region(),
                                s3.pathStyle(),
                                s3.accessKey(),
                                s3.secretKey());
        Map<String, String> props = new LinkedHashMap<>(storage);
        props.put("warehouse", warehouse);
        TributaryIcebergCatalog catalog = new TributaryIcebergCatalog(store);
        catalog.initialize("tributary", props);
        Map<String, String> forClients =
                new LinkedHashMap<>(IcebergStorage.forOtherEngines(storage));
        if (!vendKeys) {
            forClients.remove("s3.access-key-id");
            forClients.remove("s3.secret-access-key");
        }
        try {
            return new LakeCatalogServer(
                    store,
                    catalog,
                    IcebergRestServer.start(catalog, host, port, token, forClients));
        } catch (RuntimeException e) {
            catalog.close();
            throw e;
        }
    }

    /**
     * Serves {@code store} with new tables under {@code warehouse} on the embedded S3 server, on
     * loopback, handing clients its keys.
     */
    static LakeCatalogServer onEmbeddedS3(CatalogStore store, String warehouse, S3Service s3) {
        return start(
                store,
                warehouse,
                new S3Settings(
                        s3.endpoint(),
                        S3Service.REGION,
                        true,
                        S3Service.ACCESS_KEY,
                        S3Service.SECRET_KEY),
                true,
                "127.0.0.1",
                0,
                null);
    }

    String url() {
        return server.url();
    }

    String warehouse() {
        return catalog.warehouse();
    }

    @Override
    public void close() {
        server.close();
        catalog.close();
        store.close();
    }
}
