package io.tributary.connectors.catalog;

import io.tributary.catalog.Quarantines;
import io.tributary.catalog.iceberg.TributaryIcebergCatalog;
import io.tributary.catalog.model.CatalogTable;
import io.tributary.catalog.model.TableFormat;
import io.tributary.connectors.cdc.CdcTableOptions;
import io.tributary.connectors.s3.S3ConnectorOptions;
import io.tributary.connectors.s3.S3DynamicTableFactory;
import io.tributary.connectors.storage.S3AccessOptions;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.connector.file.table.FileSystemConnectorOptions;
import org.apache.flink.formats.csv.CsvFormatOptions;
import org.apache.flink.formats.json.JsonFormatOptions;
import org.apache.flink.table.factories.FactoryUtil;

/**
 * The one place that decides which connector options a catalog table carries into Flink SQL: files
 * on S3 or local disk read through tributary-s3 with the crawled format's options; JDBC tables
 * through {@code jdbc} (bounded) or, in continuous mode, as change streams through {@code
 * tributary-cdc} (Flink CDC's {@code mysql-cdc} / {@code postgres-cdc} with Tributary's snapshot
 * progress and errors). A query's {@code OPTIONS} hints go on top of these.
 */
final class TableOptions {

    private TableOptions() {}

    private static String csv(ConfigOption<?> option) {
        return TableFormat.CSV.id() + "." + option.key();
    }

    /** Whether the table's connector fills partition columns from folders of either style. */
    static boolean readsFolderPartitions(CatalogTable t) {
        return t.format() != TableFormat.JDBC && t.format() != TableFormat.ICEBERG;
    }

    /** A bounded read through Flink's {@code jdbc} connector. */
    private static void jdbc(
            CatalogTable t, Map<String, String> catalogOptions, Map<String, String> o) {
        o.put(FactoryUtil.CONNECTOR.key(), FlinkJdbcOptions.IDENTIFIER);
        String url = t.properties().getOrDefault("jdbc.url", t.location());
        if (!"postgresql".equals(t.properties().get("classification"))
                && !url.contains("tinyInt1isBit")) {
            // TINYINT(1) read as the number the catalog says it is (the crawler reads it so)
            url += (url.contains("?") ? "&" : "?") + "tinyInt1isBit=false";
        }
        o.put(FlinkJdbcOptions.URL.key(), url);
        String table = t.properties().getOrDefault("jdbc.table", t.name());
        String container = t.properties().get("jdbc.database");
        boolean postgres = "postgresql".equals(t.properties().get("classification"));
        o.put(
                FlinkJdbcOptions.TABLE_NAME.key(),
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
            o.put(FlinkJdbcOptions.USERNAME.key(), user);
        }
        String password = catalogOptions.get(TributaryCatalogFactory.JDBC_PASSWORD.key());
        if (password != null) {
            o.put(FlinkJdbcOptions.PASSWORD.key(), password);
        }
    }

    /**
     * A lake table read through Iceberg's own {@code iceberg} connector, which loads it from this
     * catalog's store ({@code catalog-impl}); in continuous mode it follows new snapshots.
     */
    private static void iceberg(
            CatalogTable t, Map<String, String> catalogOptions, Map<String, String> o) {
        o.put(FactoryUtil.CONNECTOR.key(), "iceberg");
        o.put("catalog-name", "tributary");
        o.put("catalog-impl", TributaryIcebergCatalog.class.getName());
        o.put(
                TributaryIcebergCatalog.STORE,
                catalogOptions.get(TributaryCatalogFactory.STORE.key()));
        String user = catalogOptions.get(TributaryCatalogFactory.STORE_USER.key());
        if (user != null) {
            o.put(TributaryIcebergCatalog.STORE_USER, user);
        }
        String password = catalogOptions.get(TributaryCatalogFactory.STORE_PASSWORD.key());
        if (password != null) {
            o.put(TributaryIcebergCatalog.STORE_PASSWORD, password);
        }
        // a read creates no table: the warehouse only has to be given
        o.put("warehouse", t.location());
        o.put("catalog-database", t.database());
        o.put("catalog-table", t.name());
        o.putAll(
                S3AccessOptions.icebergProperties(
                        org.apache.flink.configuration.Configuration.fromMap(catalogOptions)));
        if ("continuous".equals(catalogOptions.get(TributaryCatalogFactory.SCAN_MODE.key()))) {
            o.put("streaming", "true");
            o.put("monitor-interval", "2s");
        }
    }

