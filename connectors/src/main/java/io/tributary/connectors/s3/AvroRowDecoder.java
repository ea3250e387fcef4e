package io.tributary.connectors.s3;

import java.io.Serializable;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.table.data.DecimalData;
import org.apache.flink.table.data.GenericArrayData;
import org.apache.flink.table.data.GenericMapData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.types.logical.ArrayType;
import org.apache.flink.table.types.logical.DecimalType;
import org.apache.flink.table.types.logical.MapType;
import org.apache.flink.table.types.logical.RowType;

/**
 * Avro records (from Avro container files, or Parquet files read through parquet-avro) as rows of a
 * table: fields matched by name (a file without a column gives null, so files of several schema
 * versions read as one table), values converted to the column's type, the writer's logical types
 * honoured (decimal, date, timestamp-millis/micros). A value that does not fit is an error naming
 * the column, which the reader quarantines.
 */
final class AvroRowDecoder implements Serializable {

    private static final long serialVersionUID = 1L;

    private final RowType rowType;

    AvroRowDecoder(RowType rowType) {
        this.rowType = rowType;
    }

    RowData decode(GenericRecord record) {
        return row(record, rowType);
    }

    private static GenericRowData row(GenericRecord record, RowType type) {
        GenericRowData row = new GenericRowData(type.getFieldCount());
        Map<String, Schema.Field> byName = new HashMap<>();
        for (Schema.Field f : record.getSchema().getFields()) {
            String original = f.getProp("tributary.name");
            byName.put(original != null ? original : f.name(), f);
        }
        List<RowType.RowField> fields = type.getFields();
        int matched = 0;
        for (int i = 0; i < fields.size(); i++) {
            RowType.RowField target = fields.get(i);
            Schema.Field source = byName.get(target.getName());
            if (source == null) {
                continue; // a column this file does not have
            }
            matched++;
            try {
                row.setField(i, value(record.get(source.pos()), source.schema(), target.getType()));
            } catch (ClassCastException e) {
                throw new IllegalArgumentException(
                        "column '"
                                + target.getName()
                                + "' ("
                                + target.getType()
                                + "): the file holds "
                                + typeName(source.schema())
                                + " values, this one is "
                                + abbreviate(record.get(source.pos())),
                        e);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(
                        "column '"
                                + target.getName()
                                + "' ("
                                + target.getType()
                                + "): "
                                + e.getMessage(),
                        e);
            }
        }
        if (matched == 0 && !fields.isEmpty()) {
            throw new NoCommonColumns(
                    "the file's columns "
                            + byName.keySet()
                            + " share none with the table's "
                            + type.getFieldNames());
        }
        return row;
    }

    /** An Avro type in a few words: "string", "long", "null|string", "record Ship". */
    private static String typeName(Schema schema) {
        if (schema.getType() == Schema.Type.UNION) {
            StringBuilder b = new StringBuilder();
            for (Schema branch : schema.getTypes()) {
                b.append(b.length() == 0 ? "" : "|").append(typeName(branch));
            }
            return b.toString();
        }
        if (schema.getLogicalType() != null) {
            return schema.getLogicalType().getName();
        }
        return schema.getType() == Schema.Type.RECORD
                ? "record " + schema.getName()
                : schema.getType().getName();
    }

    private static String abbreviate(Object v) {
        String s = String.valueOf(v);
        return "'" + (s.length() > 40 ? s.substring(0, 40) + "…" : s) + "'";
    }

