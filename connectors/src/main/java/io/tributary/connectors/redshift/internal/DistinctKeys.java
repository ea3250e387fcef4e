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
 *
 * <p>Beside the hashes, a key with an integer column is followed by {@link KeyRuns}: ids that rise
 * (or a few rising streams interleaved) are proven distinct at any count, so a checkpoint of more
 * than {@link #MAX_KEYS} sequential order ids is still committed without ranking. Either proof
 * suffices: keys that differ in one column differ.
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

    /** The hashes still prove every key distinct. */
    private boolean distinct = true;

    /** The first integer key column's position and its runs; -1 and null when none. */
    private final int runField;

    private final LogicalType runType;

    private final KeyRuns runs;

    /** Hashes of the keys the ranges prove distinct, not yet in the table. */
    private long[] waiting = new long[1 << 10];

    private int deferred;

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
        int integer = -1;
        for (int k = 0; k < this.types.length && integer < 0; k++) {
            switch (this.types[k].getTypeRoot()) {
                case TINYINT, SMALLINT, INTEGER, BIGINT, DATE -> integer = k;
                default -> {}
            }
        }
        this.runField = integer < 0 ? -1 : fields[integer];
        this.runType = integer < 0 ? null : this.types[integer];
        this.runs = integer < 0 ? null : new KeyRuns();
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
        if (runs != null) {
            if (row.isNullAt(runField)) {
                runs.unknown();
            } else {
                runs.add(value(row, runField, runType));
            }
        }
        if (!distinct) {
            return;
        }
        if (size + deferred >= MAX_KEYS) {
            distinct = false;
            return;
        }
        long h = hash(row);
        if (runs != null && runs.distinct()) {
            // the ranges prove it for now: the hash waits in order, not in the table, whose
            // probes miss the CPU's caches (a fifth to a third of the writer's thread in the
            // bench's profiles)
            if (deferred == waiting.length) {
                waiting = java.util.Arrays.copyOf(waiting, deferred * 2);
            }
            waiting[deferred++] = h;
            return;
        }
        if (deferred > 0) {
            // the ranges' proof just ended: the keys it covered are hashed now
            for (int k = 0; k < deferred && distinct; k++) {
                insert(waiting[k]);
            }
            deferred = 0;
        }
        if (distinct) {
            insert(h);
        }
    }

    private void insert(long h) {
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
        return distinct || (runs != null && runs.distinct());
    }

    /**
     * Starts the next checkpoint's keys. The table keeps its size (at most 16 MB, {@link
     * #MAX_KEYS}, and 8 MB of waiting hashes): the next checkpoint is likely as large, and growing
     * it again from small rehashed every key of every checkpoint about once more.
     */
    public void reset() {
        if (size > 0) {
            java.util.Arrays.fill(table, EMPTY);
        }
        deferred = 0;
        size = 0;
        hasEmpty = false;
        distinct = trackable;
        if (runs != null) {
            runs.reset();
        }
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
