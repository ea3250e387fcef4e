package io.tributary.connectors.redshift.internal;

import static io.tributary.connectors.redshift.RedshiftConnectorOptions.*;

import io.tributary.connectors.redshift.RedshiftConnectorOptions.SchemaEvolution;
import io.tributary.connectors.redshift.SinkMode;
import io.tributary.connectors.redshift.TableId;
import io.tributary.connectors.redshift.dialect.DimensionColumns;
import io.tributary.connectors.redshift.dialect.WarehouseDialect;
import java.io.Serializable;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import org.apache.flink.annotation.Internal;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.LogicalTypeRoot;
import org.apache.flink.table.types.logical.RowType;

/**
 * Everything a writer and a committer need, resolved once from the options and the row type, and
 * shipped to the tasks. The password is kept out of {@link #toString()}.
 */
@Internal
public final class SinkSpec implements Serializable {

    private static final long serialVersionUID = 1L;

    private final String url;
    private final String username;
    private final String password;
    private final String sslMode;
    private final String sslRootCert;
    private final TableId target;
    private final TableId bookmarks;
    private final String sinkName;
    private final RowType rowType;
    private final List<String> keys;
    private final SinkMode mode;
    private final WarehouseDialect dialect;
    private final boolean autoCreate;
    private final SchemaEvolution evolution;
    private final String stagingPath;
    private final String iamRole;
    private final String s3Region;
    private final List<String> preActions;
    private final List<String> postActions;
    private final int bufferBytes;
    private final int connectTimeoutSeconds;
    private final int freshnessColumn;
    private final DimensionColumns dimension;

    public SinkSpec(ReadableConfig options, RowType rowType, List<String> keys) {
        this(options, rowType, keys, Optional.empty());
    }

    /**
     * @param checkpoints the job's checkpoint directory, where the sink stages files when the
     *     options name no staging path (see {@code sink.staging})
     */
    public SinkSpec(
            ReadableConfig options,
            RowType rowType,
            List<String> keys,
            Optional<String> checkpoints) {
        this.url = required(options, URL.key(), options.get(URL));
        this.username = options.getOptional(USERNAME).orElse(null);
        this.password = options.getOptional(PASSWORD).orElse(null);
        this.sslMode = options.getOptional(SSL_MODE).map(SinkSpec::sslMode).orElse(null);
        this.sslRootCert = options.getOptional(SSL_ROOT_CERT).orElse(null);
        this.target =
                new TableId(
                        options.get(SCHEMA_NAME),
                        required(options, TABLE_NAME.key(), options.get(TABLE_NAME)));
        this.bookmarks =
                new TableId(
                        options.getOptional(BOOKMARK_SCHEMA).orElse(target.schema()),
                        "tributary_sink_bookmarks");
        this.sinkName = options.getOptional(SINK_NAME).orElse(target.toString());
        this.rowType = rowType;
        this.keys = List.copyOf(keys);
        this.mode =
                options.getOptional(SINK_MODE)
                        .orElse(keys.isEmpty() ? SinkMode.APPEND : SinkMode.UPSERT);
        if (mode == SinkMode.UPSERT && keys.isEmpty()) {
            throw new IllegalArgumentException(
                    "sink.mode UPSERT on "
                            + target
                            + " needs key columns: declare PRIMARY KEY (...) NOT ENFORCED or use"
                            + " sink.mode APPEND");
        }
        for (String k : keys) {
            if (!rowType.getFieldNames().contains(k)) {
                throw new IllegalArgumentException(
                        "Key column '"
                                + k
                                + "' is not a column of the sink: "
                                + rowType.getFieldNames());
            }
        }
        this.dialect = WarehouseDialect.forUrl(url);
        // names the warehouse cannot hold as they are (NUL, longer than it allows) are refused
        // when the job is built, not by its tasks after it started
        dialect.qualified(target);
        rowType.getFieldNames().forEach(dialect::quote);
        this.autoCreate = options.get(AUTO_CREATE);
        this.evolution = options.get(SCHEMA_EVOLUTION);
        this.stagingPath = stagingPath(options, dialect, checkpoints);
        if (dialect.name().equals("redshift")
                && (stagingPath == null || !stagingPath.startsWith("s3"))) {
            throw new IllegalArgumentException(
                    "Redshift loads from S3: set 'sink.staging.path' to an s3:// prefix the cluster"
                            + " can read (got "
                            + stagingPath
                            + ")");
        }
        this.iamRole = options.getOptional(IAM_ROLE).orElse(null);
        this.s3Region = options.getOptional(S3_REGION).orElse(null);
        this.preActions = List.copyOf(options.get(PRE_ACTIONS));
        this.postActions = List.copyOf(options.get(POST_ACTIONS));
        this.bufferBytes = options.get(STAGING_BUFFER_BYTES);
        this.connectTimeoutSeconds = (int) options.get(CONNECT_TIMEOUT).toSeconds();
        this.freshnessColumn =
                options.getOptional(FRESHNESS_COLUMN)
                        .map(c -> freshnessColumnIndex(rowType, c))
                        .orElse(-1);
        this.dimension =
                options.getOptional(DIMENSION_KEY_COLUMN)
                        .map(
                                k ->
                                        dimension(
                                                target,
                                                k,
                                                options.get(DIMENSION_COLUMNS),
                                                rowType,
                                                keys,
                                                mode))
                        .orElse(null);
    }

