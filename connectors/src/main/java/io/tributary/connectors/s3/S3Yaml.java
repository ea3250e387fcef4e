package io.tributary.connectors.s3;

import static io.tributary.connectors.yaml.EndpointVocabulary.put;

import io.tributary.connectors.storage.S3AccessOptions;
import io.tributary.connectors.yaml.EndpointVocabulary;
import io.tributary.connectors.yaml.YamlBlock;
import io.tributary.connectors.yaml.YamlEndpoint;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.flink.annotation.Internal;
import org.apache.flink.formats.json.JsonFormatOptions;
import org.apache.flink.table.factories.FactoryUtil;

/**
 * {@code type: s3} in a pipeline file: files under an S3 (or local) prefix read by {@code
 * tributary-s3}. Each YAML key maps to one of {@link S3ConnectorOptions}.
 */
@Internal
public final class S3Yaml implements EndpointVocabulary {

    public static final S3Yaml SOURCE = new S3Yaml();

    private S3Yaml() {}

    @Override
    public String type() {
        return "s3";
    }

    @Override
    public Role role() {
        return Role.SOURCE;
    }

    @Override
    public Set<String> keys() {
        Set<String> keys =
                new HashSet<>(
                        Set.of(
                                "path",
                                "format",
                                "mode",
                                "scan-interval",
                                "rescan-interval",
                                "multi-line",
                                "partition-keys",
                                "bad-records"));
        keys.addAll(S3AccessOptions.yamlKeys());
        return keys;
    }

    @Override
    public Map<String, String> check(YamlBlock b) {
        String path = b.required("path");
        if (!path.matches("(?i)(s3a?|file)://.+|/.+")) {
            throw b.error("path", "'" + path + "' is not an s3:// or file:// prefix");
        }
        b.oneOf("format", null, "json", "csv", "parquet", "avro");
        b.required("format");
        b.oneOf("mode", "continuous", "continuous", "bounded");
        b.duration("scan-interval");
        b.duration("rescan-interval");
        String badRecords = b.pipelineDefault("bad-records").orElse("quarantine");
        Map<String, String> resolved = EndpointVocabulary.none();
        resolved.put(
                "bad-records",
                b.oneOf("bad-records", badRecords, "quarantine", "fail", "skip-and-count"));
        for (String p : b.strings("partition-keys")) {
            if (!b.columns().contains(p)) {
                throw b.error(
                        "partition-keys",
                        "'"
                                + p
                                + "' is not one of the columns; a partition key is a column filled"
                                + " from the folder name");
            }
        }
        return resolved;
    }

    @Override
    public Map<String, String> options(YamlEndpoint s) {
        Map<String, String> o = new LinkedHashMap<>();
        o.put(FactoryUtil.CONNECTOR.key(), S3DynamicTableFactory.IDENTIFIER);
        o.put(S3ConnectorOptions.PATH.key(), s.get("path"));
        String format = s.get("format").toLowerCase(Locale.ROOT);
        o.put(FactoryUtil.FORMAT.key(), format);
        o.put(S3ConnectorOptions.SCAN_MODE.key(), s.get("mode", "continuous"));
        put(o, S3ConnectorOptions.SCAN_INTERVAL, s.get("scan-interval"));
        // full listings: files landing under keys before the greatest seen (late files)
        put(o, S3ConnectorOptions.SCAN_RESCAN_INTERVAL, s.get("rescan-interval"));
        if ("true".equalsIgnoreCase(s.get("multi-line"))) {
            // CSV fields holding line breaks inside quotes; files are then read whole
            o.put(S3ConnectorOptions.SCAN_MULTI_LINE.key(), "true");
        }
        o.put(S3ConnectorOptions.SCAN_BAD_RECORDS.key(), s.get("bad-records", "quarantine"));
        if (format.equals("json")) {
            // what JSON writers emit (2026-11-24T08:00:00.123); a missing field is NULL
            o.put(format + "." + JsonFormatOptions.TIMESTAMP_FORMAT.key(), "ISO-8601");
            o.put(format + "." + JsonFormatOptions.FAIL_ON_MISSING_FIELD.key(), "false");
        }
        S3AccessOptions.fromYaml(s, o);
        return o;
    }
}
