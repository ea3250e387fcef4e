package io.tributary.connectors.s3;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.connector.format.DecodingFormat;
import org.apache.flink.table.connector.source.DynamicTableSource;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.LogicalTypeRoot;

/**
 * Flink's JSON decoder, with the row's {@code TIMESTAMP} and {@code DATE} columns read as text and
 * turned into values by a parser of their usual form ({@code 2026-11-24T08:00:00.123}, {@code
 * 2026-11-24}) instead of Java's {@code DateTimeFormatter}, whose resolution of the parsed fields
 * was half the CPU of the S3 source's reading thread (bench/RESULTS.md, the profile of 2026-12-06
 * 14:41).
 *
 * <p>What a row holds stays Flink's: a value in any other form (another separator, no seconds, an
 * offset, a 24th hour, a day past the month's end), and any value this parser refuses, sends the
 * whole line to Flink's own decoder over the declared types, so its value, its error and the line's
 * quarantine reason are what Flink's JSON format gives. {@code TemporalJsonDecoderTest} compares
 * the two on every form it accepts. When a quarter of the lines or more come back so (files whose
 * timestamps have another form), the decoder stops trying and hands every line to Flink's decoder:
 * such data is not decoded twice for long.
 */
final class TemporalJsonDecoder implements DeserializationSchema<RowData> {

    private static final long serialVersionUID = 1L;

    private final DeserializationSchema<RowData> asText;
    private final DeserializationSchema<RowData> exact;
    private final int[] timestamps;
    private final int[] dates;
    private final byte separator;

    /** Lines that reached the parser, and those of them sent back to Flink's decoder. */
    private transient long lines;

    private transient long sentBack;

    private transient boolean givenUp;

    TemporalJsonDecoder(
            DeserializationSchema<RowData> asText,
            DeserializationSchema<RowData> exact,
            int[] timestamps,
            int[] dates,
            char separator) {
        this.asText = asText;
        this.exact = exact;
        this.timestamps = timestamps.clone();
        this.dates = dates.clone();
        this.separator = (byte) separator;
    }

