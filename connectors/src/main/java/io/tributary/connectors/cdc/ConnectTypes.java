package io.tributary.connectors.cdc;

import io.tributary.catalog.model.DataType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.function.UnaryOperator;
import org.apache.flink.cdc.connectors.shaded.org.apache.kafka.connect.data.Date;
import org.apache.flink.cdc.connectors.shaded.org.apache.kafka.connect.data.Decimal;
import org.apache.flink.cdc.connectors.shaded.org.apache.kafka.connect.data.Schema;
import org.apache.flink.cdc.connectors.shaded.org.apache.kafka.connect.data.Struct;
import org.apache.flink.cdc.connectors.shaded.org.apache.kafka.connect.data.Timestamp;

/**
 * Maps Debezium's Kafka Connect types (with their logical names) to the catalog's type lattice, and
 * their values to the Java values a {@link ChangeRecord} holds. Decided once per column and schema,
 * not per value: {@link #converter} returns the function applied to every value of the column.
 */
final class ConnectTypes {

    // from the classes themselves: Flink CDC relocates Kafka Connect, and its logical names with it
    private static final String DECIMAL = Decimal.LOGICAL_NAME;
    private static final String CONNECT_DATE = Date.LOGICAL_NAME;
    private static final String CONNECT_TIMESTAMP = Timestamp.LOGICAL_NAME;
    private static final String DATE = "io.debezium.time.Date";
    private static final String TIMESTAMP = "io.debezium.time.Timestamp";
    private static final String MICRO_TIMESTAMP = "io.debezium.time.MicroTimestamp";
    private static final String NANO_TIMESTAMP = "io.debezium.time.NanoTimestamp";
    private static final String ZONED_TIMESTAMP = "io.debezium.time.ZonedTimestamp";
    private static final String TIME = "io.debezium.time.Time";
    private static final String MICRO_TIME = "io.debezium.time.MicroTime";
    private static final String NANO_TIME = "io.debezium.time.NanoTime";
    private static final String VARIABLE_DECIMAL = "io.debezium.data.VariableScaleDecimal";

    private ConnectTypes() {}

    /** The lattice type of a Connect field schema; nullability from {@code isOptional()}. */
    static DataType type(Schema s) {
        DataType t = baseType(s);
        return t.withNullable(s.isOptional());
    }

    private static DataType baseType(Schema s) {
        String name = s.name() == null ? "" : s.name();
        switch (name) {
            case DECIMAL:
                {
                    int scale = Integer.parseInt(s.parameters().getOrDefault("scale", "0"));
                    String p = s.parameters().get("connect.decimal.precision");
                    // a MySQL BIGINT UNSIGNED (Flink CDC reads it precisely) is the one decimal
                    // Debezium sends without a precision: 20 digits hold 2^64 - 1, as the JDBC
                    // crawler says
                    int precision =
                            p != null
                                    ? Integer.parseInt(p)
                                    : scale == 0 ? 20 : DataType.Decimal.MAX_PRECISION;
                    if (precision > DataType.Decimal.MAX_PRECISION || scale > precision) {
                        return prim(DataType.Kind.STRING);
                    }
                    return new DataType.Decimal(precision, scale, false);
                }
            case DATE:
            case CONNECT_DATE:
                return prim(DataType.Kind.DATE);
            case TIMESTAMP:
            case MICRO_TIMESTAMP:
            case NANO_TIMESTAMP:
            case ZONED_TIMESTAMP:
            case CONNECT_TIMESTAMP:
                return prim(DataType.Kind.TIMESTAMP);
            case TIME:
            case MICRO_TIME:
            case NANO_TIME:
            case VARIABLE_DECIMAL:
                return prim(DataType.Kind.STRING);
            default:
                break;
        }
        switch (s.type()) {
            case BOOLEAN:
                return prim(DataType.Kind.BOOLEAN);
            case INT8:
            case INT16:
            case INT32:
                return prim(DataType.Kind.INT);
            case INT64:
                return prim(DataType.Kind.BIGINT);
            case FLOAT32:
            case FLOAT64:
                return prim(DataType.Kind.DOUBLE);
            case BYTES:
                return prim(DataType.Kind.BINARY);
            default:
                // STRING, JSON, UUID, ENUM, SET, geometry, arrays and maps: as text
                return prim(DataType.Kind.STRING);
        }
    }

    private static DataType prim(DataType.Kind k) {
        return new DataType.Primitive(k, false);
    }

