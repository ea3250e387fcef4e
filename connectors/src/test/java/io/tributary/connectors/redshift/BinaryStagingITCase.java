package io.tributary.connectors.redshift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.connectors.redshift.dialect.PostgresDialect;
import io.tributary.connectors.redshift.dialect.WarehouseDialect;
import io.tributary.connectors.redshift.dialect.WarehouseDialect.BinaryFormat;
import io.tributary.connectors.redshift.internal.CsvRowEncoder;
import io.tributary.connectors.redshift.internal.CsvStagedRows;
import io.tributary.connectors.redshift.internal.PgCopyBinaryEncoder;
import io.tributary.connectors.redshift.internal.StagedRows;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.apache.flink.table.data.DecimalData;
import org.apache.flink.table.data.GenericArrayData;
import org.apache.flink.table.data.GenericMapData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.types.logical.ArrayType;
import org.apache.flink.table.types.logical.BigIntType;
import org.apache.flink.table.types.logical.BooleanType;
import org.apache.flink.table.types.logical.DateType;
import org.apache.flink.table.types.logical.DecimalType;
import org.apache.flink.table.types.logical.DoubleType;
import org.apache.flink.table.types.logical.FloatType;
import org.apache.flink.table.types.logical.IntType;
import org.apache.flink.table.types.logical.LocalZonedTimestampType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.MapType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.SmallIntType;
import org.apache.flink.table.types.logical.TimeType;
import org.apache.flink.table.types.logical.TimestampType;
import org.apache.flink.table.types.logical.TinyIntType;
import org.apache.flink.table.types.logical.VarBinaryType;
import org.apache.flink.table.types.logical.VarCharType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.PGConnection;

/**
 * Rows staged in PostgreSQL's binary COPY format hold in the warehouse exactly what the same rows
 * staged as CSV hold, as PostgreSQL itself reads both: every type the sink stages, edge values and
 * random ones. And a staged file reaches targets whose columns are not the types it was written
 * for.
 */
class BinaryStagingITCase {

    private static final RowType ROW =
            RowType.of(
                    new LogicalType[] {
                        new IntType(),
                        new TinyIntType(),
                        new SmallIntType(),
                        new BigIntType(),
                        new FloatType(),
                        new DoubleType(),
                        new DecimalType(10, 2),
                        new DecimalType(38, 10),
                        new DecimalType(7, 7),
                        new DecimalType(18, 0),
                        new BooleanType(),
                        new DateType(),
                        new TimeType(3),
                        new TimestampType(6),
                        new TimestampType(3),
                        new LocalZonedTimestampType(6),
                        new VarCharType(VarCharType.MAX_LENGTH),
                        new VarCharType(5),
                        new VarBinaryType(VarBinaryType.MAX_LENGTH),
                        new ArrayType(new VarCharType(VarCharType.MAX_LENGTH)),
                        new MapType(new VarCharType(VarCharType.MAX_LENGTH), new IntType()),
                        RowType.of(
                                new LogicalType[] {
                                    new IntType(), new VarCharType(VarCharType.MAX_LENGTH)
                                },
                                new String[] {"a", "b"}),
                        new DecimalType(18, 3)
                    },
                    new String[] {
                        "i", "ti", "si", "bi", "f", "d", "price", "wide", "frac", "whole", "ok",
                        "day", "clock", "ts6", "ts3", "ltz", "txt", "code", "raw", "tags", "attrs",
                        "nested", "big3"
                    });

    private static final WarehouseDialect DIALECT = new PostgresDialect();

    private final Warehouse wh = new Warehouse("sink_binary");