    /**
     * A record with none of the table's columns: a file of another table (or a renamed schema),
     * which would otherwise read as rows of nulls.
     */
    static final class NoCommonColumns extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        NoCommonColumns(String message) {
            super(message);
        }
    }

    private static Object value(
            Object v, Schema schema, org.apache.flink.table.types.logical.LogicalType t) {
        if (v == null) {
            return null;
        }
        if (schema.getType() == Schema.Type.UNION) {
            schema = schema.getTypes().get(GenericData.get().resolveUnion(schema, v));
        }
        LogicalType logical = schema.getLogicalType();
        switch (t.getTypeRoot()) {
            case BOOLEAN:
                return (Boolean) v;
            case TINYINT:
                return ((Number) v).byteValue();
            case SMALLINT:
                return ((Number) v).shortValue();
            case INTEGER:
                return ((Number) v).intValue();
            case BIGINT:
                return ((Number) v).longValue();
            case FLOAT:
                return ((Number) v).floatValue();
            case DOUBLE:
                return ((Number) v).doubleValue();
            case CHAR:
            case VARCHAR:
                return StringData.fromString(v.toString());
            case BINARY:
            case VARBINARY:
                return bytes(v);
            case DECIMAL:
                {
                    DecimalType d = (DecimalType) t;
                    BigDecimal big =
                            v instanceof Number n
                                    ? new BigDecimal(n.toString())
                                    : new BigDecimal(
                                            new BigInteger(bytes(v)),
                                            logical instanceof LogicalTypes.Decimal ld
                                                    ? ld.getScale()
                                                    : 0);
                    DecimalData data =
                            DecimalData.fromBigDecimal(big, d.getPrecision(), d.getScale());
                    if (data == null) {
                        throw new IllegalArgumentException(big + " does not fit " + t);
                    }
                    return data;
                }
            case DATE:
                return v instanceof LocalDate ld ? (int) ld.toEpochDay() : ((Number) v).intValue();
            case TIMESTAMP_WITHOUT_TIME_ZONE:
            case TIMESTAMP_WITH_LOCAL_TIME_ZONE:
                return timestamp(v, logical);
            case ARRAY:
                {
                    List<?> list = (List<?>) v;
                    Object[] out = new Object[list.size()];
                    for (int i = 0; i < out.length; i++) {
                        out[i] =
                                value(
                                        list.get(i),
                                        schema.getElementType(),
                                        ((ArrayType) t).getElementType());
                    }
                    return new GenericArrayData(out);
                }
            case MAP:
                {
                    Map<Object, Object> out = new HashMap<>();
                    for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                        out.put(
                                StringData.fromString(e.getKey().toString()),
                                value(
                                        e.getValue(),
                                        schema.getValueType(),
                                        ((MapType) t).getValueType()));
                    }
                    return new GenericMapData(out);
                }
            case ROW:
                return row((GenericRecord) v, (RowType) t);
            default:
                throw new IllegalArgumentException("type " + t + " is not read from Avro/Parquet");
        }
    }

    private static byte[] bytes(Object v) {
        if (v instanceof ByteBuffer b) {
            ByteBuffer d = b.duplicate();
            byte[] out = new byte[d.remaining()];
            d.get(out);
            return out;
        }
        if (v instanceof GenericFixed f) {
            return f.bytes();
        }
        if (v instanceof byte[] b) {
            return b;
        }
        throw new IllegalArgumentException("expected bytes, got " + v.getClass().getSimpleName());
    }

    private static TimestampData timestamp(Object v, LogicalType logical) {
        if (v instanceof Instant i) {
            return TimestampData.fromInstant(i);
        }
        if (v instanceof LocalDateTime l) {
            return TimestampData.fromLocalDateTime(l);
        }
        long n = ((Number) v).longValue();
        boolean micros =
                logical instanceof LogicalTypes.TimestampMicros
                        || logical instanceof LogicalTypes.LocalTimestampMicros;
        if (micros) {
            return TimestampData.fromEpochMillis(
                    Math.floorDiv(n, 1000), (int) Math.floorMod(n, 1000) * 1000);
        }
        return TimestampData.fromLocalDateTime(
                LocalDateTime.ofEpochSecond(
                        Math.floorDiv(n, 1000),
                        (int) Math.floorMod(n, 1000) * 1_000_000,
                        ZoneOffset.UTC));
    }
}
