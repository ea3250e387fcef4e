package io.tributary.connectors.redshift.internal;

import io.tributary.connectors.redshift.dialect.WarehouseDialect;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.flink.annotation.Internal;
import org.apache.flink.table.data.DecimalData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;

/**
 * Stages rows in PostgreSQL's binary COPY format: each value as the bytes its column type's receive
 * function reads, so the server parses no text (a third of a CSV COPY's time on the benchmark's
 * rows) and the writer formats no decimal, date or timestamp.
 *
 * <p>Binary values must match their column's type exactly (an int4 is not an int8), so the stream
 * names the types it was written for in the format's header extension, which PostgreSQL skips:
 * whoever loads a staged file makes its stage of those types ({@link #stagedTypes}), and copies it
 * straight into a target only when the target's columns read them ({@link #readsAs}).
 */
@Internal
public final class PgCopyBinaryEncoder implements StagedRows {

    private static final byte[] SIGNATURE = {
        'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0
    };

    /** The first line of the header extension; the staged types follow, one a line. */
    private static final String TYPES_MAGIC = "tributary-staged-types";

    /** A staged type as a file may name it: a name, maybe a modifier, nothing else. */
    private static final Pattern TYPE_NAME = Pattern.compile("[a-z][a-z ]*(\\(\\d+(,\\d+)?\\))?");

    /** Microseconds from 1970-01-01 to PostgreSQL's epoch, 2000-01-01. */
    private static final long PG_EPOCH_MICROS = 946_684_800_000_000L;

    /** Days from 1970-01-01 to 2000-01-01. */
    private static final int PG_EPOCH_DAYS = 10_957;

    private static final long[] POWERS_OF_TEN = CsvRowEncoder.POWERS_OF_TEN;

    private final RowType rowType;
    private final List<String> columnNames;
    private final boolean changes;
    private final List<String> stagedTypes;
    private final RowData.FieldGetter[] getters;
    private final CsvRowEncoder json;

    private byte[] buf = new byte[64 * 1024];
    private int len;
    private final int[] groups = new int[40];

    /**
     * @param changes whether rows end with the op and sequence columns (upserts)
     */
    public PgCopyBinaryEncoder(RowType rowType, WarehouseDialect dialect, boolean changes) {
        this.rowType = rowType;
        this.columnNames = rowType.getFieldNames();
        this.changes = changes;
        List<String> types = new ArrayList<>();
        for (LogicalType t : rowType.getChildren()) {
            types.add(dialect.columnType(t));
        }
        if (changes) {
            types.add("char(1)");
            types.add("bigint");
        }
        this.stagedTypes = List.copyOf(types);
        this.getters = new RowData.FieldGetter[rowType.getFieldCount()];
        for (int i = 0; i < getters.length; i++) {
            getters[i] = RowData.createFieldGetter(rowType.getTypeAt(i), i);
        }
        this.json = new CsvRowEncoder(rowType, dialect.binaryFormat(), false);
    }

    /** The types of the staged columns, in order (op and sequence last, for upserts). */
    public List<String> types() {
        return stagedTypes;
    }

    @Override
    public String extension() {
        return ".pgcopy";
    }

    @Override
    public void start() {
        put(SIGNATURE, 0, SIGNATURE.length);
        putInt(0); // flags: no OIDs
        byte[] ext =
                (TYPES_MAGIC + "\n" + String.join("\n", stagedTypes))
                        .getBytes(StandardCharsets.UTF_8);
        putInt(ext.length);
        put(ext, 0, ext.length);
    }

    @Override
    public int add(RowData row, char op, long seq) {
        int before = len;
        putShort(getters.length + (changes ? 2 : 0));
        for (int i = 0; i < getters.length; i++) {
            Object value = getters[i].getFieldOrNull(row);
            if (value == null) {
                putInt(-1);
                continue;
            }
            try {
                putValue(value, rowType.getTypeAt(i));
            } catch (RuntimeException e) {
                len = before; // the row is not staged
                throw new IllegalArgumentException(
                        "Column '" + columnNames.get(i) + "': " + e.getMessage(), e);
            }
        }
        if (changes) {
            putInt(1);
            put((byte) op);
            putInt(8);
            putLong(seq);
        }
        return len - before;
    }

