package io.tributary.connectors.redshift.dialect;

import io.tributary.connectors.redshift.SinkMode;
import io.tributary.connectors.redshift.TableId;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.annotation.Internal;
import org.apache.flink.table.types.logical.DecimalType;
import org.apache.flink.table.types.logical.LocalZonedTimestampType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.TimeType;
import org.apache.flink.table.types.logical.TimestampType;
import org.apache.flink.table.types.logical.utils.LogicalTypeChecks;

/**
 * PostgreSQL: rows staged with COPY FROM STDIN into a staging table. An upsert is one {@code INSERT
 * ... ON CONFLICT} where the target has a unique index on exactly its key (the tables the sink
 * creates have their primary key), with a delete of the staged deletes first; else a DELETE of
 * every staged key and an INSERT of the latest change per key (a table without such an index). The
 * delete by every staged key joins the whole target: each commit cost as much as the table was
 * large.
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
    public String copyFromClient(
            String relation, List<String> columns, boolean changes, boolean binary) {
        return "COPY "
                + relation
                + " ("
                + stagedColumnList(columns, changes)
                + ") FROM STDIN WITH ("
                + (binary ? "FORMAT binary" : "FORMAT csv, NULL " + literal(NULL_MARKER))
                + ")";
    }

    @Override
    public boolean copiesBinary() {
        return true;
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
                deleteStaged(t, staged, "", keys),
                insertNotDeleted(t, cols, latestPerKey(staged, columns, keys)));
    }

    /**
     * Deletes the target's rows of the staged keys, of those staged rows that match {@code where}.
     */
    private String deleteStaged(String t, String staged, String where, List<String> keys) {
        return "DELETE FROM "
                + t
                + " AS \"__tributary_t\" USING "
                + staged
                + " AS \"__tributary_s\" WHERE "
                + where
                + keysMatch("\"__tributary_t\"", "\"__tributary_s\"", keys);
    }

    /** Inserts the rows of {@code latest} (columns and op) that are not deletes. */
    private String insertNotDeleted(String t, String cols, String latest) {
        return "INSERT INTO "
                + t
                + " ("
                + cols
                + ") SELECT "
                + cols
                + " FROM ("
                + latest
                + ") AS \"__tributary_latest\" WHERE "
                + quote(OP_COLUMN)
                + " <> 'D'";
    }

    @Override
    public List<String> apply(
            TableId target,
            String staged,
            List<String> columns,
            List<String> keys,
            SinkMode mode,
            StagedShape shape,
            TargetKey key) {
        if (mode == SinkMode.APPEND || !key.unique() || keys.isEmpty()) {
            return apply(target, staged, columns, keys, mode);
        }
        String t = qualified(target);
        String cols = columnList(columns);
        String op = quote(OP_COLUMN);
        List<String> sql = new ArrayList<>();
        if (shape.hasDeletes()) {
            // a key with a delete among its changes goes; its latest change, if not a delete,
            // comes back with the insert below
            sql.add(deleteStaged(t, staged, "\"__tributary_s\"." + op + " = 'D' AND ", keys));
        }
        // keys the writer saw once each need no ranking, where the warehouse compares them as
        // Flink does; ON CONFLICT refuses a key twice in one statement
        boolean once = shape.keysDistinct() && key.exactEquality();
        String latest =
                once
                        ? "SELECT " + cols + ", " + op + " FROM " + staged
                        : latestPerKey(staged, columns, keys);
        List<String> values = columns.stream().filter(c -> !keys.contains(c)).toList();
        String onConflict =
                values.isEmpty()
                        ? "DO NOTHING"
                        : "DO UPDATE SET "
                                + values.stream()
                                        .map(c -> quote(c) + " = EXCLUDED." + quote(c))
                                        .collect(Collectors.joining(", "));
        String plain = insertNotDeleted(t, cols, latest);
        String upsert = plain + " ON CONFLICT (" + columnList(keys) + ") " + onConflict;
        // a column named as one of PL/pgSQL's own variables (found, sqlstate, sqlerrm) is the
        // column: without the option the block would stop on the ambiguity
        String block =
                "#variable_conflict use_column\nBEGIN "
                        + plain
                        + "; EXCEPTION WHEN unique_violation THEN RAISE NOTICE '"
                        + KEYS_PRESENT_NOTICE
                        + "'; "
                        + upsert
                        + "; END";
        if (once && !shape.hasDeletes() && key.insertFirst() && !block.contains(BLOCK_QUOTE)) {
            // new keys (a backfill): a plain INSERT, without ON CONFLICT's speculative insertion
            // (a third of the merge's cost); a key already present undoes it (the block's own
            // savepoint) and the upsert runs instead, saying so with the notice
            sql.add("DO " + BLOCK_QUOTE + " " + block + " " + BLOCK_QUOTE);
        } else {
            sql.add(upsert);
        }
        return sql;
    }

    @Override
    public boolean insertFirstFailed(SQLWarning warnings) {
        for (SQLWarning w = warnings; w != null; w = w.getNextWarning()) {
            if (w.getMessage() != null && w.getMessage().contains(KEYS_PRESENT_NOTICE)) {
                return true;
            }
        }
        return false;
    }

    /** The dollar quote of the block that tries the plain INSERT first. */
    private static final String BLOCK_QUOTE = "$tributary$";

    /** Raised by that block when a staged key was already in the target. */
    public static final String KEYS_PRESENT_NOTICE = "tributary: staged keys already present";

    /**
     * A key column's type as {@code format_type} names it, when this dialect would create it so and
     * its equality is its value's, as Flink's is: integers, exact numerics, dates, booleans,
     * timestamps and text. Else empty.
     */
    static String exactTypeName(String created) {
        if (created.matches("smallint|integer|bigint|boolean|date|text|numeric\\(\\d+,\\d+\\)")) {
            return created;
        }
        if (created.startsWith("varchar(")) {
            return "character varying" + created.substring("varchar".length());
        }
        if (created.startsWith("timestamptz(")) {
            return "timestamp" + created.substring("timestamptz".length()) + " with time zone";
        }
        if (created.startsWith("timestamp(")) {
            return created + " without time zone";
        }
        return "";
    }

    @Override
    public TargetKey targetKey(
            Connection connection, TableId target, List<String> keys, List<LogicalType> keyTypes)
            throws SQLException {
        if (keys.isEmpty()) {
            return TargetKey.NONE;
        }
        String relation = qualified(target);
        boolean unique = false;
        try (PreparedStatement ps =
                connection.prepareStatement(
                        "SELECT ARRAY(SELECT a.attname::text FROM unnest(i.indkey) AS k(n)"
                                + " JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.n)"
                                + " FROM pg_index i WHERE i.indrelid = to_regclass(?)"
                                + " AND i.indisunique AND i.indisvalid AND i.indpred IS NULL"
                                + " AND i.indexprs IS NULL")) {
            ps.setString(1, relation);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next() && !unique) {
                    Array names = rs.getArray(1);
                    Set<String> indexed = new HashSet<>(List.of((String[]) names.getArray()));
                    unique = indexed.equals(new HashSet<>(keys));
                }
            }
        }
        if (!unique) {
            return TargetKey.NONE;
        }
        int exact = 0;
        try (PreparedStatement ps =
                connection.prepareStatement(
                        "SELECT a.attname::text, format_type(a.atttypid, a.atttypmod),"
                                + " COALESCE(c.collisdeterministic, true)"
                                + " FROM pg_attribute a LEFT JOIN pg_collation c"
                                + " ON c.oid = a.attcollation"
                                + " WHERE a.attrelid = to_regclass(?) AND a.attnum > 0"
                                + " AND NOT a.attisdropped")) {
            ps.setString(1, relation);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    int k = keys.indexOf(rs.getString(1));
                    if (k >= 0
                            && rs.getBoolean(3)
                            && rs.getString(2).equals(exactTypeName(columnType(keyTypes.get(k))))) {
                        exact++;
                    }
                }
            }
        }
        return new TargetKey(true, exact == keys.size(), exact == keys.size());
    }
}
