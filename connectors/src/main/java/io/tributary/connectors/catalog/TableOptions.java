package io.tributary.connectors.catalog;

import io.tributary.catalog.model.CatalogTable;
import io.tributary.catalog.model.TableFormat;
import io.tributary.connectors.cdc.CdcTableOptions;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one place that decides which connector options a catalog table carries into Flink SQL: files
 * on S3 or local disk read through tributary-s3 with the crawled format's options; JDBC tables
 * through {@code jdbc} (bounded) or, in continuous mode, as change streams through {@code
 * tributary-cdc} (Flink CDC's {@code mysql-cdc} / {@code postgres-cdc} with Tributary's snapshot
 * progress and errors). A query's {@code OPTIONS} hints go on top of these.
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

    /** A bounded read through Flink's {@code jdbc} connector. */
    private static void jdbc(
            CatalogTable t, Map<String, String> catalogOptions, Map<String, String> o) {
        o.put("connector", "jdbc");
        String url = t.properties().getOrDefault("jdbc.url", t.location());
        if (!"postgresql".equals(t.properties().get("classification"))
                && !url.contains("tinyInt1isBit")) {
            // TINYINT(1) read as the number the catalog says it is (the crawler reads it so)
            url += (url.contains("?") ? "&" : "?") + "tinyInt1isBit=false";
        }
        o.put("url", url);
        String table = t.properties().getOrDefault("jdbc.table", t.name());
        String container = t.properties().get("jdbc.database");
        boolean postgres = "postgresql".equals(t.properties().get("classification"));
        o.put(
                "table-name",
                postgres && container != null && !container.equals("public")
                        ? container + "." + table
                        : table);
        credentials(t, catalogOptions, o);
    }

    /**
     * The table's change stream (snapshot, then every insert, update and delete) through {@code
     * tributary-cdc}, derived where a pipeline's {@code cdc} source is ({@link CdcTableOptions}).
     */
    private static void changeStream(
            CatalogTable t, Map<String, String> catalogOptions, Map<String, String> o) {
        String url = t.properties().getOrDefault("jdbc.url", t.location());
        CdcTableOptions cdc;
        try {
            cdc = CdcTableOptions.forUrl(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "Table "
                            + t.name()
                            + " has no JDBC URL a change stream can be read from (jdbc:mysql://,"
                            + " jdbc:mariadb:// or jdbc:postgresql://)");
        }
        o.putAll(
                cdc.credentials(
                                t.properties().get("jdbc.user"),
                                catalogOptions.get(TributaryCatalogFactory.JDBC_PASSWORD.key()))
                        .table(
                                t.properties().get("jdbc.database"),
                                t.properties().getOrDefault("jdbc.table", t.name()))
                        .keyed(!t.primaryKey().isEmpty())
                        .reader(catalogOptions.get(TributaryCatalogFactory.CDC_READER.key()))
                        .options());
    }

    private static void credentials(
            CatalogTable t, Map<String, String> catalogOptions, Map<String, String> o) {
        String user = t.properties().get("jdbc.user");
        if (user != null) {
            o.put("username", user);
        }
        String password = catalogOptions.get(TributaryCatalogFactory.JDBC_PASSWORD.key());
        if (password != null) {
            o.put("password", password);
        }
    }

    static Map<String, String> of(CatalogTable t, Map<String, String> catalogOptions) {
        Map<String, String> o = new LinkedHashMap<>();
        switch (t.format()) {
            case JDBC -> {
                if ("continuous".equals(catalogOptions.get(SCAN_MODE))) {
                    changeStream(t, catalogOptions, o);
                } else {
                    jdbc(t, catalogOptions, o);
                }
            }
            case JSON, CSV, PARQUET, AVRO -> {
                // Tributary's own source: CSV headers, every bad line quarantined, partitions
                // of both styles, continuous when asked
                o.put("connector", "tributary-s3");
                o.put("path", t.location());
                o.put("format", t.format().id());
                o.put("scan.mode", catalogOptions.getOrDefault(SCAN_MODE, "bounded"));
                // a read never writes into the data's location
                o.put(
                        "scan.quarantine.path",
                        io.tributary.catalog.Quarantines.forTable(
                                io.tributary.catalog.Quarantines.base(
                                        catalogOptions.get(
                                                TributaryCatalogFactory.QUARANTINE_PATH.key()),
                                        catalogOptions.get(TributaryCatalogFactory.STORE.key())),
                                t.database(),
                                t.name()));
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
                    if (t.formatOptions().containsKey("json-path")) {
                        o.put("scan.json-path", t.formatOptions().get("json-path"));
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
