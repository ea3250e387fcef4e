package io.tributary.connectors.redshift.internal;

import io.tributary.connectors.redshift.dialect.WarehouseDialect;
import io.tributary.connectors.redshift.dialect.WarehouseDialect.BinaryFormat;
import java.io.Serializable;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.annotation.Internal;
import org.apache.flink.table.data.ArrayData;
import org.apache.flink.table.data.DecimalData;
import org.apache.flink.table.data.MapData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.types.logical.ArrayType;
import org.apache.flink.table.types.logical.IntType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.MapType;
import org.apache.flink.table.types.logical.MultisetType;
import org.apache.flink.table.types.logical.RowType;

/**
 * Writes a {@link RowData} as one line of the staged CSV both dialects load: NULL as {@code \N}
 * unquoted, text always quoted (so an empty string stays empty), nested values as JSON.
 */
@Internal
public final class CsvRowEncoder implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final HexFormat HEX = HexFormat.of();
    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSSSSS");
    private static final DateTimeFormatter TIMESTAMP_TZ =
            DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSSSSSxxx");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

    /** 10^0 to 10^18; the binary encoder's decimals use it too. */
    static final long[] POWERS_OF_TEN = new long[19];

    static {
        POWERS_OF_TEN[0] = 1;
        for (int i = 1; i < POWERS_OF_TEN.length; i++) {
            POWERS_OF_TEN[i] = POWERS_OF_TEN[i - 1] * 10;
        }
    }

    /** Days of 0001-01-01 and of 9999-12-31 since the epoch: four-digit years, no sign. */
    private static final long FIRST_DAY = LocalDate.of(1, 1, 1).toEpochDay();

    private static final long LAST_DAY = LocalDate.of(9999, 12, 31).toEpochDay();

    private static final long MILLIS_PER_DAY = 86_400_000L;

    private final RowType rowType;
    private final List<String> columnNames;
    private final BinaryFormat binaryFormat;
    private final boolean changes;
    private transient RowData.FieldGetter[] getters;

    /** Getters of nested types, made once per type rather than once per record. */
    private transient Map<LogicalType, Object> nestedGetters;

    /**
     * @param changes whether lines end with the op and sequence columns (upserts), or hold the
     *     row's columns alone (appends, loaded straight into the target)
     */
    public CsvRowEncoder(RowType rowType, BinaryFormat binaryFormat, boolean changes) {
        this.rowType = rowType;
        this.columnNames = rowType.getFieldNames();
        this.binaryFormat = binaryFormat;
        this.changes = changes;
    }

    /** The encoder a sink's writer uses. */
    public static CsvRowEncoder of(SinkSpec spec) {
        return new CsvRowEncoder(
                spec.rowType(), spec.dialect().binaryFormat(), spec.stagesChanges());
    }

    /**
     * Appends the row's fields (then the op and sequence number, for upserts) and a newline to
     * {@code out}.
     */
    public void encode(RowData row, char op, long seq, StringBuilder out) {
        if (getters == null) {
            getters = new RowData.FieldGetter[rowType.getFieldCount()];
            for (int i = 0; i < getters.length; i++) {
                getters[i] = RowData.createFieldGetter(rowType.getTypeAt(i), i);
            }
        }
        for (int i = 0; i < getters.length; i++) {
            Object value = getters[i].getFieldOrNull(row);
            if (value == null) {
                out.append(WarehouseDialect.NULL_MARKER);
            } else {
                try {
                    appendValue(value, rowType.getTypeAt(i), out);
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException(
                            "Column '" + columnNames.get(i) + "': " + e.getMessage(), e);
                }
            }
            if (i < getters.length - 1 || changes) {
                out.append(',');
            }
        }
        if (changes) {
            out.append(op).append(',').append(seq);
        }
        out.append('\n');
    }

    private void appendValue(Object value, LogicalType type, StringBuilder out) {
        switch (type.getTypeRoot()) {
            case CHAR, VARCHAR -> quoted(value.toString(), out);
            case BOOLEAN -> out.append((Boolean) value ? "true" : "false");
            case TINYINT, SMALLINT, INTEGER, BIGINT -> out.append(value);
            case FLOAT, DOUBLE -> appendFloating(((Number) value).doubleValue(), out);
            case DECIMAL -> appendDecimal((DecimalData) value, out);
            case DATE -> appendDate((Integer) value, out);
            case TIME_WITHOUT_TIME_ZONE -> appendTime((Integer) value, out);
            case TIMESTAMP_WITHOUT_TIME_ZONE -> appendTimestamp((TimestampData) value, false, out);
            case TIMESTAMP_WITH_LOCAL_TIME_ZONE ->
                    appendTimestamp((TimestampData) value, true, out);
            case BINARY, VARBINARY -> {
                if (binaryFormat == BinaryFormat.BACKSLASH_X_HEX) {
                    out.append("\\x");
                }
                out.append(HEX.formatHex((byte[]) value));
            }
            case ARRAY, MAP, MULTISET, ROW -> {
                StringBuilder json = new StringBuilder();
                appendJson(value, type, json);
                quoted(json.toString(), out);
            }
            default ->
                    throw new IllegalArgumentException(
                            "type " + type.asSummaryString() + " cannot be staged");
        }
    }

    /**
     * A decimal as {@link java.math.BigDecimal#toPlainString()} writes it, without building one
     * when its unscaled value fits a long (precision up to 18: every decimal of most schemas).
     */
    private static void appendDecimal(DecimalData d, StringBuilder out) {
        if (!DecimalData.isCompact(d.precision())) {
            out.append(d.toBigDecimal().toPlainString());
            return;
        }
        long unscaled = d.toUnscaledLong();
        int scale = d.scale();
        if (unscaled < 0) {
            out.append('-');
            unscaled = -unscaled; // |unscaled| < 10^18: no overflow
        }
        if (scale == 0) {
            out.append(unscaled);
            return;
        }
        long pow = POWERS_OF_TEN[scale];
        long fraction = unscaled % pow;
        out.append(unscaled / pow).append('.');
        for (long p = pow / 10; p > 1 && fraction < p; p /= 10) {
            out.append('0');
        }
        out.append(fraction);
    }

    /**
     * {@code uuuu-MM-dd HH:mm:ss.SSSSSS} (then {@code +00:00} for an instant), written digit by
     * digit: a {@link DateTimeFormatter} took a third of the writer's time per row. Years outside
     * 1-9999 still go through the formatter, which gives them their sign.
     */
    private static void appendTimestamp(TimestampData t, boolean utcOffset, StringBuilder out) {
        long millis = t.getMillisecond();
        long day = Math.floorDiv(millis, MILLIS_PER_DAY);
        if (day < FIRST_DAY || day > LAST_DAY) {
            if (utcOffset) {
                TIMESTAMP_TZ.formatTo(t.toInstant().atOffset(ZoneOffset.UTC), out);
            } else {
                TIMESTAMP.formatTo(t.toLocalDateTime(), out);
            }
            return;
        }
        appendDay(LocalDate.ofEpochDay(day), out);
        out.append(' ');
        int millisOfDay = (int) Math.floorMod(millis, MILLIS_PER_DAY);
        appendClock(millisOfDay / 1000, out);
        out.append('.');
        int micros = millisOfDay % 1000 * 1000 + t.getNanoOfMillisecond() / 1000;
        appendPadded(micros, 6, out);
        if (utcOffset) {
            out.append("+00:00");
        }
    }

    /** {@code HH:mm:ss.SSS} of a TIME's milliseconds of the day. */
    private static void appendTime(int millisOfDay, StringBuilder out) {
        if (millisOfDay < 0 || millisOfDay >= MILLIS_PER_DAY) {
            TIME.formatTo(LocalTime.ofNanoOfDay(millisOfDay * 1_000_000L), out);
            return;
        }
        appendClock(millisOfDay / 1000, out);
        out.append('.');
        appendPadded(millisOfDay % 1000, 3, out);
    }

    /** A DATE as {@link LocalDate#toString()} writes it. */
    private static void appendDate(int epochDay, StringBuilder out) {
        LocalDate date = LocalDate.ofEpochDay(epochDay);
        if (epochDay < FIRST_DAY || epochDay > LAST_DAY) {
            out.append(date);
        } else {
            appendDay(date, out);
        }
    }

    private static void appendDay(LocalDate date, StringBuilder out) {
        appendPadded(date.getYear(), 4, out);
        out.append('-');
        appendPadded(date.getMonthValue(), 2, out);
        out.append('-');
        appendPadded(date.getDayOfMonth(), 2, out);
    }

    private static void appendClock(int secondOfDay, StringBuilder out) {
        appendPadded(secondOfDay / 3600, 2, out);
        out.append(':');
        appendPadded(secondOfDay / 60 % 60, 2, out);
        out.append(':');
        appendPadded(secondOfDay % 60, 2, out);
    }

    /** A non-negative number below 10^width, zero-padded to width digits. */
    private static void appendPadded(int value, int width, StringBuilder out) {
        for (int p = (int) POWERS_OF_TEN[width - 1]; p > 1 && value < p; p /= 10) {
            out.append('0');
        }
        out.append(value);
    }

    private static void appendFloating(double d, StringBuilder out) {
        if (Double.isNaN(d)) {
            out.append("NaN");
        } else if (Double.isInfinite(d)) {
            out.append(d > 0 ? "Infinity" : "-Infinity");
        } else {
            out.append(d);
        }
    }

    private static void quoted(String s, StringBuilder out) {
        if (s.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(
                    "text contains a NUL character, which the warehouse cannot store");
        }
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"') {
                out.append('"');
            }
            out.append(c);
        }
        out.append('"');
    }

    /** A nested value (ARRAY, MAP, MULTISET, ROW) as the JSON text a staged line holds. */
    public String json(Object value, LogicalType type) {
        StringBuilder out = new StringBuilder();
        appendJson(value, type, out);
        return out.toString();
    }

    /** Nested values as JSON (jsonb on PostgreSQL, SUPER on Redshift). */
    private void appendJson(Object value, LogicalType type, StringBuilder out) {
        if (value == null) {
            out.append("null");
            return;
        }
        switch (type.getTypeRoot()) {
            case CHAR, VARCHAR -> jsonString(value.toString(), out);
            case BOOLEAN, TINYINT, SMALLINT, INTEGER, BIGINT -> out.append(value);
            case FLOAT, DOUBLE -> {
                double d = ((Number) value).doubleValue();
                if (Double.isFinite(d)) {
                    out.append(d);
                } else {
                    jsonString(Double.toString(d), out);
                }
            }
            case DECIMAL -> appendDecimal((DecimalData) value, out);
            case BINARY, VARBINARY -> jsonString(HEX.formatHex((byte[]) value), out);
            case ARRAY -> {
                LogicalType element = ((ArrayType) type).getElementType();
                ArrayData array = (ArrayData) value;
                ArrayData.ElementGetter getter = elementGetter(element);
                out.append('[');
                for (int i = 0; i < array.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    appendJson(getter.getElementOrNull(array, i), element, out);
                }
                out.append(']');
            }
            case MAP, MULTISET -> {
                LogicalType keyType =
                        type instanceof MapType m
                                ? m.getKeyType()
                                : ((MultisetType) type).getElementType();
                LogicalType valueType =
                        type instanceof MapType m ? m.getValueType() : new IntType();
                MapData map = (MapData) value;
                ArrayData.ElementGetter kg = elementGetter(keyType);
                ArrayData.ElementGetter vg = elementGetter(valueType);
                out.append('{');
                for (int i = 0; i < map.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    Object k = kg.getElementOrNull(map.keyArray(), i);
                    jsonString(String.valueOf(k), out);
                    out.append(':');
                    appendJson(vg.getElementOrNull(map.valueArray(), i), valueType, out);
                }
                out.append('}');
            }
            case ROW -> {
                RowType rt = (RowType) type;
                RowData row = (RowData) value;
                out.append('{');
                for (int i = 0; i < rt.getFieldCount(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    jsonString(rt.getFieldNames().get(i), out);
                    out.append(':');
                    appendJson(rowGetters(rt)[i].getFieldOrNull(row), rt.getTypeAt(i), out);
                }
                out.append('}');
            }
            default -> {
                StringBuilder scalar = new StringBuilder();
                appendValue(value, type, scalar);
                jsonString(scalar.toString(), out);
            }
        }
    }

    private Map<LogicalType, Object> nested() {
        if (nestedGetters == null) {
            nestedGetters = new IdentityHashMap<>();
        }
        return nestedGetters;
    }

    private ArrayData.ElementGetter elementGetter(LogicalType type) {
        return (ArrayData.ElementGetter)
                nested().computeIfAbsent(type, ArrayData::createElementGetter);
    }

    private RowData.FieldGetter[] rowGetters(RowType type) {
        return (RowData.FieldGetter[])
                nested().computeIfAbsent(
                                type,
                                t -> {
                                    RowData.FieldGetter[] g =
                                            new RowData.FieldGetter[type.getFieldCount()];
                                    for (int i = 0; i < g.length; i++) {
                                        g[i] = RowData.createFieldGetter(type.getTypeAt(i), i);
                                    }
                                    return g;
                                });
    }

    private static void jsonString(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
