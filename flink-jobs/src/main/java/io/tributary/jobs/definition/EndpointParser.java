package io.tributary.jobs.definition;

import io.tributary.jobs.definition.SinkDef.SinkType;
import io.tributary.jobs.definition.SourceDef.SourceType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.flink.table.types.logical.utils.LogicalTypeParser;

/**
 * The sources and sinks of a pipeline file, type by type: which keys each type takes, which it
 * needs, and what their values must be; {@link PipelineParser} hands each item here.
 */
final class EndpointParser {

    private static final Pattern SQL_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");

    static final Set<String> SOURCE_COMMON =
            Set.of("name", "type", "columns", "primary-key", "options");
    static final Map<SourceType, Set<String>> SOURCE_KEYS =
            Map.of(
                    SourceType.S3,
                    Set.of(
                            "path",
                            "format",
                            "mode",
                            "scan-interval",
                            "rescan-interval",
                            "multi-line",
                            "partition-keys",
                            "bad-records",
                            "endpoint",
                            "region",
                            "path-style",
                            "access-key",
                            "secret-key"),
                    SourceType.CDC,
                    Set.of(
                            "url",
                            "table",
                            "user",
                            "password",
                            "startup",
                            "server-id",
                            "slot",
                            "ssl-mode",
                            "ssl-root-cert"),
                    SourceType.KAFKA,
                    Set.of(
                            "topic",
                            "bootstrap-servers",
                            "format",
                            "registry-url",
                            "startup",
                            "group-id",
                            "security-protocol",
                            "sasl-mechanism",
                            "sasl-username",
                            "sasl-password",
                            "ssl-root-cert"),
                    SourceType.CATALOG,
                    Set.of(
                            "table",
                            "store",
                            "mode",
                            "password",
                            "endpoint",
                            "region",
                            "access-key",
                            "secret-key",
                            "path-style"));
    static final Set<String> SINK_COMMON = Set.of("name", "type", "from", "keys", "options");
    static final Map<SinkType, Set<String>> SINK_KEYS =
            Map.of(
                    SinkType.WAREHOUSE,
                    Set.of(
                            "url",
                            "table",
                            "mode",
                            "user",
                            "password",
                            "staging-path",
                            "iam-role",
                            "auto-create",
                            "schema-evolution",
                            "freshness-column",
                            "ssl-mode",
                            "ssl-root-cert"),
                    SinkType.KAFKA,
                    Set.of(
                            "topic",
                            "bootstrap-servers",
                            "format",
                            "registry-url",
                            "security-protocol",
                            "sasl-mechanism",
                            "sasl-username",
                            "sasl-password",
                            "ssl-root-cert"));

    private EndpointParser() {}