    @Test
    void binaryStagedRowsHoldWhatTheirCsvHolds() throws Exception {
        List<GenericRowData> rows = new java.util.ArrayList<>(edgeRows());
        Random random = new Random(20261206);
        for (int n = 0; n < 3000; n++) {
            rows.add(randomRow(random));
        }
        wh.execute("DROP SCHEMA IF EXISTS bin CASCADE", "CREATE SCHEMA bin");
        String columns = DIALECT.stagingColumns(ROW.getFieldNames(), ROW.getChildren(), true);
        wh.execute("CREATE TABLE bin.csv " + columns, "CREATE TABLE bin.binary " + columns);
        copy(
                "bin.csv",
                new CsvStagedRows(new CsvRowEncoder(ROW, BinaryFormat.BACKSLASH_X_HEX, true)),
                rows,
                false);
        copy("bin.binary", new PgCopyBinaryEncoder(ROW, DIALECT, true), rows, true);

        String order = " ORDER BY " + DIALECT.quote(WarehouseDialect.SEQ_COLUMN);
        List<String> fromCsv = wh.rows("SELECT * FROM bin.csv" + order);
        List<String> fromBinary = wh.rows("SELECT * FROM bin.binary" + order);
        assertThat(fromBinary).hasSize(rows.size()).containsExactlyElementsOf(fromCsv);

        // and not both wrong alike: the decimals' sum and the timestamps' extremes as Java has them
        BigDecimal sum = BigDecimal.ZERO;
        for (GenericRowData r : rows) {
            if (!r.isNullAt(7)) {
                sum = sum.add(r.getDecimal(7, 38, 10).toBigDecimal());
            }
        }
        assertThat(new BigDecimal(wh.rows("SELECT sum(wide) FROM bin.binary").get(0)))
                .isEqualByComparingTo(sum);
        assertThat(wh.rows("SELECT min(ts6), max(ts6) FROM bin.binary"))
                .containsExactly("0001-01-01 00:00:00|9999-12-31 23:59:59.999999");
    }

    @Test
    void aNulCharacterIsAClearErrorNamingTheColumnAndTheRowIsNotStaged() {
        PgCopyBinaryEncoder encoder = new PgCopyBinaryEncoder(ROW, DIALECT, false);
        GenericRowData row = new GenericRowData(ROW.getFieldCount());
        row.setField(16, StringData.fromString("a\0b"));
        int before = encoder.length();
        assertThatThrownBy(() -> encoder.add(row, 'U', 0))
                .hasMessageContaining("Column 'txt'")
                .hasMessageContaining("NUL");
        assertThat(encoder.length()).isEqualTo(before);
    }

    @Test
    void aStagedFileNamesItsTypesAndNothingThatIsNotAType() throws Exception {
        PgCopyBinaryEncoder encoder = new PgCopyBinaryEncoder(ROW, DIALECT, true);
        encoder.start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        encoder.drainTo(out);
        assertThat(PgCopyBinaryEncoder.stagedTypes(new ByteArrayInputStream(out.toByteArray())))
                .contains(encoder.types());
        assertThat(encoder.types())
                .startsWith("integer", "smallint", "smallint", "bigint", "real")
                .endsWith("char(1)", "bigint");

        byte[] forged = out.toByteArray().clone();
        String header = new String(forged, java.nio.charset.StandardCharsets.ISO_8859_1);
        int at = header.indexOf("integer");
        byte[] evil = "int);--".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        System.arraycopy(evil, 0, forged, at, evil.length);
        assertThatThrownBy(() -> PgCopyBinaryEncoder.stagedTypes(new ByteArrayInputStream(forged)))
                .hasMessageContaining("unexpected type");
    }