    static Map<String, String> of(CatalogTable t, Map<String, String> catalogOptions) {
        Map<String, String> o = new LinkedHashMap<>();
        switch (t.format()) {
            case JDBC -> {
                if ("continuous"
                        .equals(catalogOptions.get(TributaryCatalogFactory.SCAN_MODE.key()))) {
                    changeStream(t, catalogOptions, o);
                } else {
                    jdbc(t, catalogOptions, o);
                }
            }
            case JSON, CSV, PARQUET, AVRO -> {
                // Tributary's own source: CSV headers, every bad line quarantined, partitions
                // of both styles, continuous when asked
                o.put(FactoryUtil.CONNECTOR.key(), S3DynamicTableFactory.IDENTIFIER);
                o.put(S3ConnectorOptions.PATH.key(), t.location());
                o.put(FactoryUtil.FORMAT.key(), t.format().id());
                o.put(
                        S3ConnectorOptions.SCAN_MODE.key(),
                        catalogOptions.getOrDefault(
                                TributaryCatalogFactory.SCAN_MODE.key(), "bounded"));
                // a read never writes into the data's location
                o.put(
                        S3ConnectorOptions.SCAN_QUARANTINE_PATH.key(),
                        Quarantines.forTable(
                                Quarantines.base(
                                        catalogOptions.get(
                                                TributaryCatalogFactory.QUARANTINE_PATH.key()),
                                        catalogOptions.get(TributaryCatalogFactory.STORE.key())),
                                t.database(),
                                t.name()));
                // a table the crawler found personal data in keeps none in clear there either
                Map<String, String> tags = new LinkedHashMap<>();
                io.tributary.catalog.pii.PiiCounts.tagsOf(t.properties())
                        .forEach((c, tag) -> tags.put(c, tag.type().name()));
                if (!tags.isEmpty()) {
                    o.put(
                            S3ConnectorOptions.SCAN_QUARANTINE_PII.key(),
                            io.tributary.catalog.pii.PiiRedaction.format(tags));
                }
                if (t.format() == TableFormat.CSV) {
                    o.put(
                            csv(CsvFormatOptions.FIELD_DELIMITER),
                            t.formatOptions().getOrDefault("delimiter", ","));
                    o.put(csv(CsvFormatOptions.NULL_LITERAL), "");
                    if ("true".equals(t.formatOptions().get("header"))) {
                        o.put(S3ConnectorOptions.SCAN_HEADER_LINES.key(), "1");
                    }
                } else if (t.format() == TableFormat.JSON) {
                    // the style the crawler saw the table's timestamps written in
                    o.put(
                            TableFormat.JSON.id() + "." + JsonFormatOptions.TIMESTAMP_FORMAT.key(),
                            "ISO-8601".equals(t.formatOptions().get("timestamp-format"))
                                    ? "ISO-8601"
                                    : "SQL");
                    if ("array".equals(t.formatOptions().get("layout"))) {
                        o.put(S3ConnectorOptions.SCAN_RECORD_LAYOUT.key(), "json-array");
                    }
                    if (t.formatOptions().containsKey("json-path")) {
                        o.put(
                                S3ConnectorOptions.SCAN_JSON_PATH.key(),
                                t.formatOptions().get("json-path"));
                    }
                }
                for (ConfigOption<?> key : S3AccessOptions.OPTIONS) {
                    String v = catalogOptions.get(key.key());
                    if (v != null && t.location().startsWith("s3")) {
                        o.put(key.key(), v);
                    }
                }
            }
            case ICEBERG -> iceberg(t, catalogOptions, o);
            default -> {
                o.put(FactoryUtil.CONNECTOR.key(), "filesystem");
                o.put(FileSystemConnectorOptions.PATH.key(), t.location());
                o.put(FactoryUtil.FORMAT.key(), t.format().id());
            }
        }
        return o;
    }
}