    static SourceDef source(YamlNode n, SettingsDef settings, Map<String, Position> names) {
        String name = n.required("name");
        String typeText = n.oneOf("type", null, "s3", "cdc", "kafka", "catalog");
        if (typeText == null) {
            throw new PipelineException(n.keyAt("type"), "is required: s3, cdc, kafka or catalog");
        }
        SourceType type = SourceType.valueOf(typeText.toUpperCase(Locale.ROOT));
        java.util.Set<String> allowed = new java.util.HashSet<>(SOURCE_COMMON);
        allowed.addAll(SOURCE_KEYS.get(type));
        n.onlyKeys(allowed);
        PipelineParser.declare(n, name, names);
        Map<String, String> columns = columns(n);
        Map<String, String> own = new LinkedHashMap<>();
        for (String k : SOURCE_KEYS.get(type)) {
            if (!k.equals("partition-keys")) {
                n.string(k).ifPresent(v -> own.put(k, v));
            }
        }
        List<String> partitionKeys = n.strings("partition-keys");
        List<String> primaryKey = n.strings("primary-key");
        switch (type) {
            case S3 -> {
                String path = n.required("path");
                if (!path.matches("(?i)(s3a?|file)://.+|/.+")) {
                    throw new PipelineException(
                            n.keyAt("path"), "'" + path + "' is not an s3:// or file:// prefix");
                }
                n.oneOf("format", null, "json", "csv", "parquet", "avro");
                n.required("format");
                n.oneOf("mode", "continuous", "continuous", "bounded");
                n.duration("scan-interval", null);
                n.duration("rescan-interval", null);
                own.putIfAbsent("bad-records", settings.badRecords());
                n.oneOf(
                        "bad-records",
                        settings.badRecords(),
                        "quarantine",
                        "fail",
                        "skip-and-count");
                needColumns(n, columns, type);
                for (String p : partitionKeys) {
                    if (!columns.containsKey(p)) {
                        throw new PipelineException(
                                n.keyAt("partition-keys"),
                                "'"
                                        + p
                                        + "' is not one of the columns; a partition key is a column filled from the folder name");
                    }
                }
            }
            case CDC -> {
                String url = n.required("url");
                if (!url.matches("jdbc:(mysql|mariadb|postgresql)://[^/:?]+(:\\d+)?/?.*")) {
                    throw new PipelineException(
                            n.keyAt("url"),
                            "'"
                                    + url.replaceAll("\\?.*", "")
                                    + "' is not a jdbc:mysql://, jdbc:mariadb:// or jdbc:postgresql:// URL");
                }
                String table = n.required("table");
                if (!table.contains(".")) {
                    throw new PipelineException(
                            n.keyAt("table"),
                            "'"
                                    + table
                                    + "' needs its database (MySQL) or schema (PostgreSQL): db.table");
                }
                n.oneOf("startup", "initial", "initial", "latest");
                sslMode(n);
                if (!url.startsWith("jdbc:postgresql:") && n.string("ssl-root-cert").isPresent()) {
                    throw new PipelineException(
                            n.keyAt("ssl-root-cert"),
                            "is for PostgreSQL sources (a PEM file); MySQL's clients trust a Java"
                                    + " truststore: give it under options as"
                                    + " debezium.database.ssl.truststore and"
                                    + " jdbc.properties.trustCertificateKeyStoreUrl");
                }
                needColumns(n, columns, type);
                if (primaryKey.isEmpty()) {
                    throw new PipelineException(
                            n.keyAt("primary-key"),
                            "is required for a change stream: updates and deletes are matched on it");
                }
            }
            case KAFKA -> {
                n.required("topic");
                n.required("bootstrap-servers");
                kafkaSecurity(n);
                String format =
                        n.oneOf(
                                "format",
                                null,
                                "json",
                                "avro-confluent",
                                "debezium-json",
                                "debezium-avro-confluent");
                if (format == null) {
                    throw new PipelineException(
                            n.keyAt("format"),
                            "is required: json, avro-confluent, debezium-json or debezium-avro-confluent");
                }
                if (format.endsWith("confluent")) {
                    n.required("registry-url");
                }
                n.oneOf("startup", "earliest", "earliest", "latest", "group-offsets");
                needColumns(n, columns, type);
            }
            case CATALOG -> {
                String table = n.required("table");
                if (table.split("\\.").length != 2) {
                    throw new PipelineException(
                            n.keyAt("table"), "'" + table + "' is not <database>.<table>");
                }
                n.oneOf("mode", "continuous", "continuous", "bounded");
                if (!columns.isEmpty()) {
                    throw new PipelineException(
                            n.keyAt("columns"),
                            "comes from the catalog for a catalog source; use a transform's resolve-choice to change types");
                }
            }
            default -> throw new IllegalStateException(type.toString());
        }
        for (String k : primaryKey) {
            if (!columns.isEmpty() && !columns.containsKey(k)) {
                throw new PipelineException(
                        n.keyAt("primary-key"), "'" + k + "' is not one of the columns");
            }
        }
        return new SourceDef(
                name,
                type,
                Map.copyOf(own),
                columns,
                List.copyOf(partitionKeys),
                List.copyOf(primaryKey),
                Map.copyOf(n.stringMap("options")),
                n.at());
    }

    private static void needColumns(YamlNode n, Map<String, String> columns, SourceType type) {
        if (columns.isEmpty()) {
            throw new PipelineException(
                    n.keyAt("columns"),
                    "is required for a "
                            + type.id()
                            + " source (name: TYPE per line), or crawl it and declare type: catalog");
        }
    }

