package io.tributary.connectors.s3;

import io.tributary.catalog.crawler.JsonRecordPath;
import io.tributary.connectors.storage.S3AccessOptions;
import io.tributary.objectstore.S3Settings;
import java.util.Locale;
import org.apache.flink.annotation.Internal;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.factories.FactoryUtil;

/** Builds an {@link S3SourceConfig} from the options: the one place that reads them. */
@Internal
public final class S3SourceConfigs {

    private S3SourceConfigs() {}

    public static S3SourceConfig from(ReadableConfig o) {
        String path = o.get(S3ConnectorOptions.PATH);
        if (path == null || path.isBlank()) {
            throw new ValidationException(
                    "'path' is required: s3://bucket/prefix/ or file:///dir/");
        }
        String mode = lower(o.get(S3ConnectorOptions.SCAN_MODE));
        if (!mode.equals("continuous") && !mode.equals("bounded")) {
            throw new ValidationException("scan.mode is continuous or bounded, not '" + mode + "'");
        }
        String startup = lower(o.get(S3ConnectorOptions.SCAN_STARTUP_MODE));
        if (!startup.equals("earliest") && !startup.equals("latest")) {
            throw new ValidationException(
                    "scan.startup-mode is earliest or latest, not '" + startup + "'");
        }
        JsonRecordPath jsonPath;
        try {
            String p = o.get(S3ConnectorOptions.SCAN_JSON_PATH);
            jsonPath = p == null || p.isBlank() ? null : JsonRecordPath.parse(p);
        } catch (IllegalArgumentException e) {
            throw new ValidationException(
                    S3ConnectorOptions.SCAN_JSON_PATH.key() + ": " + e.getMessage());
        }
        return new S3SourceConfig(
                path,
                new S3Settings(
                        o.get(S3AccessOptions.ENDPOINT),
                        o.get(S3AccessOptions.REGION),
                        o.get(S3AccessOptions.PATH_STYLE),
                        o.get(S3AccessOptions.ACCESS_KEY),
                        o.get(S3AccessOptions.SECRET_KEY)),
                mode.equals("continuous"),
                o.get(S3ConnectorOptions.SCAN_INTERVAL).toMillis(),
                o.get(S3ConnectorOptions.SCAN_RESCAN_INTERVAL).toMillis(),
                o.get(S3ConnectorOptions.SCAN_CLOCK_SKEW).toMillis(),
                enumOf(
                        FileDiscovery.ModifiedFiles.class,
                        S3ConnectorOptions.SCAN_MODIFIED_FILES.key(),
                        o.get(S3ConnectorOptions.SCAN_MODIFIED_FILES)),
                startup.equals("latest"),
                o.get(S3ConnectorOptions.SCAN_SPLIT_SIZE).getBytes(),
                o.get(S3ConnectorOptions.SCAN_HEADER_LINES),
                (int)
                        Math.min(
                                Integer.MAX_VALUE - 8,
                                o.get(S3ConnectorOptions.SCAN_MAX_LINE).getBytes()),
                enumOf(
                        S3SourceConfig.BadRecords.class,
                        S3ConnectorOptions.SCAN_BAD_RECORDS.key(),
                        o.get(S3ConnectorOptions.SCAN_BAD_RECORDS)),
                o.get(S3ConnectorOptions.SCAN_QUARANTINE_PATH),
                bulkFormat(o.get(FactoryUtil.FORMAT)),
                jsonPath != null || jsonArrays(o.get(S3ConnectorOptions.SCAN_RECORD_LAYOUT)),
                o.get(S3ConnectorOptions.SCAN_MULTI_LINE),
                jsonPath == null ? null : jsonPath.toString(),
                piiTags(o.get(S3ConnectorOptions.SCAN_QUARANTINE_PII)));
    }

    /** The option's tags, checked (an error names the option); null for none. */
    private static String piiTags(String option) {
        try {
            return io.tributary.catalog.pii.PiiRedaction.parse(option).isEmpty() ? null : option;
        } catch (IllegalArgumentException e) {
            throw new ValidationException(
                    S3ConnectorOptions.SCAN_QUARANTINE_PII.key() + ": " + e.getMessage());
        }
    }

    /** {@code avro} or {@code parquet} when the format is read from whole files; else null. */
    static String bulkFormat(String format) {
        String f = format == null ? "" : lower(format);
        return S3SourceConfig.BULK_FORMATS.contains(f) ? f : null;
    }

    private static boolean jsonArrays(String layout) {
        String l = lower(layout);
        if (!l.equals("lines") && !l.equals("json-array")) {
            throw new ValidationException(
                    "scan.record-layout is lines or json-array, not '" + layout + "'");
        }
        return l.equals("json-array");
    }

    private static String lower(String s) {
        return s.trim().toLowerCase(Locale.ROOT);
    }

    private static <E extends Enum<E>> E enumOf(Class<E> type, String key, String value) {
        try {
            return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new ValidationException(
                    "'" + value + "' is not a value of " + key + " (see its description)");
        }
    }
}