    /**
     * A dimension join's columns, checked: an upsert sink, whose row carries the dimension's key,
     * its derived columns and the two staged-only columns the join adds.
     */
    private static DimensionColumns dimension(
            TableId target,
            String key,
            List<String> columns,
            RowType rowType,
            List<String> keys,
            SinkMode mode) {
        if (mode != SinkMode.UPSERT) {
            throw new IllegalArgumentException(
                    "'"
                            + DIMENSION_KEY_COLUMN.key()
                            + "' needs an upsert sink: rows written by key ("
                            + SINK_KEYS.key()
                            + " or a primary key)");
        }
        List<String> names = rowType.getFieldNames();
        List<String> needed = new ArrayList<>();
        needed.add(key);
        needed.addAll(columns);
        needed.add(DimensionColumns.version());
        needed.add(DimensionColumns.change());
        for (String c : needed) {
            if (!names.contains(c)) {
                throw new IllegalArgumentException(
                        "A dimension join's sink needs column '"
                                + c
                                + "', which it does not have: "
                                + names);
            }
        }
        for (String c : columns) {
            if (keys.contains(c) || c.equals(key)) {
                throw new IllegalArgumentException(
                        "'"
                                + c
                                + "' is a key; a dimension's change cannot rewrite it ("
                                + DIMENSION_COLUMNS.key()
                                + ")");
            }
        }
        return new DimensionColumns(
                new TableId(target.schema(), target.table() + "__dimension"), key, columns);
    }

    /**
     * Where the rows of a checkpoint are staged as files, or null for a staging table. Files are
     * the default where there is storage for them: the warehouse writes each row once (the target)
     * instead of twice (the stage, then the target). Redshift's files are always named, as its COPY
     * reads them from S3 with the cluster's own role.
     */
    private static String stagingPath(
            ReadableConfig options, WarehouseDialect dialect, Optional<String> checkpoints) {
        Optional<String> named = options.getOptional(STAGING_PATH);
        Optional<String> derived =
                dialect.copiesFromStorage()
                        ? Optional.empty()
                        : checkpoints
                                .filter(d -> !d.isBlank())
                                .map(
                                        d ->
                                                new org.apache.flink.core.fs.Path(
                                                                d, "tributary-staging")
                                                        .toString());
        switch (options.get(STAGING)) {
            case TABLE:
                if (dialect.copiesFromStorage()) {
                    throw new IllegalArgumentException(
                            "'sink.staging' = 'TABLE' is for PostgreSQL; Redshift loads from S3"
                                    + " files ('sink.staging.path')");
                }
                if (named.isPresent()) {
                    throw new IllegalArgumentException(
                            "'sink.staging' = 'TABLE' stages in a table, not under"
                                    + " 'sink.staging.path' ("
                                    + named.get()
                                    + "): drop one of the two");
                }
                return null;
            case FILES:
                return named.or(() -> derived)
                        .orElseThrow(
                                () ->
                                        new IllegalArgumentException(
                                                "'sink.staging' = 'FILES' needs"
                                                        + " 'sink.staging.path' or a checkpoint"
                                                        + " directory (execution.checkpointing.dir)"
                                                        + " to stage under"));
            default:
                return named.or(() -> derived).orElse(null);
        }
    }

