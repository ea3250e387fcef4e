package io.tributary.connectors.redshift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.connectors.redshift.dialect.WarehouseDialect.BinaryFormat;
import io.tributary.connectors.redshift.internal.CsvRowEncoder;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import org.apache.flink.table.data.DecimalData;
import org.apache.flink.table.data.GenericArrayData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.types.logical.ArrayType;
import org.apache.flink.table.types.logical.BooleanType;
import org.apache.flink.table.types.logical.DateType;
import org.apache.flink.table.types.logical.DecimalType;
import org.apache.flink.table.types.logical.IntType;
import org.apache.flink.table.types.logical.LocalZonedTimestampType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.TimestampType;
import org.apache.flink.table.types.logical.VarBinaryType;
import org.apache.flink.table.types.logical.VarCharType;
import org.junit.jupiter.api.Test;

class CsvRowEncoderTest {

    private static final RowType TYPE =
            RowType.of(
                    new org.apache.flink.table.types.logical.LogicalType[] {
                        new IntType(),
                        new VarCharType(VarCharType.MAX_LENGTH),
                        new DecimalType(10, 2),
                        new BooleanType(),
                        new DateType(),
                        new TimestampType(3),
                        new LocalZonedTimestampType(3),
                        new VarBinaryType(8),
                        new ArrayType(new VarCharType(VarCharType.MAX_LENGTH))
                    },
                    new String[] {
                        "id", "name", "amount", "ok", "day", "ts", "ts_utc", "raw", "tags"
                    });

    private String encode(GenericRowData row, BinaryFormat binary) {
        StringBuilder sb = new StringBuilder();
        new CsvRowEncoder(TYPE, binary, true).encode(row, 'U', 7, sb);
        return sb.toString();
    }

    @Test
    void writesEveryTypeAsTheWarehouseParsesIt() {
        GenericRowData row =
                GenericRowData.of(
                        42,
                        StringData.fromString("Ada \"the first\", of\nLondon"),
                        DecimalData.fromBigDecimal(new BigDecimal("1234.50"), 10, 2),
                        true,
                        (int) LocalDate.of(2026, 11, 24).toEpochDay(),
                        TimestampData.fromLocalDateTime(LocalDateTime.of(2026, 11, 24, 10, 0)),
                        TimestampData.fromInstant(Instant.parse("2026-11-24T10:00:00.123Z")),
                        new byte[] {0x0a, (byte) 0xff},
                        new GenericArrayData(new Object[] {StringData.fromString("a\"b"), null}));
        assertThat(encode(row, BinaryFormat.BACKSLASH_X_HEX))
                .isEqualTo(
                        "42,\"Ada \"\"the first\"\", of\nLondon\",1234.50,true,2026-11-24,"
                                + "2026-11-24 10:00:00.000000,2026-11-24 10:00:00.123000+00:00,"
                                + "\\x0aff,\"[\"\"a\\\"\"b\"\",null]\",U,7\n");
        assertThat(encode(row, BinaryFormat.HEX)).contains(",0aff,");
    }

    @Test
    void nullIsTheMarkerAndEmptyTextStaysEmpty() {
        GenericRowData row = new GenericRowData(9);
        row.setField(0, 1);
        row.setField(1, StringData.fromString(""));
        assertThat(encode(row, BinaryFormat.HEX))
                .isEqualTo("1,\"\",\\N,\\N,\\N,\\N,\\N,\\N,\\N,U,7\n");
    }

    @Test
    void appendLinesHoldTheColumnsAlone() {
        GenericRowData row = new GenericRowData(9);
        row.setField(0, 5);
        StringBuilder sb = new StringBuilder();
        new CsvRowEncoder(TYPE, BinaryFormat.HEX, false).encode(row, 'U', 3, sb);
        assertThat(sb.toString()).isEqualTo("5,\\N,\\N,\\N,\\N,\\N,\\N,\\N,\\N\n");
    }

