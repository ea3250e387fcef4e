package io.tributary.connectors.redshift.dialect;

import io.tributary.connectors.redshift.SinkMode;
import io.tributary.connectors.redshift.TableId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.flink.annotation.Internal;
import org.apache.flink.table.types.logical.DecimalType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.utils.LogicalTypeChecks;

/**
 * Amazon Redshift: rows staged as gzip'd CSV files on S3, loaded with {@code COPY ... MANIFEST}
 * into a temporary table, applied with DELETE (for deletes) and MERGE.
 *
 * <p>Untested against a live cluster (none is reachable from this project's CI): the statements are
 * checked by golden tests only.
 */
@Internal
public final class RedshiftDialect implements WarehouseDialect {

    private static final long serialVersionUID = 1L;

    /** Redshift's longest VARCHAR, in bytes. */
    static final int MAX_VARCHAR = 65_535;

    @Override
    public String name() {
        return "redshift";
    }

    @Override
    public String columnType(LogicalType type) {
        return switch (type.getTypeRoot()) {
            case BOOLEAN -> "BOOLEAN";
            case TINYINT, SMALLINT -> "SMALLINT";
            case INTEGER -> "INTEGER";
            case BIGINT -> "BIGINT";
            case FLOAT -> "REAL";
            case DOUBLE -> "DOUBLE PRECISION";
            case DECIMAL -> {
                // Flink's DECIMAL stops at precision 38, as Redshift's does
                DecimalType d = (DecimalType) type;
                yield "DECIMAL(" + d.getPrecision() + "," + d.getScale() + ")";
            }
            case CHAR, VARCHAR -> {
                int length = LogicalTypeChecks.getLength(type);
                // Redshift lengths are bytes; a UTF-8 character takes up to 4
                yield "VARCHAR(" + (long) Math.min(MAX_VARCHAR, Math.max(1L, 4L * length)) + ")";
            }
            case DATE -> "DATE";
            case TIME_WITHOUT_TIME_ZONE -> "TIME";
            case TIMESTAMP_WITHOUT_TIME_ZONE -> "TIMESTAMP";
            case TIMESTAMP_WITH_LOCAL_TIME_ZONE, TIMESTAMP_WITH_TIME_ZONE -> "TIMESTAMPTZ";
            case BINARY, VARBINARY -> "VARBYTE";
            case ARRAY, MAP, MULTISET, ROW -> "SUPER";
            default ->
                    throw new IllegalArgumentException(
                            "No Redshift type for Flink type " + type.asSummaryString());
        };
    }

    @Override
    public int maxIdentifierBytes() {
        return 127;
    }

    @Override
    public String alterColumnType(TableId table, String column, String type) {
        if (!type.startsWith("VARCHAR")) {
            throw new IllegalStateException(
                    "Redshift cannot change column "
                            + column
                            + " of "
                            + table
                            + " to "
                            + type
                            + " in place (only VARCHAR columns grow): add a new column, or recreate"
                            + " the table with the wider type");
        }
        return WarehouseDialect.super.alterColumnType(table, column, type);
    }

    @Override
    public BinaryFormat binaryFormat() {
        return BinaryFormat.HEX;
    }

    @Override
    public String selectBookmarkForUpdate(TableId bookmarks) {
        // Redshift has no SELECT ... FOR UPDATE; the LOCK issued first serializes committers
        return "SELECT checkpoint_id FROM "
                + qualified(bookmarks)
                + " WHERE job_id = ? AND sink_name = ? AND subtask = ?";
    }

    /** Redshift's table lock: commits of one sink's subtasks take turns. */
    @Override
    public List<String> lockBookmarks(TableId bookmarks) {
        return List.of("LOCK " + qualified(bookmarks));
    }

    @Override
    public boolean copiesFromStorage() {
        return true;
    }

    /**
     * COPY of the staged files listed in {@code manifestUrl} into {@code relation} (a temporary
     * stage for upserts, the target itself for appends); credentials are an IAM role ARN, or the
     * cluster's default role.
     */
    @Override
    public String copyFromStorage(
            String relation,
            List<String> columns,
            boolean changes,
            String manifestUrl,
            Optional<String> iamRole,
            Optional<String> region) {
        StringBuilder sql = new StringBuilder();
        sql.append("COPY ")
                .append(relation)
                .append(" (")
                .append(stagedColumnList(columns, changes))
                .append(") FROM ")
                .append(literal(manifestUrl));
        sql.append(" IAM_ROLE ").append(iamRole.map(this::literal).orElse("default"));
        region.ifPresent(r -> sql.append(" REGION ").append(literal(r)));
        sql.append(" FORMAT AS CSV GZIP MANIFEST NULL AS ")
                .append(literal(NULL_MARKER))
                .append(
                        " TIMEFORMAT 'auto' DATEFORMAT 'auto' ACCEPTINVCHARS COMPUPDATE OFF STATUPDATE OFF");
        return sql.toString();
    }

    @Override
    public List<String> apply(
            TableId target, String staged, List<String> columns, List<String> keys, SinkMode mode) {
        String t = qualified(target);
        String cols = columnList(columns);
        if (mode == SinkMode.APPEND) {
            return List.of(
                    "INSERT INTO " + t + " (" + cols + ") SELECT " + cols + " FROM " + staged);
        }
        String latest = quote("__tributary_latest");
        List<String> sql = new ArrayList<>();
        sql.add("CREATE TEMP TABLE " + latest + " AS " + latestPerKey(staged, columns, keys));
        sql.add(
                "DELETE FROM "
                        + t
                        + " USING "
                        + latest
                        + " WHERE "
                        + keysMatch(t, latest, keys)
                        + " AND "
                        + latest
                        + "."
                        + quote(OP_COLUMN)
                        + " = 'D'");
        sql.add("DELETE FROM " + latest + " WHERE " + quote(OP_COLUMN) + " = 'D'");
        String updates =
                columns.stream()
                        .filter(c -> !keys.contains(c))
                        .map(c -> quote(c) + " = \"__tributary_src\"." + quote(c))
                        .collect(Collectors.joining(", "));
        if (updates.isEmpty()) {
            // every column is a key: Redshift's MERGE still needs a WHEN MATCHED clause
            updates = quote(keys.get(0)) + " = \"__tributary_src\"." + quote(keys.get(0));
        }
        String values =
                columns.stream()
                        .map(c -> "\"__tributary_src\"." + quote(c))
                        .collect(Collectors.joining(", "));
        sql.add(
                "MERGE INTO "
                        + t
                        + " USING "
                        + latest
                        + " AS \"__tributary_src\" ON "
                        + keysMatch(t, "\"__tributary_src\"", keys)
                        + " WHEN MATCHED THEN UPDATE SET "
                        + updates
                        + " WHEN NOT MATCHED THEN INSERT ("
                        + cols
                        + ") VALUES ("
                        + values
                        + ")");
        sql.add("DROP TABLE " + latest);
        return sql;
    }

    /** The manifest COPY reads: every staged file, each mandatory. */
    @Override
    public String manifest(List<String> fileUrls) {
        return fileUrls.stream()
                .map(
                        u ->
                                "{\"url\":\""
                                        + u.replace("\\", "\\\\").replace("\"", "\\\"")
                                        + "\",\"mandatory\":true}")
                .collect(Collectors.joining(",", "{\"entries\":[", "]}"));
    }
}
