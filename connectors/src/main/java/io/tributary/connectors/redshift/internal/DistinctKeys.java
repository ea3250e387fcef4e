package io.tributary.connectors.redshift.internal;

import java.util.List;
import org.apache.flink.annotation.Internal;
import org.apache.flink.table.data.DecimalData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.types.logical.DecimalType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.utils.LogicalTypeChecks;

/**
 * Whether every key the writer staged for one checkpoint came once: a set of 64-bit hashes of the
 * keys. Equal keys hash equal, so hashes that are all different prove the keys all different; a
 * repeated hash (a repeated key, or rarely two keys colliding) only says "not known", and the
 * commit ranks each key's latest change as it always did. Keys of types whose equality the
 * warehouse could see otherwise (floats, times, timestamps finer than microseconds, anything
 * nested), and more keys than {@link #MAX_KEYS} in one checkpoint, are "not known" too.
 */
@Internal
public final class DistinctKeys {

    /** At most this many keys per checkpoint are held (16 MB of hashes); beyond, "not known". */
    static final int MAX_KEYS = 1 << 20;

    private static final long EMPTY = 0L;

    private final int[] fields;
    private final LogicalType[] types;
    private final boolean trackable;
    private long[] table = new long[1 << 10];
    private int size;
    private boolean hasEmpty;
    private boolean distinct = true;

    /**
     * @param fields the key columns' positions in the rows
     * @param types the key columns' types, in the same order
     */
    public DistinctKeys(int[] fields, List<LogicalType> types) {
        this.fields = fields.clone();
        this.types = types.toArray(new LogicalType[0]);
        boolean ok = fields.length > 0;
        for (LogicalType t : this.types) {
            ok &= trackable(t);
        }
        this.trackable = ok;
        this.distinct = ok;
    }

    static boolean trackable(LogicalType type) {
        return switch (type.getTypeRoot()) {
            case BOOLEAN, TINYINT, SMALLINT, INTEGER, BIGINT, DATE, DECIMAL, CHAR, VARCHAR -> true;
            case TIMESTAMP_WITHOUT_TIME_ZONE, TIMESTAMP_WITH_LOCAL_TIME_ZONE ->
                    LogicalTypeChecks.getPrecision(type) <= 6;
            default -> false;
        };
    }

    /** Records the key of {@code row}. */
    public void add(RowData row) {
        if (!distinct) {
            return;
        }
        if (size >= MAX_KEYS) {
            distinct = false;
            return;
        }
        long h = hash(row);
        if (h == EMPTY) {
            if (hasEmpty) {
                distinct = false;
            }
            hasEmpty = true;
            return;
        }
        int mask = table.length - 1;
        int i = (int) (h ^ (h >>> 32)) & mask;
        while (table[i] != EMPTY) {
            if (table[i] == h) {
                distinct = false;
                return;
            }
            i = (i + 1) & mask;
        }
        table[i] = h;
        if (++size * 2 > table.length) {
            grow();
        }
    }

    /** True only when every key added since the last {@link #reset} came once. */
    public boolean distinct() {
        return distinct;
    }

    /** Starts the next checkpoint's keys; the table shrinks back after a large checkpoint. */
    public void reset() {
        if (table.length > 1 << 16) {
            table = new long[1 << 10];
        } else {
            java.util.Arrays.fill(table, EMPTY);
        }
        size = 0;
        hasEmpty = false;
        distinct = trackable;
    }

    private void grow() {
        long[] old = table;
        table = new long[old.length * 2];
        int mask = table.length - 1;
        for (long h : old) {
            if (h != EMPTY) {
                int i = (int) (h ^ (h >>> 32)) & mask;
                while (table[i] != EMPTY) {
                    i = (i + 1) & mask;
                }
                table[i] = h;
            }
        }
    }

    private long hash(RowData row) {
        long h = 0x9E3779B97F4A7C15L;
        for (int k = 0; k < fields.length; k++) {
            h = mix(h * 31 + value(row, fields[k], types[k]));
        }
        return h;
    }

    private static long value(RowData row, int pos, LogicalType type) {
        if (row.isNullAt(pos)) {
            return 0x51AF_D7ED_558C_CD1DL;
        }
        return switch (type.getTypeRoot()) {
            case BOOLEAN -> row.getBoolean(pos) ? 1 : 2;
            case TINYINT -> row.getByte(pos);
            case SMALLINT -> row.getShort(pos);
            case INTEGER, DATE -> row.getInt(pos);
            case BIGINT -> row.getLong(pos);
            case DECIMAL -> {
                DecimalType d = (DecimalType) type;
                DecimalData v = row.getDecimal(pos, d.getPrecision(), d.getScale());
                yield v.isCompact() ? v.toUnscaledLong() : bytes(v.toUnscaledBytes());
            }
            case CHAR, VARCHAR -> bytes(row.getString(pos).toBytes());
            case TIMESTAMP_WITHOUT_TIME_ZONE, TIMESTAMP_WITH_LOCAL_TIME_ZONE -> {
                TimestampData t = row.getTimestamp(pos, LogicalTypeChecks.getPrecision(type));
                yield t.getMillisecond() * 1_000_000L + t.getNanoOfMillisecond();
            }
            default -> throw new IllegalStateException("untracked key type " + type);
        };
    }

    private static long bytes(byte[] b) {
        long h = 0xCBF29CE484222325L;
        for (byte x : b) {
            h = (h ^ (x & 0xff)) * 0x100000001B3L;
        }
        return mix(h ^ b.length);
    }

    /** MurmurHash3's 64-bit finalizer. */
    private static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        h *= 0xC4CEB93FE51A87C5L;
        h ^= h >>> 33;
        return h;
    }
}