    @Test
    void nestedRowsAndMapsBecomeJsonForEveryRecord() {
        RowType nested =
                RowType.of(
                        new org.apache.flink.table.types.logical.LogicalType[] {
                            RowType.of(
                                    new org.apache.flink.table.types.logical.LogicalType[] {
                                        new IntType(), new VarCharType(VarCharType.MAX_LENGTH)
                                    },
                                    new String[] {"a", "b"}),
                            new org.apache.flink.table.types.logical.MapType(
                                    new VarCharType(VarCharType.MAX_LENGTH), new IntType())
                        },
                        new String[] {"address", "counts"});
        CsvRowEncoder encoder = new CsvRowEncoder(nested, BinaryFormat.HEX, false);
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= 2; i++) {
            encoder.encode(
                    GenericRowData.of(
                            GenericRowData.of(i, StringData.fromString("x" + i)),
                            new org.apache.flink.table.data.GenericMapData(
                                    java.util.Map.of(StringData.fromString("k"), i * 10))),
                    'U',
                    i,
                    sb);
        }
        assertThat(sb.toString())
                .isEqualTo(
                        "\"{\"\"a\"\":1,\"\"b\"\":\"\"x1\"\"}\",\"{\"\"k\"\":10}\"\n"
                                + "\"{\"\"a\"\":2,\"\"b\"\":\"\"x2\"\"}\",\"{\"\"k\"\":20}\"\n");
    }

    @Test
    void aNulCharacterIsAClearErrorNamingTheColumn() {
        GenericRowData row = new GenericRowData(9);
        row.setField(1, StringData.fromString("bad\0value"));
        assertThatThrownBy(() -> encode(row, BinaryFormat.HEX))
                .hasMessageContaining("Column 'name'")
                .hasMessageContaining("NUL");
    }

    /**
     * Decimals, dates, times and timestamps are written digit by digit: the same text as {@link
     * BigDecimal#toPlainString()} and the formatters gave, for random values of every era and sign,
     * and the edges of four-digit years (outside them the formatter still writes them).
     */
    @Test
    void fastTemporalAndDecimalTextEqualsTheFormatters() {
        java.util.Random random = new java.util.Random(20261206);
        java.time.format.DateTimeFormatter timestamp =
                java.time.format.DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSSSSS");
        java.time.format.DateTimeFormatter instant =
                java.time.format.DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSSSSSxxx");
        java.time.format.DateTimeFormatter time =
                java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss.SSS");
        long first = LocalDate.of(1, 1, 1).toEpochDay() * 86_400_000L;
        long last = LocalDate.of(9999, 12, 31).toEpochDay() * 86_400_000L + 86_399_999L;
        long[] edges = {first, first - 1, last, last + 1, 0, -1, 1, -86_400_000L, 946_684_799_999L};
        int[][] decimalTypes = {{10, 2}, {18, 0}, {18, 18}, {5, 4}, {19, 2}, {38, 10}, {1, 0}};
        for (int i = 0; i < 60_000; i++) {
            long millis =
                    i < edges.length
                            ? edges[i]
                            : switch (i % 3) {
                                case 0 -> random.nextLong(first - 10_000_000_000L, last);
                                case 1 -> random.nextLong(-5_000_000_000_000L, 5_000_000_000_000L);
                                default -> random.nextLong(first - 1_000L, first + 1_000L);
                            };
            int nanos = i % 4 == 0 ? 0 : random.nextInt(1_000_000);
            TimestampData ts = TimestampData.fromEpochMillis(millis, nanos);
            int[] dt = decimalTypes[i % decimalTypes.length];
            BigDecimal unscaled =
                    new BigDecimal(
                            new java.math.BigInteger(dt[0] * 3 + 1, random)
                                    .mod(BigDecimal.TEN.pow(dt[0]).toBigInteger()));
            BigDecimal amount =
                    (random.nextBoolean() ? unscaled : unscaled.negate()).movePointLeft(dt[1]);
            if (i % 7 == 0) {
                amount = BigDecimal.ZERO.setScale(dt[1]);
            }
            int day = (int) Math.floorDiv(millis, 86_400_000L);
            int clock = random.nextInt(86_400_000);
            RowType type =
                    RowType.of(
                            new DecimalType(dt[0], dt[1]),
                            new TimestampType(9),
                            new LocalZonedTimestampType(9),
                            new DateType(),
                            new org.apache.flink.table.types.logical.TimeType(3));
            StringBuilder sb = new StringBuilder();
            new CsvRowEncoder(type, BinaryFormat.HEX, false)
                    .encode(
                            GenericRowData.of(
                                    DecimalData.fromBigDecimal(amount, dt[0], dt[1]),
                                    ts,
                                    ts,
                                    day,
                                    clock),
                            'U',
                            0,
                            sb);
            String expected =
                    amount.toPlainString()
                            + ","
                            + timestamp.format(ts.toLocalDateTime())
                            + ","
                            + instant.format(ts.toInstant().atOffset(java.time.ZoneOffset.UTC))
                            + ","
                            + LocalDate.ofEpochDay(day)
                            + ","
                            + time.format(java.time.LocalTime.ofNanoOfDay(clock * 1_000_000L))
                            + "\n";
            assertThat(sb.toString()).as("millis %d nanos %d", millis, nanos).isEqualTo(expected);
        }
    }
}
