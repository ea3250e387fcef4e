package io.tributary.jobs.translator;

import io.tributary.connectors.catalog.TributaryCatalogFactory;
import io.tributary.connectors.cdc.CdcTableOptions;
import io.tributary.jobs.definition.SourceDef;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The connector options of a pipeline source: tributary-s3 for files, tributary-cdc (Flink CDC's
 * mysql-cdc or postgres-cdc with Tributary's snapshot progress and errors) for change streams,
 * Flink's kafka connector, or a Tributary catalog. The source's own {@code options} go on top, so
 * anything the connector takes can be set.
 */
final class SourceOptions {

    private SourceOptions() {}

    static Map<String, String> of(SourceDef s) {
        Map<String, String> o = new LinkedHashMap<>();
        switch (s.type()) {
            case S3 -> s3(s, o);
            case CDC -> cdc(s, o);
            case KAFKA -> kafka(s, o);
            default -> throw new IllegalArgumentException(s.type().toString());
        }
        o.putAll(s.options());
        return o;
    }

    private static void s3(SourceDef s, Map<String, String> o) {
        o.put("connector", "tributary-s3");
        o.put("path", s.setting("path"));
        String format = s.setting("format").toLowerCase(Locale.ROOT);
        o.put("format", format);
        o.put("scan.mode", s.setting("mode", "continuous"));
        if (s.setting("scan-interval") != null) {
            o.put("scan.interval", s.setting("scan-interval"));
        }
        if (s.setting("rescan-interval") != null) {
            // full listings: files landing under keys before the greatest seen (late files)
            o.put("scan.rescan-interval", s.setting("rescan-interval"));
        }
        if ("true".equalsIgnoreCase(s.setting("multi-line"))) {
            // CSV fields holding line breaks inside quotes; files are then read whole
            o.put("scan.multi-line-records", "true");
        }
        o.put("scan.bad-records", s.setting("bad-records", "quarantine"));
        if (format.equals("json")) {
            // what JSON writers emit (2026-11-24T08:00:00.123); a missing field is NULL
            o.put("json.timestamp-format.standard", "ISO-8601");
            o.put("json.fail-on-missing-field", "false");
        }
        put(o, "s3.endpoint", s.setting("endpoint"));
        put(o, "s3.region", s.setting("region"));
        put(o, "s3.path-style", s.setting("path-style"));
        put(o, "s3.access-key", s.setting("access-key"));
        put(o, "s3.secret-key", s.setting("secret-key"));
    }

    private static void cdc(SourceDef s, Map<String, String> o) {
        String[] table = s.setting("table").split("\\.", 2);
        o.putAll(
                CdcTableOptions.forUrl(s.setting("url"))
                        .credentials(s.setting("user"), s.setting("password"))
                        .table(table[0], table[1])
                        .keyed(!s.primaryKey().isEmpty())
                        .reader(s.name())
                        .slot(s.setting("slot"))
                        .latest("latest".equals(s.setting("startup")))
                        .serverId(s.setting("server-id"))
                        .tls(s.setting("ssl-mode"), s.setting("ssl-root-cert"))
                        .options());
    }

    private static void kafka(SourceDef s, Map<String, String> o) {
        o.put("connector", "kafka");
        o.put("topic", s.setting("topic"));
        o.put("properties.bootstrap.servers", s.setting("bootstrap-servers"));
        String format = s.setting("format");
        o.put("format", format);
        if (format.endsWith("confluent")) {
            o.put(format + ".url", s.setting("registry-url"));
        }
        String startup = s.setting("startup", "earliest");
        o.put(
                "scan.startup.mode",
                switch (startup) {
                    case "latest" -> "latest-offset";
                    case "group-offsets" -> "group-offsets";
                    default -> "earliest-offset";
                });
        o.put("properties.group.id", s.setting("group-id", "tributary-" + s.name()));
        KafkaSecurityOptions.put(s::setting, o);
    }

    /** A catalog registered for one catalog source, continuous unless the source says bounded. */
    static Map<String, String> catalog(SourceDef s, Path home) {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("type", "tributary");
        o.put("store", s.setting("store", home.resolve("catalog").toString()));
        o.put("scan.mode", s.setting("mode", "continuous"));
        // a change stream read through this source is this source's (its PostgreSQL slot too)
        o.put(TributaryCatalogFactory.CDC_READER.key(), s.name());
        put(o, "jdbc.password", s.setting("password"));
        put(o, "s3.endpoint", s.setting("endpoint"));
        put(o, "s3.region", s.setting("region"));
        put(o, "s3.path-style", s.setting("path-style"));
        put(o, "s3.access-key", s.setting("access-key"));
        put(o, "s3.secret-key", s.setting("secret-key"));
        o.putAll(s.options());
        return o;
    }

    private static void put(Map<String, String> o, String key, String value) {
        if (value != null && !value.isEmpty()) {
            o.put(key, value);
        }
    }
}
