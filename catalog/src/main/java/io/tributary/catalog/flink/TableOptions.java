package io.tributary.catalog.flink;

import io.tributary.catalog.model.CatalogTable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one place that decides which connector options a catalog table carries into Flink SQL: files
 * on S3 or local disk read through Flink's {@code filesystem} connector with the crawled format's
 * options, JDBC tables through {@code jdbc}. A query's {@code OPTIONS} hints go on top of these.
 */
final class TableOptions {

    private TableOptions() {}

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
            default -> {
                o.put("connector", "filesystem");
                o.put("path", t.location());
                o.put("format", t.format().id());
                switch (t.format()) {
                    case CSV -> {
                        o.put(
                                "csv.field-delimiter",
                                t.formatOptions().getOrDefault("delimiter", ","));
                        o.put("csv.null-literal", "");
                    }
                    case JSON -> o.put("json.timestamp-format.standard", "SQL");
                    default -> {}
                }
            }
        }
        return o;
    }
}