    /**
     * Appends staged as binary files go straight into a target whose columns are the staged types,
     * and through a stage and an INSERT that converts into one whose columns are wider or of
     * another text type (binary int4 values are not int8 ones).
     */
    @Test
    void appendsReachTargetsOfTheStagedTypesAndOfWiderOnes(@TempDir java.nio.file.Path dir)
            throws Exception {
        RowType row =
                RowType.of(
                        new LogicalType[] {
                            new IntType(false),
                            new VarCharType(VarCharType.MAX_LENGTH),
                            new DecimalType(10, 2),
                            new TimestampType(3)
                        },
                        new String[] {"id", "name", "amount", "ts"});
        wh.execute(
                "DROP SCHEMA IF EXISTS files CASCADE",
                "CREATE SCHEMA files",
                "CREATE TABLE files.exact (id integer, name text, amount numeric(10,2),"
                        + " ts timestamp(3))",
                "CREATE TABLE files.wider (id bigint, name varchar(40), amount numeric(20,4),"
                        + " ts timestamp(6), note text DEFAULT 'kept')");
        for (String table : List.of("exact", "wider")) {
            RedshiftSink sink =
                    RedshiftSink.builder()
                            .url(wh.url)
                            .table("files", table)
                            .option(RedshiftConnectorOptions.STAGING_PATH, dir.toUri().toString())
                            .option(RedshiftConnectorOptions.SINK_MODE, SinkMode.APPEND)
                            .rowType(row)
                            .build();
            RedshiftCommittable c =
                    RedshiftCommitterITCase.stage(
                            sink,
                            "0123456789abcdef0123456789abcdef",
                            0,
                            1,
                            GenericRowData.of(
                                    1,
                                    StringData.fromString("Ada"),
                                    DecimalData.fromBigDecimal(new BigDecimal("12.50"), 10, 2),
                                    TimestampData.fromLocalDateTime(
                                            LocalDateTime.of(2026, 12, 6, 18, 0, 0, 123_000_000))),
                            GenericRowData.of(2, null, null, null));
            assertThat(c.stagedLocation()).endsWith(".pgcopy");
            StageLoader loader = StageLoader.of(sink.spec());
            try (Connection conn = wh.pg.connect(wh.database);
                    Statement s = conn.createStatement()) {
                conn.setAutoCommit(false);
                Optional<String> loaded = loader.load(conn, s, c, row::getChildren);
                assertThat(loaded).isEmpty();
                loader.release(s, c, loaded);
                conn.commit();
            }
        }
        assertThat(wh.rows("SELECT id, name, amount, ts FROM files.exact ORDER BY id"))
                .containsExactly("1|Ada|12.50|2026-12-06 18:00:00.123", "2|null|null|null");
        assertThat(wh.rows("SELECT id, name, amount, ts, note FROM files.wider ORDER BY id"))
                .containsExactly(
                        "1|Ada|12.5000|2026-12-06 18:00:00.123|kept", "2|null|null|null|kept");
    }

    /**
     * A checkpoint a version before binary staging wrote as a CSV file, pending in a savepoint, is
     * loaded as CSV by a version that stages binary.
     */
    @Test
    void csvFilesStagedByAnEarlierVersionStillLoad(@TempDir java.nio.file.Path dir)
            throws Exception {
        wh.execute(
                "DROP SCHEMA IF EXISTS older CASCADE",
                "CREATE SCHEMA older",
                "CREATE TABLE older.people (id integer NOT NULL, name text)");
        RedshiftSink sink =
                RedshiftSink.builder()
                        .url(wh.url)
                        .table("older", "people")
                        .option(RedshiftConnectorOptions.STAGING_PATH, dir.toUri().toString())
                        .option(RedshiftConnectorOptions.SINK_MODE, SinkMode.APPEND)
                        .rowType(RedshiftCommitterITCase.ROW)
                        .build();
        CsvStagedRows csv = new CsvStagedRows(CsvRowEncoder.of(sink.spec()));
        csv.add(GenericRowData.of(1, StringData.fromString("Ada, \"the first\"")), 'U', 0);
        csv.add(GenericRowData.of(2, null), 'U', 1);
        java.nio.file.Path file = dir.resolve("tstg_0123456789abcdef_00000000_0_1.csv");
        try (java.io.OutputStream out = java.nio.file.Files.newOutputStream(file)) {
            csv.drainTo(out);
        }
        RedshiftCommittable c =
                new RedshiftCommittable(
                        "0123456789abcdef0123456789abcdef",
                        sink.spec().sinkName(),
                        0,
                        1,
                        file.toUri().toString(),
                        2,
                        sink.spec().columns(),
                        RedshiftCommittable.NO_EVENT_TIME,
                        new io.tributary.connectors.redshift.internal.ShapeTracker(sink.spec())
                                .finish());
        StageLoader loader = StageLoader.of(sink.spec());
        try (Connection conn = wh.pg.connect(wh.database);
                Statement s = conn.createStatement()) {
            conn.setAutoCommit(false);
            Optional<String> loaded =
                    loader.load(conn, s, c, RedshiftCommitterITCase.ROW::getChildren);
            loader.release(s, c, loaded);
            conn.commit();
        }
        assertThat(wh.rows("SELECT id, name FROM older.people ORDER BY id"))
                .containsExactly("1|Ada, \"the first\"", "2|null");
    }

