package io.tributary.connectors.redshift;

import io.tributary.connectors.changes.DimensionChanges;
import java.time.Duration;
import java.util.List;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * Every option of the warehouse sink, read by the Table API factory and the DataStream builder
 * alike. The dialect follows the URL: {@code jdbc:redshift:} or {@code jdbc:postgresql:}.
 */
@PublicEvolving
public final class RedshiftConnectorOptions {

    private RedshiftConnectorOptions() {}

    public static final ConfigOption<String> URL =
            ConfigOptions.key("url")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "JDBC URL of the warehouse: jdbc:redshift://host:5439/db or"
                                    + " jdbc:postgresql://host:5432/db.");

    public static final ConfigOption<String> USERNAME =
            ConfigOptions.key("username")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Database user.");

    public static final ConfigOption<String> PASSWORD =
            ConfigOptions.key("password")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Database password (never logged).");

    public static final ConfigOption<String> SSL_MODE =
            ConfigOptions.key("ssl.mode")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "TLS to the warehouse (the driver's sslmode): disable, allow, prefer,"
                                    + " require, verify-ca or verify-full. verify-full checks the"
                                    + " server's certificate and host name; without it, the"
                                    + " driver's default (or the URL's sslmode) applies.");

    public static final ConfigOption<String> SSL_ROOT_CERT =
            ConfigOptions.key("ssl.root-cert")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "PEM file of the certificate authority the server's certificate must"
                                    + " chain to (the driver's sslrootcert), on every TaskManager;"
                                    + " for verify-ca and verify-full.");

    public static final ConfigOption<String> SCHEMA_NAME =
            ConfigOptions.key("schema-name")
                    .stringType()
                    .defaultValue("public")
                    .withDescription(
                            "Schema of the target table, taken literally (quoted in SQL).");

    public static final ConfigOption<String> TABLE_NAME =
            ConfigOptions.key("table-name")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Target table, taken literally (quoted in SQL).");

    public static final ConfigOption<SinkMode> SINK_MODE =
            ConfigOptions.key("sink.mode")
                    .enumType(SinkMode.class)
                    .noDefaultValue()
                    .withDescription(
                            "APPEND or UPSERT. Default: UPSERT when the table has a primary key,"
                                    + " APPEND otherwise.");

    public static final ConfigOption<String> SINK_NAME =
            ConfigOptions.key("sink.name")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Identity of this sink in the bookmark table (default: schema.table)."
                                    + " Two sinks of one job writing one table need distinct names.");

    public static final ConfigOption<String> BOOKMARK_SCHEMA =
            ConfigOptions.key("sink.bookmark-schema")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Schema of the bookmark table tributary_sink_bookmarks and of PostgreSQL"
                                    + " staging tables (default: the target's schema).");

    public static final ConfigOption<Boolean> AUTO_CREATE =
            ConfigOptions.key("sink.auto-create")
                    .booleanType()
                    .defaultValue(true)
                    .withDescription("Create the schema and target table when missing.");

    public static final ConfigOption<SchemaEvolution> SCHEMA_EVOLUTION =
            ConfigOptions.key("sink.schema-evolution")
                    .enumType(SchemaEvolution.class)
                    .defaultValue(SchemaEvolution.EVOLVE)
                    .withDescription(
                            "When the target lacks columns of the sink: EVOLVE adds them (old rows"
                                    + " NULL); FAIL stops with the list of missing columns.");

    public static final ConfigOption<Staging> STAGING =
            ConfigOptions.key("sink.staging")
                    .enumType(Staging.class)
                    .defaultValue(Staging.AUTO)
                    .withDescription(
                            "How each checkpoint's rows wait for their commit. AUTO: as files (under"
                                    + " 'sink.staging.path', else under the job's checkpoint"
                                    + " directory), else in a staging table. FILES: as files; fails"
                                    + " when there is neither. TABLE (PostgreSQL only): in a"
                                    + " durable staging table, with no shared storage needed, at"
                                    + " two logged writes per row.");

    public static final ConfigOption<String> STAGING_PATH =
            ConfigOptions.key("sink.staging.path")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Where each checkpoint's rows are staged as CSV files. Redshift: an"
                                    + " s3:// prefix the cluster can read (required; gzip'd, with a"
                                    + " manifest). PostgreSQL: optional; unset, files go under the"
                                    + " job's checkpoint directory (execution.checkpointing.dir) in"
                                    + " tributary-staging/, and without one into a staging table"
                                    + " (see 'sink.staging'). Files are COPYd at commit (one logged"
                                    + " write per row); they must be on storage every TaskManager"
                                    + " shares (s3://, or file:// on a shared mount).");

    public static final ConfigOption<String> IAM_ROLE =
            ConfigOptions.key("redshift.iam-role")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "IAM role ARN Redshift's COPY assumes to read the staged files (default:"
                                    + " the cluster's default role).");

    public static final ConfigOption<String> S3_REGION =
            ConfigOptions.key("redshift.s3-region")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Region of the staging bucket when it differs from the cluster's.");

    public static final ConfigOption<List<String>> PRE_ACTIONS =
            ConfigOptions.key("sink.pre-actions")
                    .stringType()
                    .asList()
                    .defaultValues()
                    .withDescription(
                            "SQL statements (separated by ';') run in each commit transaction"
                                    + " before the rows are applied, like Glue's preactions.");

    public static final ConfigOption<List<String>> POST_ACTIONS =
            ConfigOptions.key("sink.post-actions")
                    .stringType()
                    .asList()
                    .defaultValues()
                    .withDescription(
                            "SQL statements (separated by ';') run in each commit transaction"
                                    + " after the rows are applied, like Glue's postactions.");

    public static final ConfigOption<Integer> STAGING_BUFFER_BYTES =
            ConfigOptions.key("sink.staging.buffer-bytes")
                    .intType()
                    .defaultValue(1 << 20)
                    .withDescription(
                            "Bytes buffered by a writer before they are sent to the stage.");

    public static final ConfigOption<Duration> CONNECT_TIMEOUT =
            ConfigOptions.key("sink.connect-timeout")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(30))
                    .withDescription("Timeout for opening a database connection.");

    public static final ConfigOption<String> FRESHNESS_COLUMN =
            ConfigOptions.key("sink.freshness-column")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "A TIMESTAMP or TIMESTAMP_LTZ column holding each row's event time"
                                    + " (TIMESTAMP read as UTC): metric freshnessMs is now minus the"
                                    + " newest value committed. Without it, freshnessMs is the time"
                                    + " since the last commit that brought rows.");

    /** See {@link DimensionChanges#SINK_KEYS}: the same option for every sink a join feeds. */
    public static final ConfigOption<List<String>> SINK_KEYS = DimensionChanges.SINK_KEYS;

    /** See {@link DimensionChanges#DIMENSION_KEY_COLUMN}. */
    public static final ConfigOption<String> DIMENSION_KEY_COLUMN =
            DimensionChanges.DIMENSION_KEY_COLUMN;

    /** See {@link DimensionChanges#DIMENSION_COLUMNS}. */
    public static final ConfigOption<List<String>> DIMENSION_COLUMNS =
            DimensionChanges.DIMENSION_COLUMNS;

    /** See {@link DimensionChanges#VERSION_COLUMN}; staged, never written to the target. */
    public static final String DIMENSION_VERSION_COLUMN = DimensionChanges.VERSION_COLUMN;

    /** See {@link DimensionChanges#CHANGE_COLUMN}; staged, never written to the target. */
    public static final String DIMENSION_CHANGE_COLUMN = DimensionChanges.CHANGE_COLUMN;

    /** Where a checkpoint's rows wait for their commit: see {@link #STAGING}. */
    public enum Staging {
        AUTO,
        FILES,
        TABLE
    }

    /** What to do when the target table lacks columns the sink writes. */
    public enum SchemaEvolution {
        EVOLVE,
        FAIL
    }
}
