package io.tributary.catalog.flink;

import io.tributary.catalog.model.CatalogTable;
import io.tributary.catalog.model.TableFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one place that decides which connector options a catalog table carries into Flink SQL: files
 * on S3 or local disk read through Flink's {@code filesystem} connector with the crawled format's
 * options, JDBC tables through {@code jdbc}. A query's {@code OPTIONS} hints go on top of these.
 */
final class TableOptions {

    static final String SCAN_MODE = "scan.mode";

    /** Catalog options handed to every S3 table read by tributary-s3. */
    static final java.util.List<String> S3_KEYS =
            java.util.List.of(
                    "s3.endpoint", "s3.region", "s3.path-style", "s3.access-key", "s3.secret-key");

    private TableOptions() {}

    /** Whether the table's connector fills partition columns from folders of either style. */
    static boolean readsFolderPartitions(CatalogTable t) {
        return t.format() != TableFormat.JDBC;
    }

    static Map<String, String> of(CatalogTable t, Map<String, String> catalogOptions) {
        Map<String, String> o = new LinkedHashMap<>();
        switch (t.format()) {
            case JDBC -> {
                o.put("connector", "jdbc");
                o.put("url", t.properties().getOrDefault("jdbc.url", t.location()));
                String table = t.properties().getOrDefault("jdbc.table", t.name());
                String container = t.properties().get("jdbc.database");
                boolean postgres = "postgresql".equals(t.properties().get("classification"));
                o.put(
                        "table-name",
                        postgres && container != null && !container.equals("public")
                                ? container + "." + table
                                : table);
                String user = t.properties().get("jdbc.user");
                if (user != null) {
                    o.put("username", user);
                }
                String password = catalogOptions.get(TributaryCatalogFactory.JDBC_PASSWORD.key());
                if (password != null) {
                    o.put("password", password);
                }
            }
            case JSON, CSV, PARQUET, AVRO -> {
                // Tributary's own source: CSV headers, every bad line quarantined, partitions
                // of both styles, continuous when asked
                o.put("connector", "tributary-s3");
                o.put("path", t.location());
                o.put("format", t.format().id());
                o.put("scan.mode", catalogOptions.getOrDefault(SCAN_MODE, "bounded"));
                if (t.format() == TableFormat.CSV) {
                    o.put("csv.field-delimiter", t.formatOptions().getOrDefault("delimiter", ","));
                    o.put("csv.null-literal", "");
                    if ("true".equals(t.formatOptions().get("header"))) {
                        o.put("scan.header-lines", "1");
                    }
                } else if (t.format() == TableFormat.JSON) {
                    o.put("json.timestamp-format.standard", "SQL");
                    if ("array".equals(t.formatOptions().get("layout"))) {
                        o.put("scan.record-layout", "json-array");
                    }
                }
                for (String key : S3_KEYS) {
                    String v = catalogOptions.get(key);
                    if (v != null && t.location().startsWith("s3")) {
                        o.put(key, v);
                    }
                }
            }
            default -> {
                o.put("connector", "filesystem");
                o.put("path", t.location());
                o.put("format", t.format().id());
            }
        }
        return o;
    }
}