    /** The function turning this column's Connect values into ChangeRecord values. */
    static UnaryOperator<Object> converter(Schema s) {
        String name = s.name() == null ? "" : s.name();
        DataType t = baseType(s);
        switch (name) {
            case DATE:
                return v -> v == null ? null : LocalDate.ofEpochDay(((Number) v).longValue());
            case CONNECT_DATE:
                return v ->
                        v == null
                                ? null
                                : LocalDate.ofInstant(
                                        ((java.util.Date) v).toInstant(), ZoneOffset.UTC);
            case TIMESTAMP:
                return v -> v == null ? null : utc(Instant.ofEpochMilli(((Number) v).longValue()));
            case MICRO_TIMESTAMP:
                return v -> v == null ? null : micros(((Number) v).longValue());
            case NANO_TIMESTAMP:
                return v ->
                        v == null ? null : utc(Instant.ofEpochSecond(0, ((Number) v).longValue()));
            case ZONED_TIMESTAMP:
                return v -> v == null ? null : utc(OffsetDateTime.parse(v.toString()).toInstant());
            case CONNECT_TIMESTAMP:
                return v -> v == null ? null : utc(((java.util.Date) v).toInstant());
            case TIME:
                return v -> v == null ? null : time(((Number) v).longValue() * 1_000_000L);
            case MICRO_TIME:
                return v -> v == null ? null : time(((Number) v).longValue() * 1_000L);
            case NANO_TIME:
                return v -> v == null ? null : time(((Number) v).longValue());
            case VARIABLE_DECIMAL:
                return v -> v == null ? null : variableDecimal((Struct) v);
            case DECIMAL:
                if (t instanceof DataType.Decimal) {
                    return v -> v;
                }
                return v -> v == null ? null : ((BigDecimal) v).toPlainString();
            default:
                break;
        }
        switch (s.type()) {
            case INT8:
            case INT16:
                return v -> v == null ? null : ((Number) v).intValue();
            case INT32:
            case FLOAT64:
                // Connect holds these as Integer and Double already (a Struct checks each value's
                // class when it is put); unboxing and boxing them again would cost a lookup or an
                // allocation per value
                return v -> v;
            case FLOAT32:
                return v -> v == null ? null : ((Number) v).doubleValue();
            case INT64:
            case BOOLEAN:
            case STRING:
                return v -> v;
            case BYTES:
                return v -> {
                    if (v == null || v instanceof byte[]) {
                        return v;
                    }
                    if (v instanceof ByteBuffer b) {
                        return bytes(b);
                    }
                    throw new IllegalArgumentException(
                            "A "
                                    + v.getClass().getName()
                                    + " in a binary column of semantic type '"
                                    + name
                                    + "', which Tributary does not know");
                };
            default:
                return v -> v == null ? null : v.toString();
        }
    }

    private static LocalDateTime utc(Instant i) {
        // not ofInstant: it asks the offset for its rules, a new ZoneRules per value (7 % of a
        // CDC stream's task thread in the profile of bench/RESULTS.md, 2026-12-06 06:21)
        return LocalDateTime.ofEpochSecond(i.getEpochSecond(), i.getNano(), ZoneOffset.UTC);
    }

    private static LocalDateTime micros(long micros) {
        return utc(
                Instant.ofEpochSecond(
                        Math.floorDiv(micros, 1_000_000L),
                        Math.floorMod(micros, 1_000_000L) * 1_000L));
    }

    private static byte[] bytes(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }

    private static String variableDecimal(Struct s) {
        int scale = s.getInt32("scale");
        byte[] unscaled = s.getBytes("value");
        return new BigDecimal(new BigInteger(unscaled), scale).toPlainString();
    }

    private static final long DAY_NANOS = 86_400_000_000_000L;

    /**
     * A time of day as {@link LocalTime#toString()} writes it; a MySQL {@code TIME} outside a day
     * (it holds -838:59:59 to 838:59:59, a duration) as MySQL writes it, {@code -838:59:59}, the
     * fraction as {@code LocalTime} writes one.
     */
    static String time(long nanos) {
        if (nanos >= 0 && nanos < DAY_NANOS) {
            return LocalTime.ofNanoOfDay(nanos).toString();
        }
        long abs = Math.abs(nanos);
        long seconds = abs / 1_000_000_000L;
        long fraction = abs % 1_000_000_000L;
        String out =
                String.format(
                        "%s%02d:%02d:%02d",
                        nanos < 0 ? "-" : "", seconds / 3600, seconds / 60 % 60, seconds % 60);
        if (fraction == 0) {
            return out;
        }
        // the fraction's digits in groups of three, as LocalTime writes them
        String digits = String.format("%09d", fraction);
        int n = fraction % 1_000_000 == 0 ? 3 : fraction % 1_000 == 0 ? 6 : 9;
        return out + "." + digits.substring(0, n);
    }
}
