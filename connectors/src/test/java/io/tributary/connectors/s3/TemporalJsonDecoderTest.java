package io.tributary.connectors.s3;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.formats.common.TimestampFormat;
import org.apache.flink.formats.json.JsonParserRowDataDeserializationSchema;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.table.connector.format.DecodingFormat;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.RowType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The S3 source's JSON decoder gives what Flink's JSON format gives, row for row and error for
 * error, on 50,000 lines of timestamps and dates near their usual form and past it (months 0 and
 * 13, February 29th of years that have none, hour 24, a fraction of 0 to 10 digits, other
 * separators, a character too many or too few), in both timestamp standards. It fails if the fast
 * parser accepts what Flink refuses or reads a value otherwise.
 */
class TemporalJsonDecoderTest {

    private static final DataType ROW =
            DataTypes.ROW(
                            DataTypes.FIELD("id", DataTypes.BIGINT()),
                            DataTypes.FIELD("ts", DataTypes.TIMESTAMP(3)),
                            DataTypes.FIELD("d", DataTypes.DATE()),
                            DataTypes.FIELD("at", DataTypes.TIMESTAMP(6).notNull()))
                    .notNull();

    /** Flink's JSON format as the pipelines configure it (a missing field is NULL). */
    private static DecodingFormat<DeserializationSchema<RowData>> json(TimestampFormat standard) {
        return new DecodingFormat<>() {
            @Override
            public DeserializationSchema<RowData> createRuntimeDecoder(
                    org.apache.flink.table.connector.source.DynamicTableSource.Context context,
                    DataType type) {
                RowType row = (RowType) type.getLogicalType();
                return new JsonParserRowDataDeserializationSchema(
                        row, InternalTypeInfo.of(row), false, false, standard);
            }

            @Override
            public ChangelogMode getChangelogMode() {
                return ChangelogMode.insertOnly();
            }
        };
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void decodesEveryLineAsFlinksJsonFormatDoes(boolean iso8601) throws Exception {
        DecodingFormat<DeserializationSchema<RowData>> format =
                json(iso8601 ? TimestampFormat.ISO_8601 : TimestampFormat.SQL);
        DeserializationSchema<RowData> flink = format.createRuntimeDecoder(null, ROW);
        DeserializationSchema<RowData> ours = TemporalJsonDecoder.of(format, null, ROW, iso8601);
        assertThat(ours).isInstanceOf(TemporalJsonDecoder.class);
        flink.open(null);
        ours.open(null);
        Random random = new Random(7);
        int fast = 0;
        int refusedByFlink = 0;
        for (int i = 0; i < 50_000; i++) {
            if (i % 200 == 0) {
                // a fresh decoder before 256 lines: half of these lines are refused, and a
                // decoder that sees so many stops parsing (tested below)
                ours = TemporalJsonDecoder.of(format, null, ROW, iso8601);
                ours.open(null);
            }
            String ts = timestamp(random, iso8601);
            String at = timestamp(random, iso8601);
            String date = timestamp(random, iso8601).substring(0, 10 + random.nextInt(2) - 1);
            String line =
                    "{\"id\":"
                            + i
                            + (random.nextInt(20) == 0 ? "" : ",\"ts\":\"" + ts + "\"")
                            + (random.nextInt(20) == 0 ? ",\"d\":null" : ",\"d\":\"" + date + "\"")
                            + ",\"at\":\""
                            + at
                            + "\"}";
            byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
            String expected = decoded(flink, bytes);
            String actual = decoded(ours, bytes);
            assertThat(actual).as(line).isEqualTo(expected);
            if (expected.startsWith("error")) {
                refusedByFlink++;
            }
            if (TemporalJsonDecoder.timestamp(
                            at.getBytes(StandardCharsets.UTF_8), (byte) (iso8601 ? 'T' : ' '))
                    != null) {
                fast++;
            }
        }
        // the lines cover both sides: read by the fast parser, and refused by Flink
        assertThat(fast).isGreaterThan(12_500);
        assertThat(refusedByFlink).isGreaterThan(12_500);
    }

    /** The row's fields as text, or the error's message. */
    private static String decoded(DeserializationSchema<RowData> d, byte[] line) {
        try {
            RowData r = d.deserialize(line);
            return r.getLong(0)
                    + "|"
                    + (r.isNullAt(1) ? "null" : r.getTimestamp(1, 9).toString())
                    + "|"
                    + (r.isNullAt(2) ? "null" : Integer.toString(r.getInt(2)))
                    + "|"
                    + r.getTimestamp(3, 9);
        } catch (Exception e) {
            return "error " + e.getMessage() + " " + (e.getCause() == null ? "" : e.getCause());
        }
    }

    /** A timestamp near the usual form, now and then past it. */
    private static String timestamp(Random r, boolean iso8601) {
        int[] years = {0, 1, 1900, 1970, 1999, 2000, 2024, 2026, 2100, 9999};
        int year = r.nextBoolean() ? years[r.nextInt(years.length)] : r.nextInt(10_000);
        int month = r.nextInt(10) == 0 ? (r.nextBoolean() ? 0 : 13) : 1 + r.nextInt(12);
        int day =
                r.nextInt(6) == 0
                        ? 28 + r.nextInt(5)
                        : (r.nextInt(30) == 0 ? 0 : 1 + r.nextInt(28));
        int hour = r.nextInt(15) == 0 ? 24 : r.nextInt(24);
        int minute = r.nextInt(30) == 0 ? 60 : r.nextInt(60);
        int second = r.nextInt(30) == 0 ? 60 : r.nextInt(60);
        char sep = r.nextInt(15) == 0 ? (iso8601 ? ' ' : 'T') : (iso8601 ? 'T' : ' ');
        StringBuilder s =
                new StringBuilder(
                        String.format(
                                "%04d-%02d-%02d%c%02d:%02d:%02d",
                                year, month, day, sep, hour, minute, second));
        int digits = r.nextInt(12) - 1;
        if (digits >= 0) {
            s.append('.');
            for (int i = 0; i < digits; i++) {
                s.append((char) ('0' + r.nextInt(10)));
            }
        }
        switch (r.nextInt(25)) {
            case 0 -> s.setLength(s.length() - 1);
            case 1 -> s.append('Z');
            case 2 -> s.setLength(16); // no seconds
            case 3 -> s.setCharAt(r.nextInt(s.length()), 'x');
            case 4 -> s.insert(0, ' ');
            default -> {}
        }
        return s.toString();
    }

    @Test
    void linesWhoseTimestampsHaveAnotherFormAreNotDecodedTwiceForLong() throws Exception {
        DecodingFormat<DeserializationSchema<RowData>> format = json(TimestampFormat.ISO_8601);
        DeserializationSchema<RowData> flink = format.createRuntimeDecoder(null, ROW);
        TemporalJsonDecoder ours =
                (TemporalJsonDecoder) TemporalJsonDecoder.of(format, null, ROW, true);
        flink.open(null);
        ours.open(null);
        // no seconds: Flink reads it, the fast parser does not
        for (int i = 0; i < 1_000; i++) {
            String minute = (i % 60 < 10 ? "0" : "") + (i % 60);
            byte[] line =
                    ("{\"id\":"
                                    + i
                                    + ",\"ts\":\"2026-11-24T08:"
                                    + minute
                                    + "\",\"at\":\"2026-11-24T08:00:00.5\"}")
                            .getBytes(StandardCharsets.UTF_8);
            assertThat(decoded(ours, line)).isEqualTo(decoded(flink, line));
        }
        assertThat(ours.givenUp()).isTrue();

        // the usual form keeps the parser
        TemporalJsonDecoder usual =
                (TemporalJsonDecoder) TemporalJsonDecoder.of(format, null, ROW, true);
        usual.open(null);
        for (int i = 0; i < 1_000; i++) {
            byte[] line =
                    ("{\"id\":"
                                    + i
                                    + ",\"ts\":\"2026-11-24T08:00:00\",\"at\":\"2026-11-24T08:00:00\"}")
                            .getBytes(StandardCharsets.UTF_8);
            assertThat(decoded(usual, line)).isEqualTo(decoded(flink, line));
        }
        assertThat(usual.givenUp()).isFalse();
    }
}
