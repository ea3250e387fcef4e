package io.tributary.connectors.lake;

import java.time.Duration;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.MemorySize;

/**
 * The options of {@code 'connector' = 'tributary-lake'}: an Apache Iceberg table of Tributary's
 * catalog, written exactly once through Iceberg's own Flink committer. The S3 access options are
 * {@link io.tributary.connectors.storage.S3AccessOptions}'.
 */
@PublicEvolving
public final class LakeConnectorOptions {

    private LakeConnectorOptions() {}

    public static final ConfigOption<String> CATALOG_STORE =
            ConfigOptions.key("catalog.store")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "The catalog store that holds the table: a jdbc:postgresql:// URL or"
                                    + " the embedded store's folder ($TRIBUTARY_HOME/catalog).");

    public static final ConfigOption<String> CATALOG_STORE_USER =
            ConfigOptions.key("catalog.store.user")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("User of a PostgreSQL catalog store.");

    public static final ConfigOption<String> CATALOG_STORE_PASSWORD =
            ConfigOptions.key("catalog.store.password")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Password of a PostgreSQL catalog store.");

    public static final ConfigOption<String> WAREHOUSE =
            ConfigOptions.key("warehouse")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Where new tables are written: s3://bucket/prefix, or a folder."
                                    + " An existing table stays where it is.");

    public static final ConfigOption<String> DATABASE =
            ConfigOptions.key("database")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("The catalog database (the Iceberg namespace).");

    public static final ConfigOption<String> TABLE =
            ConfigOptions.key("table")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("The table; created on first write when it does not exist.");

    public static final ConfigOption<String> SINK_MODE =
            ConfigOptions.key("sink.mode")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "append, or upsert by the primary key with equality deletes (default:"
                                    + " upsert when the table has a primary key).");

    public static final ConfigOption<String> PARTITION_BY =
            ConfigOptions.key("partition-by")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Partition transforms of a new table, comma-separated: a column"
                                    + " (identity), year(c), month(c), day(c), hour(c),"
                                    + " bucket(N, c), truncate(W, c).");

    public static final ConfigOption<MemorySize> TARGET_FILE_SIZE =
            ConfigOptions.key("sink.target-file-size")
                    .memoryType()
                    .defaultValue(MemorySize.parse("128mb"))
                    .withDescription("The data file size writers roll at.");

    public static final ConfigOption<String> SCHEMA_EVOLUTION =
            ConfigOptions.key("sink.schema-evolution")
                    .stringType()
                    .defaultValue("evolve")
                    .withDescription(
                            "evolve: columns the input has and the table lacks are added, and"
                                    + " types widened (int to bigint, float to double, a decimal's"
                                    + " precision); fail: the job stops naming the column.");

    public static final ConfigOption<Duration> COMPACTION_INTERVAL =
            ConfigOptions.key("compaction.interval")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(10))
                    .withDescription(
                            "How often a streaming job rewrites the table's small data files"
                                    + " (one per writer per checkpoint) into files of the target"
                                    + " size, and expires old snapshots, in the job itself through"
                                    + " Iceberg's Flink table maintenance; 0 turns it off.");

    public static final ConfigOption<Duration> SNAPSHOTS_MAX_AGE =
            ConfigOptions.key("snapshots.max-age")
                    .durationType()
                    .defaultValue(Duration.ofHours(1))
                    .withDescription(
                            "Snapshots older than this are expired (time travel reaches back this"
                                    + " far) and the files only they reference deleted.");

    public static final ConfigOption<Integer> SNAPSHOTS_RETAIN_LAST =
            ConfigOptions.key("snapshots.retain-last")
                    .intType()
                    .defaultValue(10)
                    .withDescription("The newest snapshots kept however old they are.");
}
