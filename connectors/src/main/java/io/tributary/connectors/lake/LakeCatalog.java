package io.tributary.connectors.lake;

import io.tributary.catalog.iceberg.TributaryIcebergCatalog;
import io.tributary.connectors.storage.S3AccessOptions;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.flink.CatalogLoader;
import org.apache.iceberg.flink.TableLoader;

/**
 * How a lake table's options reach Tributary's Iceberg catalog: the catalog store, the warehouse
 * and the S3 settings as Iceberg catalog properties, and the loaders Iceberg's Flink operators open
 * it with on every task manager.
 */
final class LakeCatalog {

    private LakeCatalog() {}

    static Map<String, String> properties(ReadableConfig o) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put(TributaryIcebergCatalog.STORE, o.get(LakeConnectorOptions.CATALOG_STORE));
        o.getOptional(LakeConnectorOptions.CATALOG_STORE_USER)
                .ifPresent(u -> p.put(TributaryIcebergCatalog.STORE_USER, u));
        o.getOptional(LakeConnectorOptions.CATALOG_STORE_PASSWORD)
                .ifPresent(pw -> p.put(TributaryIcebergCatalog.STORE_PASSWORD, pw));
        p.put(CatalogProperties.WAREHOUSE_LOCATION, o.get(LakeConnectorOptions.WAREHOUSE));
        p.putAll(S3AccessOptions.icebergProperties(o));
        return p;
    }

    static CatalogLoader loader(Map<String, String> properties) {
        // Iceberg's maintenance operators (and its maintenance builder, at planning) open table
        // loaders they never close: their catalogs connect to the store per call
        Map<String, String> props = new LinkedHashMap<>(properties);
        props.put(TributaryIcebergCatalog.STORE_CONNECTION, "per-call");
        return CatalogLoader.custom(
                "tributary",
                props,
                new org.apache.hadoop.conf.Configuration(),
                TributaryIcebergCatalog.class.getName());
    }

    static TableLoader tableLoader(Map<String, String> properties, TableIdentifier id) {
        return TableLoader.fromCatalog(loader(properties), id);
    }
}
