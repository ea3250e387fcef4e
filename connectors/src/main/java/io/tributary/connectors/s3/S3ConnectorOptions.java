package io.tributary.connectors.s3;

import java.time.Duration;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.MemorySize;

/** Every option of {@code 'connector' = 'tributary-s3'}; the DataStream builder reads the same. */
@PublicEvolving
public final class S3ConnectorOptions {

    private S3ConnectorOptions() {}

    public static final ConfigOption<String> PATH =
            ConfigOptions.key("path")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("The prefix to read: s3://bucket/prefix/ or file:///folder/.");

    public static final ConfigOption<String> SCAN_MODE =
            ConfigOptions.key("scan.mode")
                    .stringType()
                    .defaultValue("continuous")
                    .withDescription(
                            "continuous: keep reading files as they land; bounded: read what is"
                                    + " there, then finish.");

    public static final ConfigOption<Duration> SCAN_INTERVAL =
            ConfigOptions.key("scan.interval")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(10))
                    .withDescription(
                            "Time between listings of the keys after the greatest one seen.");

    public static final ConfigOption<Duration> SCAN_RESCAN_INTERVAL =
            ConfigOptions.key("scan.rescan-interval")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(5))
                    .withDescription(
                            "Time between full listings, which find files landing under keys that"
                                    + " sort before the greatest one (late or out of order). It"
                                    + " also bounds the state: keys older than the last full"
                                    + " listing are forgotten.");

    public static final ConfigOption<Duration> SCAN_CLOCK_SKEW =
            ConfigOptions.key("scan.clock-skew")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(1))
                    .withDescription("How far S3's modification times may lag this job's clock.");

    public static final ConfigOption<String> SCAN_STARTUP_MODE =
            ConfigOptions.key("scan.startup-mode")
                    .stringType()
                    .defaultValue("earliest")
                    .withDescription(
                            "earliest: read the files already there; latest: only files that land"
                                    + " after the job starts.");

    public static final ConfigOption<String> SCAN_MODIFIED_FILES =
            ConfigOptions.key("scan.modified-files")
                    .stringType()
                    .defaultValue("reread")
                    .withDescription(
                            "A file rewritten after it was read: reread (as Glue's bookmarks do)"
                                    + " or ignore. Rewrites are recognised while the key is newer"
                                    + " than the last full listing; older rewrites are read again"
                                    + " and logged.");

    public static final ConfigOption<MemorySize> SCAN_SPLIT_SIZE =
            ConfigOptions.key("scan.split-size")
                    .memoryType()
                    .defaultValue(MemorySize.parse("64mb"))
                    .withDescription(
                            "Uncompressed files larger than this are read in parallel, in ranges.");

    public static final ConfigOption<Integer> SCAN_HEADER_LINES =
            ConfigOptions.key("scan.header-lines")
                    .intType()
                    .defaultValue(0)
                    .withDescription("Lines to skip at the start of each file (a CSV header).");

    public static final ConfigOption<String> SCAN_RECORD_LAYOUT =
            ConfigOptions.key("scan.record-layout")
                    .stringType()
                    .defaultValue("lines")
                    .withDescription(
                            "lines: a record per line; json-array: each file is one JSON array of"
                                    + " records (read whole, element by element).");

    public static final ConfigOption<String> SCAN_JSON_PATH =
            ConfigOptions.key("scan.json-path")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Where each JSON file holds its records, as Glue's custom JSON"
                                    + " classifier: $.features[*] (GeoJSON), $['k'][*], $[*]; read"
                                    + " streaming, element by element. Implies json-array.");

    public static final ConfigOption<MemorySize> SCAN_MAX_LINE =
            ConfigOptions.key("scan.max-line-bytes")
                    .memoryType()
                    .defaultValue(MemorySize.parse("16mb"))
                    .withDescription("A longer line is a bad record.");

    public static final ConfigOption<Boolean> SCAN_MULTI_LINE =
            ConfigOptions.key("scan.multi-line-records")
                    .booleanType()
                    .defaultValue(false)
                    .withDescription(
                            "A record may span lines inside double quotes (CSV fields holding line"
                                    + " breaks): lines are joined while a quote is open, and files"
                                    + " are read whole instead of in byte-range splits.");

    public static final ConfigOption<String> SCAN_BAD_RECORDS =
            ConfigOptions.key("scan.bad-records")
                    .stringType()
                    .defaultValue("quarantine")
                    .withDescription(
                            "quarantine: keep each bad record with its file, position, raw text"
                                    + " and reason; fail: stop the job; skip-and-count: only count"
                                    + " it (metric numRecordsQuarantined).");

    public static final ConfigOption<String> SCAN_QUARANTINE_PATH =
            ConfigOptions.key("scan.quarantine.path")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Where quarantined records go (default: _tributary_quarantine/ under"
                                    + " the path, which is never read as data).");

    public static final ConfigOption<String> SCAN_QUARANTINE_PII =
            ConfigOptions.key("scan.quarantine.pii")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "The table's PII tags, a JSON object of column to tag ({\"email\":"
                                    + " \"EMAIL\"}; the catalog sets it from the crawler's tags):"
                                    + " a quarantined record is kept with those fields as [TAG],"
                                    + " and any personal data recognized in it or its reason"
                                    + " masked, never in clear.");
}