    @Override
    public void end() {
        putShort(-1);
    }

    @Override
    public int length() {
        return len;
    }

    @Override
    public void drainTo(OutputStream out) throws IOException {
        if (len > 0) {
            out.write(buf, 0, len);
            len = 0;
        }
    }

    private void putValue(Object value, LogicalType type) {
        switch (type.getTypeRoot()) {
            case CHAR, VARCHAR -> putText(((StringData) value).toBytes());
            case BOOLEAN -> {
                putInt(1);
                put((byte) ((Boolean) value ? 1 : 0));
            }
            case TINYINT, SMALLINT -> {
                putInt(2);
                putShort(((Number) value).shortValue());
            }
            case INTEGER -> {
                putInt(4);
                putInt((Integer) value);
            }
            case BIGINT -> {
                putInt(8);
                putLong((Long) value);
            }
            case FLOAT -> {
                putInt(4);
                putInt(Float.floatToRawIntBits((Float) value));
            }
            case DOUBLE -> {
                putInt(8);
                putLong(Double.doubleToRawLongBits((Double) value));
            }
            case DECIMAL -> putNumeric((DecimalData) value);
            case DATE -> {
                putInt(4);
                putInt((Integer) value - PG_EPOCH_DAYS);
            }
            case TIME_WITHOUT_TIME_ZONE -> {
                putInt(8);
                putLong((Integer) value * 1000L);
            }
            case TIMESTAMP_WITHOUT_TIME_ZONE, TIMESTAMP_WITH_LOCAL_TIME_ZONE -> {
                TimestampData t = (TimestampData) value;
                putInt(8);
                putLong(
                        Math.addExact(
                                        Math.multiplyExact(t.getMillisecond(), 1000L),
                                        t.getNanoOfMillisecond() / 1000)
                                - PG_EPOCH_MICROS);
            }
            case BINARY, VARBINARY -> {
                byte[] b = (byte[]) value;
                putInt(b.length);
                put(b, 0, b.length);
            }
            case ARRAY, MAP, MULTISET, ROW -> {
                byte[] text = json.json(value, type).getBytes(StandardCharsets.UTF_8);
                putInt(text.length + 1);
                put((byte) 1); // jsonb's binary format: version 1, then the text
                put(text, 0, text.length);
            }
            default ->
                    throw new IllegalArgumentException(
                            "type " + type.asSummaryString() + " cannot be staged");
        }
    }

    private void putText(byte[] utf8) {
        for (byte b : utf8) {
            if (b == 0) {
                throw new IllegalArgumentException(
                        "text contains a NUL character, which the warehouse cannot store");
            }
        }
        putInt(utf8.length);
        put(utf8, 0, utf8.length);
    }

    /**
     * A decimal as PostgreSQL's numeric: base-10000 digits around the decimal point, a weight (the
     * power of 10000 of the first digit), a sign and the display scale.
     */
    private void putNumeric(DecimalData d) {
        int scale = d.scale();
        // the fraction padded to whole base-10000 digits
        int pad = (4 - scale % 4) % 4;
        int fractionGroups = (scale + pad) / 4;
        int n = 0; // groups, least significant first
        boolean negative;
        if (DecimalData.isCompact(d.precision())
                && Math.abs(d.toUnscaledLong()) < POWERS_OF_TEN[15]) {
            long u = d.toUnscaledLong();
            negative = u < 0;
            u = Math.abs(u) * POWERS_OF_TEN[pad];
            while (u != 0) {
                groups[n++] = (int) (u % 10_000);
                u /= 10_000;
            }
        } else {
            BigInteger u = d.toBigDecimal().unscaledValue();
            negative = u.signum() < 0;
            u = u.abs().multiply(BigInteger.TEN.pow(pad));
            BigInteger tenThousand = BigInteger.valueOf(10_000);
            while (u.signum() != 0) {
                BigInteger[] qr = u.divideAndRemainder(tenThousand);
                if (n == groups.length) {
                    throw new IllegalArgumentException("decimal " + d + " has too many digits");
                }
                groups[n++] = qr[1].intValue();
                u = qr[0];
            }
        }
        // trailing zero groups carry nothing (the display scale keeps the digits shown)
        int low = 0;
        while (low < n && groups[low] == 0) {
            low++;
        }
        int digits = n - low;
        int weight = digits == 0 ? 0 : n - fractionGroups - 1;
        putInt(8 + 2 * digits);
        putShort(digits);
        putShort(weight);
        putShort(digits == 0 || !negative ? 0x0000 : 0x4000);
        putShort(scale);
        for (int i = n - 1; i >= low; i--) {
            putShort(groups[i]);
        }
    }

