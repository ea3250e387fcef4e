package io.tributary.connectors.redshift.dialect;

import io.tributary.connectors.redshift.SinkMode;
import io.tributary.connectors.redshift.TableId;
import java.util.List;
import org.apache.flink.annotation.Internal;
import org.apache.flink.table.types.logical.DecimalType;
import org.apache.flink.table.types.logical.LocalZonedTimestampType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.TimeType;
import org.apache.flink.table.types.logical.TimestampType;
import org.apache.flink.table.types.logical.utils.LogicalTypeChecks;

/**
 * PostgreSQL: rows staged with COPY FROM STDIN into a staging table, applied with DELETE + INSERT
 * (works on every version, with or without a unique constraint on the target).
 */
@Internal
public final class PostgresDialect implements WarehouseDialect {

    private static final long serialVersionUID = 1L;

    @Override
    public String name() {
        return "postgres";
    }

    @Override
    public String columnType(LogicalType type) {
        return switch (type.getTypeRoot()) {
            case BOOLEAN -> "boolean";
            case TINYINT, SMALLINT -> "smallint";
            case INTEGER -> "integer";
            case BIGINT -> "bigint";
            case FLOAT -> "real";
            case DOUBLE -> "double precision";
            case DECIMAL -> {
                DecimalType d = (DecimalType) type;
                yield "numeric(" + d.getPrecision() + "," + d.getScale() + ")";
            }
            case CHAR, VARCHAR -> {
                int length = LogicalTypeChecks.getLength(type);
                yield length >= 10_485_760 ? "text" : "varchar(" + length + ")";
            }
            case DATE -> "date";
            case TIME_WITHOUT_TIME_ZONE ->
                    "time(" + Math.min(6, ((TimeType) type).getPrecision()) + ")";
            case TIMESTAMP_WITHOUT_TIME_ZONE ->
                    "timestamp(" + Math.min(6, ((TimestampType) type).getPrecision()) + ")";
            case TIMESTAMP_WITH_LOCAL_TIME_ZONE ->
                    "timestamptz("
                            + Math.min(6, ((LocalZonedTimestampType) type).getPrecision())
                            + ")";
            case TIMESTAMP_WITH_TIME_ZONE -> "timestamptz";
            case BINARY, VARBINARY -> "bytea";
            case ARRAY, MAP, MULTISET, ROW -> "jsonb";
            default ->
                    throw new IllegalArgumentException(
                            "No PostgreSQL type for Flink type " + type.asSummaryString());
        };
    }

    @Override
    public int maxIdentifierBytes() {
        return 63;
    }

    @Override
    public BinaryFormat binaryFormat() {
        return BinaryFormat.BACKSLASH_X_HEX;
    }

    @Override
    public String selectBookmarkForUpdate(TableId bookmarks) {
        return "SELECT checkpoint_id FROM "
                + qualified(bookmarks)
                + " WHERE job_id = ? AND sink_name = ? AND subtask = ? FOR UPDATE";
    }

    @Override
    public boolean copiesFromStorage() {
        return false;
    }

    /** A temporary stage table, gone with the commit transaction. */
    @Override
    public String createTemporaryStage(String relation, String columns) {
        return "CREATE TEMP TABLE " + relation + " " + columns + " ON COMMIT DROP";
    }

    /** COPY of staged CSV sent by the client into {@code relation} (a stage, or the target). */
    @Override
    public String copyFromClient(String relation, List<String> columns, boolean changes) {
        return "COPY "
                + relation
                + " ("
                + stagedColumnList(columns, changes)
                + ") FROM STDIN WITH (FORMAT csv, NULL "
                + literal(NULL_MARKER)
                + ")";
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
        return List.of(
                "DELETE FROM "
                        + t
                        + " AS \"__tributary_t\" USING "
                        + staged
                        + " AS \"__tributary_s\" WHERE "
                        + keysMatch("\"__tributary_t\"", "\"__tributary_s\"", keys),
                "INSERT INTO "
                        + t
                        + " ("
                        + cols
                        + ") SELECT "
                        + cols
                        + " FROM ("
                        + latestPerKey(staged, columns, keys)
                        + ") AS \"__tributary_latest\" WHERE "
                        + quote(OP_COLUMN)
                        + " <> 'D'");
    }
}
