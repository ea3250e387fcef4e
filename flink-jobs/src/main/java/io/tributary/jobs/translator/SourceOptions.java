package io.tributary.jobs.translator;

import io.tributary.jobs.definition.SourceDef;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The connector options of a pipeline source: tributary-s3 for files, tributary-cdc (Flink CDC's
 * mysql-cdc or postgres-cdc with Tributary's snapshot progress and errors) for change streams,
 * Flink's kafka connector, or a Tributary catalog. The source's own {@code options} go on top, so
 * anything the connector takes can be set.
 */
final class SourceOptions {

    private static final Pattern JDBC_URL =
            Pattern.compile(
                    "^jdbc:(mysql|mariadb|postgresql)://([^/:?]+)(?::(\\d+))?/?([^?;]*).*$");

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
        Matcher m = JDBC_URL.matcher(s.setting("url"));
        if (!m.matches()) {
            throw new IllegalArgumentException("not a JDBC URL of MySQL, MariaDB or PostgreSQL");
        }
        boolean postgres = m.group(1).equals("postgresql");
        String[] table = s.setting("table").split("\\.", 2);
        o.put("connector", "tributary-cdc");
        o.put("database-type", postgres ? "postgres" : "mysql");
        o.put("hostname", m.group(2));
        o.put("port", m.group(3) != null ? m.group(3) : postgres ? "5432" : "3306");
        put(o, "username", s.setting("user"));
        put(o, "password", s.setting("password"));
        boolean latest = "latest".equals(s.setting("startup"));
        if (postgres) {
            o.put("database-name", m.group(4));
            o.put("schema-name", table[0]);
            o.put("table-name", table[1]);
            o.put("decoding.plugin.name", "pgoutput");
            o.put("scan.incremental.snapshot.enabled", "true");
            o.put("changelog-mode", "upsert");
            String slot =
                    s.setting(
                            "slot",
                            ("tributary_" + s.name() + "_" + table[0] + "_" + table[1])
                                    .toLowerCase(Locale.ROOT)
                                    .replaceAll("[^a-z0-9_]", "_"));
            o.put("slot.name", slot.length() > 63 ? slot.substring(0, 63) : slot);
            o.put("scan.startup.mode", latest ? "latest-offset" : "initial");
            // TLS for the snapshot and the replication connection (Debezium's database.ssl*)
            String ssl = s.setting("ssl-mode");
            put(o, "debezium.database.sslmode", ssl == null ? null : ssl.toLowerCase(Locale.ROOT));
            put(o, "debezium.database.sslrootcert", s.setting("ssl-root-cert"));
        } else {
            o.put("database-name", table[0]);
            o.put("table-name", table[1]);
            o.put("server-time-zone", "UTC");
            // a rebooted database (RDS maintenance, a failover) is noticed and reconnected to
            // within
            // seconds, not Debezium's default minute
            o.put("debezium.connect.keep.alive.interval.ms", "5000");
            o.put("scan.startup.mode", latest ? "latest-offset" : "initial");
            put(o, "server-id", s.setting("server-id"));
            String ssl = s.setting("ssl-mode");
            if (ssl != null) {
                ssl = ssl.toLowerCase(Locale.ROOT);
                // libpq's names to MySQL's: the binlog client's and Connector/J's
                String mysql =
                        switch (ssl) {
                            case "disable" -> "disabled";
                            case "prefer", "allow" -> "preferred";
                            case "require" -> "required";
                            case "verify-ca" -> "verify_ca";
                            case "verify-full" -> "verify_identity";
                            default -> throw new IllegalArgumentException("ssl-mode " + ssl);
                        };
                o.put("debezium.database.ssl.mode", mysql);
                o.put("jdbc.properties.sslMode", mysql.toUpperCase(Locale.ROOT));
            }
        }
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