    /**
     * The decoder of {@code row}'s JSON lines: this one when the row has a {@code TIMESTAMP} or
     * {@code DATE} column at its top level, else Flink's own. {@code iso8601} is the format's
     * {@code timestamp-format.standard} (a {@code T} between date and time; else a space).
     */
    static DeserializationSchema<RowData> of(
            DecodingFormat<DeserializationSchema<RowData>> format,
            DynamicTableSource.Context context,
            DataType row,
            boolean iso8601) {
        DeserializationSchema<RowData> exact = format.createRuntimeDecoder(context, row);
        List<String> names = DataType.getFieldNames(row);
        List<DataType> types = DataType.getFieldDataTypes(row);
        List<Integer> ts = new ArrayList<>();
        List<Integer> ds = new ArrayList<>();
        List<DataTypes.Field> fields = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            DataType t = types.get(i);
            LogicalTypeRoot root = t.getLogicalType().getTypeRoot();
            boolean text = false;
            if (root == LogicalTypeRoot.TIMESTAMP_WITHOUT_TIME_ZONE) {
                ts.add(i);
                text = true;
            } else if (root == LogicalTypeRoot.DATE) {
                ds.add(i);
                text = true;
            }
            DataType read = t;
            if (text) {
                read =
                        t.getLogicalType().isNullable()
                                ? DataTypes.STRING()
                                : DataTypes.STRING().notNull();
            }
            fields.add(DataTypes.FIELD(names.get(i), read));
        }
        if (ts.isEmpty() && ds.isEmpty()) {
            return exact;
        }
        DataType textRow = DataTypes.ROW(fields);
        if (!row.getLogicalType().isNullable()) {
            textRow = textRow.notNull();
        }
        return new TemporalJsonDecoder(
                format.createRuntimeDecoder(context, textRow),
                exact,
                ts.stream().mapToInt(Integer::intValue).toArray(),
                ds.stream().mapToInt(Integer::intValue).toArray(),
                iso8601 ? 'T' : ' ');
    }

    @Override
    public void open(InitializationContext context) throws Exception {
        asText.open(context);
        exact.open(context);
    }

    @Override
    public RowData deserialize(byte[] message) throws IOException {
        if (givenUp) {
            return exact.deserialize(message);
        }
        RowData read;
        try {
            read = asText.deserialize(message);
        } catch (IOException | RuntimeException e) {
            return exact.deserialize(message); // a bad line: Flink's own error for it
        }
        if (!(read instanceof GenericRowData row)) {
            return exact.deserialize(message);
        }
        lines++;
        for (int i : timestamps) {
            Object v = row.getField(i);
            if (v != null) {
                TimestampData t = timestamp(((StringData) v).toBytes(), separator);
                if (t == null) {
                    return sendBack(message);
                }
                row.setField(i, t);
            }
        }
        for (int i : dates) {
            Object v = row.getField(i);
            if (v != null) {
                byte[] b = ((StringData) v).toBytes();
                long day = b.length == 10 ? epochDay(b) : Long.MIN_VALUE;
                if (day == Long.MIN_VALUE) {
                    return sendBack(message);
                }
                row.setField(i, (int) day);
            }
        }
        return row;
    }

    /** Flink's decoding of a line whose value this parser refused. */
    private RowData sendBack(byte[] message) throws IOException {
        if (++sentBack * 4 >= lines && lines >= 256) {
            givenUp = true;
        }
        return exact.deserialize(message);
    }

    /** Whether this decoder hands every line to Flink's decoder now. */
    boolean givenUp() {
        return givenUp;
    }

    @Override
    public boolean isEndOfStream(RowData nextElement) {
        return false;
    }

    @Override
    public TypeInformation<RowData> getProducedType() {
        return exact.getProducedType();
    }

    /**
     * {@code yyyy-MM-dd<separator>HH:mm:ss} with an optional fraction of 1 to 9 digits, each field
     * in its range; null for anything else.
     */
    static TimestampData timestamp(byte[] b, byte separator) {
        int n = b.length;
        if (n < 19 || n == 20 || n > 29 || b[10] != separator) {
            return null;
        }
        long day = epochDay(b);
        if (day == Long.MIN_VALUE || b[13] != ':' || b[16] != ':') {
            return null;
        }
        int hour = twoDigits(b, 11);
        int minute = twoDigits(b, 14);
        int second = twoDigits(b, 17);
        if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
            return null;
        }
        int nanos = 0;
        if (n > 19) {
            if (b[19] != '.') {
                return null;
            }
            for (int i = 20; i < 29; i++) {
                int d = 0;
                if (i < n) {
                    d = b[i] - '0';
                    if (d < 0 || d > 9) {
                        return null;
                    }
                }
                nanos = nanos * 10 + d;
            }
        }
        long millis = (day * 86_400L + hour * 3_600L + minute * 60L + second) * 1_000L;
        return TimestampData.fromEpochMillis(millis + nanos / 1_000_000, nanos % 1_000_000);
    }

    /**
     * The days since 1970-01-01 of {@code yyyy-MM-dd} at the start of {@code b}; else MIN_VALUE.
     */
    static long epochDay(byte[] b) {
        if (b.length < 10 || b[4] != '-' || b[7] != '-') {
            return Long.MIN_VALUE;
        }
        int hi = twoDigits(b, 0);
        int lo = twoDigits(b, 2);
        int month = twoDigits(b, 5);
        int day = twoDigits(b, 8);
        if (hi < 0 || lo < 0 || month < 1 || month > 12 || day < 1) {
            return Long.MIN_VALUE;
        }
        int year = hi * 100 + lo;
        if (day > java.time.YearMonth.of(year, month).lengthOfMonth()) {
            return Long.MIN_VALUE;
        }
        return java.time.LocalDate.of(year, month, day).toEpochDay();
    }

    private static int twoDigits(byte[] b, int at) {
        int hi = b[at] - '0';
        int lo = b[at + 1] - '0';
        if (hi < 0 || hi > 9 || lo < 0 || lo > 9) {
            return -1;
        }
        return hi * 10 + lo;
    }
}