    /**
     * The staged types a binary COPY stream names in its header, or empty when it names none (a
     * stream of another writer). Reads the header's bytes only; {@code in} must be reset by the
     * caller to send the stream whole.
     */
    public static java.util.Optional<List<String>> stagedTypes(InputStream in) throws IOException {
        byte[] signature = in.readNBytes(SIGNATURE.length);
        if (!java.util.Arrays.equals(signature, SIGNATURE)) {
            throw new IOException("not a PostgreSQL binary COPY stream: its signature differs");
        }
        in.readNBytes(4); // flags
        byte[] n = in.readNBytes(4);
        if (n.length < 4) {
            throw new IOException("a PostgreSQL binary COPY stream ends in its header");
        }
        int extLength =
                ((n[0] & 0xff) << 24)
                        | ((n[1] & 0xff) << 16)
                        | ((n[2] & 0xff) << 8)
                        | (n[3] & 0xff);
        if (extLength < 0 || extLength > 1 << 20) {
            throw new IOException("a PostgreSQL binary COPY header of " + extLength + " bytes");
        }
        String[] lines = new String(in.readNBytes(extLength), StandardCharsets.UTF_8).split("\n");
        if (lines.length < 2 || !lines[0].equals(TYPES_MAGIC)) {
            return java.util.Optional.empty();
        }
        List<String> types = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            if (!TYPE_NAME.matcher(lines[i]).matches()) {
                // the names become SQL: nothing but what columnType writes
                throw new IOException("a staged file names an unexpected type: " + lines[i]);
            }
            types.add(lines[i]);
        }
        return java.util.Optional.of(types);
    }

    /**
     * Whether a target column of PostgreSQL type {@code regtype} (as {@code atttypid::regtype}
     * names it, without modifier) reads a value staged as {@code stagedType} in binary: the same
     * type, or any text type for text.
     */
    public static boolean readsAs(String regtype, String stagedType) {
        String base = stagedType.replaceAll("\\(.*\\)", "").trim();
        String expected =
                switch (base) {
                    case "varchar", "text", "char" -> "text";
                    case "timestamp" -> "timestamp without time zone";
                    case "timestamptz" -> "timestamp with time zone";
                    case "time" -> "time without time zone";
                    default -> base;
                };
        if (expected.equals("text")) {
            return regtype.equals("text")
                    || regtype.equals("character varying")
                    || regtype.equals("character");
        }
        return regtype.equals(expected);
    }

    private void ensure(int n) {
        if (len + n > buf.length) {
            buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
        }
    }

    private void put(byte b) {
        ensure(1);
        buf[len++] = b;
    }

    private void put(byte[] b, int off, int n) {
        ensure(n);
        System.arraycopy(b, off, buf, len, n);
        len += n;
    }

    private void putShort(int v) {
        ensure(2);
        buf[len++] = (byte) (v >>> 8);
        buf[len++] = (byte) v;
    }

    private void putInt(int v) {
        ensure(4);
        buf[len++] = (byte) (v >>> 24);
        buf[len++] = (byte) (v >>> 16);
        buf[len++] = (byte) (v >>> 8);
        buf[len++] = (byte) v;
    }

    private void putLong(long v) {
        putInt((int) (v >>> 32));
        putInt((int) v);
    }
}