    private static Map<String, String> columns(YamlNode n) {
        Map<String, String> columns = n.stringMap("columns");
        if (!columns.isEmpty()) {
            YamlNode c = n.map("columns").orElseThrow();
            for (Map.Entry<String, String> e : columns.entrySet()) {
                checkType(c.keyAt(e.getKey()), e.getValue());
            }
        }
        return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(columns));
    }

    static void checkType(Position at, String type) {
        try {
            LogicalTypeParser.parse(type, PipelineParser.class.getClassLoader());
        } catch (RuntimeException e) {
            throw new PipelineException(
                    at,
                    "'"
                            + type
                            + "' is not a Flink SQL type (e.g. BIGINT, STRING, DECIMAL(10, 2), TIMESTAMP(3))");
        }
    }

    /** TLS to a database: libpq's sslmode names, for PostgreSQL, Redshift and MySQL alike. */
    private static void sslMode(YamlNode n) {
        n.oneOf(
                "ssl-mode",
                null,
                "disable",
                "allow",
                "prefer",
                "require",
                "verify-ca",
                "verify-full");
    }

    /** A Kafka endpoint's security: the protocol and SASL mechanism names Kafka knows. */
    static void kafkaSecurity(YamlNode n) {
        n.oneOf("security-protocol", null, "plaintext", "ssl", "sasl_plaintext", "sasl_ssl");
        n.oneOf("sasl-mechanism", null, "plain", "scram-sha-256", "scram-sha-512");
        if (n.string("sasl-username").isPresent() != n.string("sasl-password").isPresent()) {
            throw new PipelineException(
                    n.keyAt(
                            n.string("sasl-username").isPresent()
                                    ? "sasl-username"
                                    : "sasl-password"),
                    "needs sasl-username and sasl-password together");
        }
    }

    static SinkDef sink(YamlNode n, Map<String, Position> names, String settingsEvolution) {
        String name = n.required("name");
        String typeText = n.oneOf("type", null, "warehouse", "kafka");
        if (typeText == null) {
            throw new PipelineException(n.keyAt("type"), "is required: warehouse or kafka");
        }
        SinkType type = SinkType.valueOf(typeText.toUpperCase(Locale.ROOT));
        java.util.Set<String> allowed = new java.util.HashSet<>(SINK_COMMON);
        allowed.addAll(SINK_KEYS.get(type));
        n.onlyKeys(allowed);
        String from = n.required("from");
        if (!names.containsKey(from.toLowerCase(Locale.ROOT))) {
            throw new PipelineException(
                    n.keyAt("from"),
                    "'" + from + "' is not a source or transform of this pipeline");
        }
        if (!SQL_NAME.matcher(name).matches()) {
            throw new PipelineException(
                    n.keyAt("name"),
                    "'" + name + "' is not a usable name (letters, digits and '_')");
        }
        Map<String, String> own = new LinkedHashMap<>();
        for (String k : SINK_KEYS.get(type)) {
            n.string(k).ifPresent(v -> own.put(k, v));
        }
        List<String> keys = n.strings("keys");
        switch (type) {
            case WAREHOUSE -> {
                String url = n.required("url");
                if (!url.matches("jdbc:(postgresql|redshift)://.+")) {
                    throw new PipelineException(
                            n.keyAt("url"),
                            "'"
                                    + url.replaceAll("\\?.*", "")
                                    + "' is not a jdbc:postgresql:// or jdbc:redshift:// URL");
                }
                sslMode(n);
                String table = n.required("table");
                if (table.split("\\.").length > 2) {
                    throw new PipelineException(
                            n.keyAt("table"), "'" + table + "' is not [schema.]table");
                }
                String mode =
                        n.oneOf("mode", keys.isEmpty() ? "append" : "upsert", "upsert", "append");
                if (mode.equals("upsert") && keys.isEmpty()) {
                    throw new PipelineException(
                            n.keyAt("keys"),
                            "is required with mode: upsert (the columns a row is matched on)");
                }
                own.put("mode", mode);
            }
            case KAFKA -> {
                n.required("topic");
                n.required("bootstrap-servers");
                kafkaSecurity(n);
                String format =
                        n.oneOf(
                                "format",
                                "json",
                                "json",
                                "avro-confluent",
                                "debezium-json",
                                "debezium-avro-confluent");
                if (format.endsWith("confluent")) {
                    n.required("registry-url");
                }
                own.put("format", format);
            }
            default -> throw new IllegalStateException(type.toString());
        }
        if (type == SinkType.WAREHOUSE) {
            own.put(
                    "schema-evolution",
                    n.oneOf("schema-evolution", settingsEvolution, "evolve", "fail"));
        }
        return new SinkDef(
                name,
                type,
                from,
                Map.copyOf(own),
                List.copyOf(keys),
                Map.copyOf(n.stringMap("options")),
                n.at());
    }
}
