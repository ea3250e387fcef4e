package io.tributary.connectors.catalog;

import static io.tributary.connectors.yaml.EndpointVocabulary.put;

import io.tributary.connectors.storage.S3AccessOptions;
import io.tributary.connectors.yaml.EndpointVocabulary;
import io.tributary.connectors.yaml.YamlBlock;
import io.tributary.connectors.yaml.YamlEndpoint;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.flink.annotation.Internal;
import org.apache.flink.table.catalog.CommonCatalogOptions;

/**
 * {@code type: catalog} in a pipeline file: a table of Tributary's catalog, read through a Flink
 * catalog registered for the source ({@link TributaryCatalogFactory}), continuous unless the source
 * says bounded. The options are the catalog's, not a table's.
 */
@Internal
public final class CatalogYaml implements EndpointVocabulary {

    public static final CatalogYaml SOURCE = new CatalogYaml();

    private CatalogYaml() {}

    @Override
    public String type() {
        return "catalog";
    }

    @Override
    public Role role() {
        return Role.SOURCE;
    }

    @Override
    public boolean catalog() {
        return true;
    }

    @Override
    public Set<String> keys() {
        Set<String> keys =
                new HashSet<>(Set.of("table", "store", "mode", "password", "scan-interval"));
        keys.addAll(S3AccessOptions.yamlKeys());
        return keys;
    }

    @Override
    public boolean needsColumns() {
        return false;
    }

    @Override
    public Map<String, String> check(YamlBlock b) {
        String table = b.required("table");
        if (table.split("\\.").length != 2) {
            throw b.error("table", "'" + table + "' is not <database>.<table>");
        }
        b.oneOf("mode", "continuous", "continuous", "bounded");
        // how often a table of files is listed for new ones (the S3 source's scan.interval)
        b.duration("scan-interval");
        if (!b.columns().isEmpty()) {
            throw b.error(
                    "columns",
                    "comes from the catalog for a catalog source; use a transform's"
                            + " resolve-choice to change types");
        }
        return EndpointVocabulary.none();
    }

    /** The catalog's options; the store defaults to the catalog under the pipeline's home. */
    @Override
    public Map<String, String> options(YamlEndpoint s) {
        Map<String, String> o = new LinkedHashMap<>();
        o.put(CommonCatalogOptions.CATALOG_TYPE.key(), TributaryCatalogFactory.IDENTIFIER);
        o.put(
                TributaryCatalogFactory.STORE.key(),
                s.get("store", Path.of(s.home()).resolve("catalog").toString()));
        o.put(TributaryCatalogFactory.SCAN_MODE.key(), s.get("mode", "continuous"));
        // a change stream read through this source is this source's (its PostgreSQL slot too)
        o.put(TributaryCatalogFactory.CDC_READER.key(), s.name());
        put(o, TributaryCatalogFactory.JDBC_PASSWORD, s.get("password"));
        S3AccessOptions.fromYaml(s, o);
        return o;
    }
}