    private static int freshnessColumnIndex(RowType rowType, String column) {
        int i = rowType.getFieldNames().indexOf(column);
        if (i < 0) {
            throw new IllegalArgumentException(
                    "'"
                            + FRESHNESS_COLUMN.key()
                            + "' names '"
                            + column
                            + "', which is not a column of the sink: "
                            + rowType.getFieldNames());
        }
        LogicalTypeRoot root = rowType.getTypeAt(i).getTypeRoot();
        if (root != LogicalTypeRoot.TIMESTAMP_WITHOUT_TIME_ZONE
                && root != LogicalTypeRoot.TIMESTAMP_WITH_LOCAL_TIME_ZONE) {
            throw new IllegalArgumentException(
                    "'"
                            + FRESHNESS_COLUMN.key()
                            + "' names '"
                            + column
                            + "' of type "
                            + rowType.getTypeAt(i)
                            + "; it must be a TIMESTAMP or TIMESTAMP_LTZ column");
        }
        return i;
    }

    private static String sslMode(String mode) {
        String m = mode.trim().toLowerCase(Locale.ROOT);
        if (!List.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full")
                .contains(m)) {
            throw new IllegalArgumentException(
                    "'"
                            + SSL_MODE.key()
                            + "' is '"
                            + mode
                            + "'; it takes disable, allow, prefer, require, verify-ca or"
                            + " verify-full");
        }
        return m;
    }

    private static String required(ReadableConfig options, String key, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("Option '" + key + "' is required");
        }
        return value;
    }

    /** A new connection to the warehouse; the caller closes it. */
    public Connection connect() throws SQLException {
        Properties props = new Properties();
        if (username != null) {
            props.setProperty("user", username);
        }
        if (password != null) {
            props.setProperty("password", password);
        }
        props.setProperty("connectTimeout", Integer.toString(connectTimeoutSeconds));
        if (sslMode != null) {
            // both drivers (pgjdbc, Redshift's) take libpq's sslmode and sslrootcert
            props.setProperty("sslmode", sslMode);
        }
        if (sslRootCert != null) {
            props.setProperty("sslrootcert", sslRootCert);
        }
        props.setProperty("ApplicationName", "tributary-sink");
        return DriverManager.getConnection(url, props);
    }

    public TableId target() {
        return target;
    }

    public TableId bookmarks() {
        return bookmarks;
    }

    public String sinkName() {
        return sinkName;
    }

    public RowType rowType() {
        return rowType;
    }

    public List<String> columns() {
        return rowType.getFieldNames();
    }

    public List<LogicalType> types() {
        return rowType.getChildren();
    }

    /** The columns of the target table: {@link #columns()} but the staged-only ones. */
    public List<String> tableColumns() {
        return dimension == null ? columns() : DimensionColumns.written(columns());
    }

    /** The types of {@link #tableColumns()}. */
    public List<LogicalType> tableTypes() {
        if (dimension == null) {
            return types();
        }
        List<LogicalType> out = new ArrayList<>();
        for (int i = 0; i < columns().size(); i++) {
            if (!DimensionColumns.hidden(columns().get(i))) {
                out.add(types().get(i));
            }
        }
        return out;
    }

    /** The type of column {@code name}. */
    public LogicalType typeOf(String name) {
        return rowType.getTypeAt(rowType.getFieldIndex(name));
    }

    /** Set when the rows come from a dimension join: see {@link DimensionColumns}. */
    public Optional<DimensionColumns> dimension() {
        return Optional.ofNullable(dimension);
    }

    public List<String> keys() {
        return keys;
    }

    public SinkMode mode() {
        return mode;
    }

    /** Whether staged rows carry op and sequence: upserts keep the latest change per key. */
    public boolean stagesChanges() {
        return mode == SinkMode.UPSERT;
    }

    public WarehouseDialect dialect() {
        return dialect;
    }

    public boolean autoCreate() {
        return autoCreate;
    }

    public SchemaEvolution evolution() {
        return evolution;
    }

    public Optional<String> stagingPath() {
        return Optional.ofNullable(stagingPath);
    }

    public Optional<String> iamRole() {
        return Optional.ofNullable(iamRole);
    }

    public Optional<String> s3Region() {
        return Optional.ofNullable(s3Region);
    }

    public List<String> preActions() {
        return preActions;
    }

    public List<String> postActions() {
        return postActions;
    }

    /** The position of the event-time column for the freshness metric, or -1. */
    public int freshnessColumn() {
        return freshnessColumn;
    }

    public int bufferBytes() {
        return bufferBytes;
    }

    @Override
    public String toString() {
        return "SinkSpec{"
                + dialect.name()
                + " "
                + target
                + ", mode="
                + mode
                + ", keys="
                + keys
                + ", sink="
                + sinkName
                + "}";
    }
}
