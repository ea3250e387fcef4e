package io.tributary.connectors.redshift.dialect;

import io.tributary.connectors.redshift.SinkMode;
import io.tributary.connectors.redshift.TableId;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.table.types.logical.LogicalType;

/**
 * The SQL a warehouse speaks, generated in one place for the tested PostgreSQL path and the
 * Redshift path alike. Every identifier goes through {@link #quote(String)}.
 */
@PublicEvolving
public interface WarehouseDialect extends Serializable {

    /** Column holding the change kind of a staged row: 'U' (upsert/insert) or 'D' (delete). */
    String OP_COLUMN = "__tributary_op";

    /** Column holding the order of a staged row within its checkpoint. */
    String SEQ_COLUMN = "__tributary_seq";

    /** The NULL marker in staged CSV (distinct from the empty string, which is quoted). */
    String NULL_MARKER = "\\N";

    String name();

    /** Target type of a Flink type, e.g. {@code numeric(10,2)}, {@code jsonb} / {@code SUPER}. */
    String columnType(LogicalType type);

    /** How binary values are written in staged CSV. */
    BinaryFormat binaryFormat();

    /** How BYTES values appear in the staged text. */
    enum BinaryFormat {
        /** PostgreSQL bytea hex input: {@code \x0a0b}. */
        BACKSLASH_X_HEX,
        /** Plain hex digits (Redshift VARBYTE loaded from CSV). */
        HEX
    }

    /**
     * Longest identifier in bytes (UTF-8): PostgreSQL truncates longer names silently, which would
     * mangle them, so they are refused instead.
     */
    int maxIdentifierBytes();

    /** A double-quoted identifier: embedded quotes doubled; NUL and over-long names refused. */
    default String quote(String identifier) {
        if (identifier.indexOf(0) >= 0) {
            throw new IllegalArgumentException(
                    "Identifier contains a NUL character: " + identifier);
        }
        int bytes = identifier.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > maxIdentifierBytes()) {
            throw new IllegalArgumentException(
                    "Identifier '"
                            + identifier
                            + "' is "
                            + bytes
                            + " bytes; "
                            + name()
                            + " allows "
                            + maxIdentifierBytes()
                            + " and would truncate it. Rename it in the pipeline (a mapping or AS"
                            + " alias).");
        }
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    default String qualified(TableId id) {
        return quote(id.schema()) + "." + quote(id.table());
    }

    /** A SQL string literal: embedded single quotes doubled. */
    default String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    default String columnList(List<String> columns) {
        return columns.stream().map(this::quote).collect(Collectors.joining(", "));
    }

    default String createSchema(String schema) {
        return "CREATE SCHEMA IF NOT EXISTS " + quote(schema);
    }