    private void copy(String table, StagedRows staged, List<GenericRowData> rows, boolean binary)
            throws Exception {
        staged.start();
        long seq = 0;
        for (GenericRowData r : rows) {
            staged.add(r, 'U', seq++);
        }
        staged.end();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        staged.drainTo(out);
        try (Connection c = wh.pg.connect(wh.database)) {
            c.unwrap(PGConnection.class)
                    .getCopyAPI()
                    .copyIn(
                            DIALECT.copyFromClient(table, ROW.getFieldNames(), true, binary),
                            new ByteArrayInputStream(out.toByteArray()));
        }
    }

    private static List<GenericRowData> edgeRows() {
        GenericRowData low = new GenericRowData(ROW.getFieldCount());
        low.setField(0, Integer.MIN_VALUE);
        low.setField(1, Byte.MIN_VALUE);
        low.setField(2, Short.MIN_VALUE);
        low.setField(3, Long.MIN_VALUE);
        low.setField(4, Float.NEGATIVE_INFINITY);
        low.setField(5, -0.0d);
        low.setField(6, decimal("-99999999.99", 10, 2));
        low.setField(7, decimal("-9999999999999999999999999999.9999999999", 38, 10));
        low.setField(8, decimal("-0.0000001", 7, 7));
        low.setField(9, decimal("-999999999999999999", 18, 0));
        low.setField(10, false);
        low.setField(11, (int) LocalDate.of(1, 1, 1).toEpochDay());
        low.setField(12, 0);
        low.setField(13, TimestampData.fromLocalDateTime(LocalDateTime.of(1, 1, 1, 0, 0)));
        low.setField(
                14,
                TimestampData.fromLocalDateTime(
                        LocalDateTime.of(1969, 12, 31, 23, 59, 59, 999_000_000)));
        low.setField(15, TimestampData.fromInstant(Instant.parse("1999-12-31T23:59:59.999999Z")));
        low.setField(16, StringData.fromString(""));
        low.setField(17, StringData.fromString(""));
        low.setField(18, new byte[0]);
        low.setField(19, new GenericArrayData(new Object[0]));
        low.setField(20, new GenericMapData(Map.of()));
        low.setField(21, GenericRowData.of(null, null));
        low.setField(22, decimal("-999999999999999.999", 18, 3));

        GenericRowData high = new GenericRowData(ROW.getFieldCount());
        high.setField(0, Integer.MAX_VALUE);
        high.setField(1, Byte.MAX_VALUE);
        high.setField(2, Short.MAX_VALUE);
        high.setField(3, Long.MAX_VALUE);
        high.setField(4, Float.NaN);
        high.setField(5, Double.MAX_VALUE);
        high.setField(6, decimal("0.01", 10, 2));
        high.setField(7, decimal("0.0000000001", 38, 10));
        high.setField(8, decimal("0.9999999", 7, 7));
        high.setField(9, decimal("10000", 18, 0));
        high.setField(10, true);
        high.setField(11, (int) LocalDate.of(9999, 12, 31).toEpochDay());
        high.setField(12, 86_399_999);
        high.setField(
                13,
                TimestampData.fromLocalDateTime(
                        LocalDateTime.of(9999, 12, 31, 23, 59, 59, 999_999_000)));
        high.setField(14, TimestampData.fromLocalDateTime(LocalDateTime.of(2000, 1, 1, 0, 0)));
        high.setField(15, TimestampData.fromInstant(Instant.parse("1970-01-01T00:00:00Z")));
        high.setField(
                16, StringData.fromString("\"quoted\", comma\nnew line \\ back \uD83D\uDE00 é"));
        high.setField(17, StringData.fromString("abcde"));
        high.setField(18, new byte[] {0, (byte) 0xff, 0x5c, 0x0a});
        high.setField(19, new GenericArrayData(new Object[] {StringData.fromString("a\"b"), null}));
        high.setField(20, new GenericMapData(Map.of(StringData.fromString("k"), 7)));
        high.setField(21, GenericRowData.of(3, StringData.fromString("x\ty")));
        high.setField(22, decimal("123456789012345.678", 18, 3));

        GenericRowData zeros = new GenericRowData(ROW.getFieldCount());
        zeros.setField(6, decimal("0.00", 10, 2));
        zeros.setField(7, decimal("0", 38, 10));
        zeros.setField(8, decimal("0", 7, 7));
        zeros.setField(9, decimal("0", 18, 0));
        zeros.setField(5, 0.1d);
        zeros.setField(4, 0.1f);
        return List.of(low, high, zeros, new GenericRowData(ROW.getFieldCount()));
    }

