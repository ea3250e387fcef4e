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
}