    default String createTable(
            TableId table, List<String> columns, List<LogicalType> types, List<String> keys) {
        List<String> defs = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            String notNull = keys.contains(columns.get(i)) ? " NOT NULL" : "";
            defs.add(quote(columns.get(i)) + " " + columnType(types.get(i)) + notNull);
        }
        if (!keys.isEmpty()) {
            defs.add("PRIMARY KEY (" + columnList(keys) + ")");
        }
        return "CREATE TABLE IF NOT EXISTS "
                + qualified(table)
                + " ("
                + String.join(", ", defs)
                + ")";
    }

    default String addColumn(TableId table, String column, LogicalType type) {
        return "ALTER TABLE "
                + qualified(table)
                + " ADD COLUMN "
                + quote(column)
                + " "
                + columnType(type);
    }

    /** Widens a column in place (PostgreSQL casts the existing values). */
    default String alterColumnType(TableId table, String column, String type) {
        return "ALTER TABLE "
                + qualified(table)
                + " ALTER COLUMN "
                + quote(column)
                + " TYPE "
                + type;
    }

    /**
     * The staging relation's definition: the sink's columns, plus op and sequence when {@code
     * changes} (upserts need them to keep the latest change per key; appends do not).
     */
    default String stagingColumns(List<String> columns, List<LogicalType> types, boolean changes) {
        List<String> defs = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            defs.add(quote(columns.get(i)) + " " + columnType(types.get(i)));
        }
        if (changes) {
            defs.add(quote(OP_COLUMN) + " char(1) NOT NULL");
            defs.add(quote(SEQ_COLUMN) + " bigint NOT NULL");
        }
        return "(" + String.join(", ", defs) + ")";
    }

    /** The columns of a staged CSV line, quoted, in order. */
    default String stagedColumnList(List<String> columns, boolean changes) {
        return columnList(columns)
                + (changes ? ", " + quote(OP_COLUMN) + ", " + quote(SEQ_COLUMN) : "");
    }

    default String createBookmarkTable(TableId bookmarks) {
        return "CREATE TABLE IF NOT EXISTS "
                + qualified(bookmarks)
                + " (job_id varchar(64) NOT NULL, sink_name varchar(1024) NOT NULL,"
                + " subtask integer NOT NULL, checkpoint_id bigint NOT NULL,"
                + " rows_committed bigint NOT NULL, committed_at timestamp NOT NULL,"
                + " PRIMARY KEY (job_id, sink_name, subtask))";
    }

    /**
     * Reads the committed checkpoint of one writer subtask and locks it for this transaction. The
     * parameters are job id, sink name and subtask.
     */
    String selectBookmarkForUpdate(TableId bookmarks);

    /** Taken at the start of each commit transaction, before the bookmark is read. */
    default List<String> lockBookmarks(TableId bookmarks) {
        return List.of();
    }

    /**
     * Whether the warehouse reads staged files from storage itself (Redshift's COPY from S3); else
     * the client streams them ({@link #copyFromClient}).
     */
    boolean copiesFromStorage();

    /** A temporary stage table for one commit, with {@code columns} as {@link #stagingColumns}. */
    default String createTemporaryStage(String relation, String columns) {
        return "CREATE TEMP TABLE " + relation + " " + columns;
    }

    /**
     * Whether the client sends staged rows in PostgreSQL's binary COPY format rather than CSV:
     * values as their types' bytes, parsed by no one. Redshift's COPY reads CSV.
     */
    default boolean copiesBinary() {
        return false;
    }

    /**
     * COPY of staged rows sent by the client into {@code relation} (a stage, or the target), as CSV
     * or, when {@code binary}, in PostgreSQL's binary format.
     */
    default String copyFromClient(
            String relation, List<String> columns, boolean changes, boolean binary) {
        throw new UnsupportedOperationException(name() + " does not COPY from the client");
    }

    /**
     * COPY of the staged files listed in the manifest at {@code manifestUrl} into {@code relation}
     * (a stage for upserts, the target for appends), as the warehouse reads storage itself.
     */
    default String copyFromStorage(
            String relation,
            List<String> columns,
            boolean changes,
            String manifestUrl,
            Optional<String> iamRole,
            Optional<String> region) {
        throw new UnsupportedOperationException(name() + " does not COPY from storage");
    }

    /** The manifest listing staged files for {@link #copyFromStorage}. */
    default String manifest(List<String> fileUrls) {
        throw new UnsupportedOperationException(name() + " does not COPY from storage");
    }

    /** Statements that move the bookmark; parameters: job, sink, subtask, checkpoint, rows. */
    default List<String> upsertBookmark(TableId bookmarks) {
        return List.of(
                "DELETE FROM "
                        + qualified(bookmarks)
                        + " WHERE job_id = ? AND sink_name = ? AND subtask = ?",
                "INSERT INTO "
                        + qualified(bookmarks)
                        + " (job_id, sink_name, subtask, checkpoint_id, rows_committed, committed_at)"
                        + " VALUES (?, ?, ?, ?, ?, CURRENT_TIMESTAMP)");
    }

    /**
     * Statements that apply the staged rows in {@code staged} to {@code target}, inside the commit
     * transaction: all rows for APPEND; the latest change per key for UPSERT, deletes included.
     */
    List<String> apply(
            TableId target, String staged, List<String> columns, List<String> keys, SinkMode mode);

    /**
     * As {@link #apply(TableId, String, List, List, SinkMode)}, knowing what the writer saw of the
     * staged rows ({@code shape}) and what the target's key is ({@code key}): a dialect may then
     * leave out statements those rows do not need. The default does not.
     */
    default List<String> apply(
            TableId target,
            String staged,
            List<String> columns,
            List<String> keys,
            SinkMode mode,
            StagedShape shape,
            TargetKey key) {
        return apply(target, staged, columns, keys, mode);
    }

    /**
     * What the target's key columns ({@code keyTypes}: their Flink types) are to the warehouse
     * ({@link TargetKey}); asked once per committer. The default knows nothing.
     */
    default TargetKey targetKey(
            Connection connection, TableId target, List<String> keys, List<LogicalType> keyTypes)
            throws SQLException {
        return TargetKey.NONE;
    }

    /**
     * Whether the warnings of an applied statement say its plain INSERT met a key already in the
     * target and upserted instead ({@link TargetKey#insertFirst}). The default never tries one.
     */
    default boolean insertFirstFailed(SQLWarning warnings) {
        return false;
    }

    /**
     * Statements that apply the rows of a dimension join staged in {@code staged}, inside the
     * commit transaction ({@link DimensionColumns}): the dimension changes to the dimension table
     * (a newer version only) and to the target rows of their keys, then the joined rows as {@link
     * #apply} does, then the correction of the merged rows joined with an older version than the
     * dimension table holds. The changes are removed from {@code staged} on the way; a batch the
     * writer saw without changes ({@code shape}) skips their statements.
     */
    default List<String> applyWithDimension(
            TableId target,
            String staged,
            List<String> stagedColumns,
            List<String> keys,
            DimensionColumns dim,
            StagedShape shape,
            TargetKey targetKey) {
        String d = qualified(dim.table());
        String key = quote(dim.keyColumn());
        String version = quote(DimensionColumns.version());
        String change = quote(DimensionColumns.change());
        String cols = columnList(dim.tableColumns());
        String changes =
                "SELECT "
                        + cols
                        + " FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY "
                        + key
                        + " ORDER BY "
                        + version
                        + " DESC, "
                        + quote(SEQ_COLUMN)
                        + " DESC) AS \"__tributary_rn\" FROM "
                        + staged
                        + " WHERE "
                        + change
                        + ") AS \"__tributary_ranked\" WHERE \"__tributary_rn\" = 1";
        String p = quote("__tributary_p");
        String t = quote("__tributary_t");
        String dd = quote("__tributary_d");
        String set =
                dim.columns().stream()
                        .map(c -> quote(c) + " = " + dd + "." + quote(c))
                        .collect(Collectors.joining(", "));
        List<String> sql = new ArrayList<>();
        boolean changesStaged = shape.hasDimensionChanges();
        // the newest version of each changed dimension row, where it is newer than the one held
        if (changesStaged) {
            sql.add(
                    "DELETE FROM "
                            + d
                            + " WHERE EXISTS (SELECT 1 FROM ("
                            + changes
                            + ") AS "
                            + p
                            + " WHERE "
                            + p
                            + "."
                            + key
                            + " = "
                            + d
                            + "."
                            + key
                            + " AND "
                            + p
                            + "."
                            + version
                            + " > "
                            + d
                            + "."
                            + version
                            + ")");
            sql.add(
                    "INSERT INTO "
                            + d
                            + " ("
                            + cols
                            + ") SELECT "
                            + cols
                            + " FROM ("
                            + changes
                            + ") AS "
                            + p
                            + " WHERE NOT EXISTS (SELECT 1 FROM "
                            + d
                            + " WHERE "
                            + d
                            + "."
                            + key
                            + " = "
                            + p
                            + "."
                            + key
                            + ")");
            if (!set.isEmpty()) {
                // every row already loaded with a changed key takes the newest version held
                sql.add(
                        "UPDATE "
                                + qualified(target)
                                + " AS "
                                + t
                                + " SET "
                                + set
                                + " FROM "
                                + d
                                + " AS "
                                + dd
                                + " WHERE "
                                + t
                                + "."
                                + key
                                + " = "
                                + dd
                                + "."
                                + key
                                + " AND "
                                + dd
                                + "."
                                + key
                                + " IN (SELECT "
                                + key
                                + " FROM "
                                + staged
                                + " WHERE "
                                + change
                                + ")");
            }
            sql.add("DELETE FROM " + staged + " WHERE " + change);
        }
        sql.addAll(
                apply(
                        target,
                        staged,
                        DimensionColumns.written(stagedColumns),
                        keys,
                        SinkMode.UPSERT,
                        shape,
                        targetKey));
        if (!set.isEmpty()) {
            // a row joined with an older version than a change another subtask committed first
            List<String> versioned = new ArrayList<>(keys);
            if (!versioned.contains(dim.keyColumn())) {
                versioned.add(dim.keyColumn());
            }
            versioned.add(DimensionColumns.version());
            String s = quote("__tributary_s");
            // only the staged rows of the keys that have a row joined with an older version than
            // the dimension table's are ranked: usually none, where ranking the whole stage
            // again cost as much as the merge
            String c = quote("__tributary_c");
            String o = quote("__tributary_o");
            String w = quote("__tributary_w");
            String candidates =
                    "(SELECT * FROM "
                            + staged
                            + " AS "
                            + c
                            + " WHERE EXISTS (SELECT 1 FROM "
                            + staged
                            + " AS "
                            + o
                            + ", "
                            + d
                            + " AS "
                            + w
                            + " WHERE "
                            + keysMatch(o, c, keys)
                            + " AND "
                            + w
                            + "."
                            + key
                            + " = "
                            + o
                            + "."
                            + key
                            + " AND "
                            + w
                            + "."
                            + version
                            + " > "
                            + o
                            + "."
                            + version
                            + ")) AS "
                            + quote("__tributary_candidates");
            sql.add(
                    "UPDATE "
                            + qualified(target)
                            + " AS "
                            + t
                            + " SET "
                            + set
                            + " FROM ("
                            + latestPerKey(candidates, versioned, keys)
                            + ") AS "
                            + s
                            + ", "
                            + d
                            + " AS "
                            + dd
                            + " WHERE "
                            + keysMatch(t, s, keys)
                            + " AND "
                            + s
                            + "."
                            + quote(OP_COLUMN)
                            + " <> 'D' AND "
                            + dd
                            + "."
                            + key
                            + " = "
                            + t
                            + "."
                            + key
                            + " AND "
                            + dd
                            + "."
                            + version
                            + " > "
                            + s
                            + "."
                            + version);
        }
        return sql;
    }

    /** The latest staged change per key, as a query (shared by both dialects). */
    default String latestPerKey(String staged, List<String> columns, List<String> keys) {
        return "SELECT "
                + columnList(columns)
                + ", "
                + quote(OP_COLUMN)
                + " FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY "
                + columnList(keys)
                + " ORDER BY "
                + quote(SEQ_COLUMN)
                + " DESC) AS \"__tributary_rn\" FROM "
                + staged
                + ") AS \"__tributary_ranked\" WHERE \"__tributary_rn\" = 1";
    }

    default String keysMatch(String left, String right, List<String> keys) {
        return keys.stream()
                .map(k -> left + "." + quote(k) + " = " + right + "." + quote(k))
                .collect(Collectors.joining(" AND "));
    }

    /** The dialect for a JDBC URL: {@code jdbc:redshift:} or {@code jdbc:postgresql:}. */
    static WarehouseDialect forUrl(String url) {
        if (url.startsWith("jdbc:redshift:")) {
            return new RedshiftDialect();
        }
        if (url.startsWith("jdbc:postgresql:")) {
            return new PostgresDialect();
        }
        throw new IllegalArgumentException(
                "Unsupported warehouse URL '"
                        + url.replaceAll("password=[^&;]*", "password=***")
                        + "': expected jdbc:redshift://... or jdbc:postgresql://...");
    }
}
