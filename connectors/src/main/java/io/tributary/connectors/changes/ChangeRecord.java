package io.tributary.connectors.changes;

import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * The one change record inside Tributary: what happened ({@link ChangeOp}), to which table, the row
 * before and after (values follow the {@link RowShape}: Integer, Long, Double, BigDecimal, String,
 * Boolean, byte[], LocalDate, LocalDateTime in UTC), the source position (binlog file and offset,
 * or LSN), and the commit time in the source. The CDC sources emit it, the Kafka encoder and the
 * warehouse sink read it; a schema change travels as a record too ({@link ChangeOp#SCHEMA}).
 */
@TypeInfo(ChangeRecordTypeInfoFactory.class)
@PublicEvolving
public final class ChangeRecord {

    private final ChangeOp op;
    private final RowShape shape;
    private final Object[] before;
    private final Object[] after;
    private final String position;
    private final long commitMillis;
    private final String note;
    private final Map<String, Object> source;

    public ChangeRecord(
            ChangeOp op,
            RowShape shape,
            Object[] before,
            Object[] after,
            String position,
            long commitMillis,
            String note) {
        this(op, shape, before, after, position, commitMillis, note, Map.of());
    }

    /**
     * A change with the fields of the source block its CDC source gave it (Debezium's {@code
     * source}: for MySQL {@code server_id}, {@code gtid}, {@code file}, {@code pos}, {@code row},
     * {@code thread}, {@code query}; for PostgreSQL {@code txId}, {@code lsn}, {@code xmin}, ...).
     */
    public ChangeRecord(
            ChangeOp op,
            RowShape shape,
            Object[] before,
            Object[] after,
            String position,
            long commitMillis,
            String note,
            Map<String, Object> source) {
        this.source = source == null || source.isEmpty() ? Map.of() : source;
        this.op = Objects.requireNonNull(op);
        this.shape = Objects.requireNonNull(shape);
        this.before = before;
        this.after = after;
        this.position = position == null ? "" : position;
        this.commitMillis = commitMillis;
        this.note = note;
    }

    /** A schema-change event: the table now has {@code shape}; {@code what} says what changed. */
    public static ChangeRecord schemaChange(
            RowShape shape, String what, String position, long commitMillis) {
        return new ChangeRecord(ChangeOp.SCHEMA, shape, null, null, position, commitMillis, what);
    }

    public ChangeOp op() {
        return op;
    }

    public RowShape shape() {
        return shape;
    }

    public SourceTable table() {
        return shape.table();
    }

    /** The row before the change (updates and deletes; null for reads, inserts and schema). */
    public Object[] before() {
        return before;
    }

    /** The row after the change (reads, inserts, updates; null for deletes and schema). */
    public Object[] after() {
        return after;
    }

    /** The row a consumer should apply: after, or before for a delete. */
    public Object[] row() {
        return after != null ? after : before;
    }

    /** The primary key values of the changed row, in key order (empty when the table has none). */
    public Object[] key() {
        Object[] row = row();
        int[] k = shape.keyIndexes();
        Object[] out = new Object[k.length];
        for (int i = 0; i < k.length; i++) {
            out[i] = row == null || k[i] < 0 ? null : row[k[i]];
        }
        return out;
    }

    /** The value of {@code column} in the row (see {@link #row()}), or null. */
    public Object get(String column) {
        int i = shape.indexOf(column);
        Object[] row = row();
        return i < 0 || row == null || i >= row.length ? null : row[i];
    }

    /**
     * Where the change is in the source's log, e.g. {@code mysql-bin.000003:1542} or {@code
     * lsn:23462544}; empty for snapshot reads.
     */
    public String position() {
        return position;
    }

    /**
     * The source block the change came with (field → String, Long or Integer), as its CDC source or
     * Debezium topic wrote it; empty when it had none.
     */
    public Map<String, Object> source() {
        return source;
    }

    /** When the source committed the change (ms since the epoch); for snapshot reads, when read. */
    public long commitMillis() {
        return commitMillis;
    }

    public int schemaVersion() {
        return shape.version();
    }

    /** For a schema-change event, what changed; otherwise null. */
    public String note() {
        return note;
    }

    public ChangeRecord withShape(RowShape s) {
        return new ChangeRecord(op, s, before, after, position, commitMillis, note, source);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChangeRecord r
                && op == r.op
                && shape.equals(r.shape)
                && Arrays.deepEquals(before, r.before)
                && Arrays.deepEquals(after, r.after)
                && position.equals(r.position)
                && commitMillis == r.commitMillis
                && Objects.equals(note, r.note)
                && source.equals(r.source);
    }

    @Override
    public int hashCode() {
        return Objects.hash(op, shape.table(), Arrays.deepHashCode(row()), position);
    }

    @Override
    public String toString() {
        return op.code()
                + " "
                + shape.table()
                + (before == null ? "" : " before=" + Arrays.toString(before))
                + (after == null ? "" : " after=" + Arrays.toString(after))
                + (note == null ? "" : " (" + note + ")")
                + " v"
                + shape.version()
                + (position.isEmpty() ? "" : " @" + position);
    }
}