    private static GenericRowData randomRow(Random r) {
        GenericRowData row = new GenericRowData(ROW.getFieldCount());
        for (int i = 0; i < ROW.getFieldCount(); i++) {
            if (r.nextInt(10) == 0) {
                continue; // NULL
            }
            row.setField(i, randomValue(i, r));
        }
        return row;
    }

    private static Object randomValue(int field, Random r) {
        return switch (field) {
            case 0 -> r.nextInt();
            case 1 -> (byte) r.nextInt();
            case 2 -> (short) r.nextInt();
            case 3 -> r.nextLong() >> r.nextInt(64);
            case 4 -> Float.intBitsToFloat(r.nextInt());
            case 5 ->
                    r.nextBoolean()
                            ? r.nextGaussian() * 1e6
                            : Double.longBitsToDouble(r.nextLong());
            case 6 -> randomDecimal(r, 10, 2);
            case 7 -> randomDecimal(r, 38, 10);
            case 8 -> randomDecimal(r, 7, 7);
            case 9 -> randomDecimal(r, 18, 0);
            case 10 -> r.nextBoolean();
            case 11 -> (int) (LocalDate.of(1900, 1, 1).toEpochDay() + r.nextInt(73_000));
            case 12 -> r.nextInt(86_400_000);
            case 13, 14, 15 -> {
                long micros =
                        -2_208_988_800_000_000L + (long) (r.nextDouble() * 6_311_520_000_000_000L);
                Instant at =
                        Instant.ofEpochSecond(
                                Math.floorDiv(micros, 1_000_000),
                                Math.floorMod(micros, 1_000_000) * 1000L);
                yield field == 15
                        ? TimestampData.fromInstant(at)
                        : TimestampData.fromLocalDateTime(
                                LocalDateTime.ofInstant(at, java.time.ZoneOffset.UTC));
            }
            case 16 -> StringData.fromString(randomText(r, r.nextInt(20)));
            case 17 -> StringData.fromString(randomText(r, r.nextInt(6)));
            case 18 -> {
                byte[] b = new byte[r.nextInt(12)];
                r.nextBytes(b);
                yield b;
            }
            case 19 ->
                    new GenericArrayData(
                            new Object[] {StringData.fromString(randomText(r, 4)), null});
            case 20 ->
                    new GenericMapData(
                            Map.of(StringData.fromString(randomText(r, 3)), r.nextInt()));
            case 21 -> GenericRowData.of(r.nextInt(), StringData.fromString(randomText(r, 5)));
            case 22 -> randomDecimal(r, 18, 3);
            default -> throw new IllegalArgumentException("field " + field);
        };
    }

    private static DecimalData randomDecimal(Random r, int precision, int scale) {
        BigInteger unscaled =
                new BigInteger(BigInteger.TEN.pow(r.nextInt(precision) + 1).bitLength(), r)
                        .mod(BigInteger.TEN.pow(precision));
        if (r.nextBoolean()) {
            unscaled = unscaled.negate();
        }
        return DecimalData.fromBigDecimal(new BigDecimal(unscaled, scale), precision, scale);
    }

    private static String randomText(Random r, int length) {
        String alphabet = "ab,\"\\\n\t 'xé€\uD83D\uDE00;|N";
        StringBuilder sb = new StringBuilder();
        while (sb.codePointCount(0, sb.length()) < length) {
            int at = r.nextInt(alphabet.length());
            if (Character.isHighSurrogate(alphabet.charAt(at))) {
                sb.append(alphabet, at, at + 2);
            } else if (!Character.isLowSurrogate(alphabet.charAt(at))) {
                sb.append(alphabet.charAt(at));
            }
        }
        return sb.toString();
    }

    private static DecimalData decimal(String value, int precision, int scale) {
        return DecimalData.fromBigDecimal(new BigDecimal(value), precision, scale);
    }
}
