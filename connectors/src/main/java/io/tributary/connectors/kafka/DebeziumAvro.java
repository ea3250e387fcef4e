package io.tributary.connectors.kafka;

import io.tributary.catalog.model.AvroTypes;
import io.tributary.catalog.model.Column;
import io.tributary.catalog.model.DataType;
import io.tributary.connectors.changes.ChangeOp;
import io.tributary.connectors.changes.ChangeRecord;
import io.tributary.connectors.changes.RowShape;
import io.tributary.connectors.changes.SourceTable;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.JsonProperties;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.annotation.Internal;

/**
 * The Debezium envelope in Avro, both ways: for a {@link RowShape}, the key and value schemas
 * Debezium's Avro converter would write ({@code <ns>.Key}, {@code <ns>.Envelope} with {@code
 * before}/{@code after} of {@code <ns>.Value}, {@code source}, {@code op}, {@code ts_ms}), and the
 * records; and from any such envelope (Tributary's, Debezium Server's, Kafka Connect's), the {@link
 * ChangeRecord} it holds. Values follow Avro's logical types and Debezium's {@code connect.name}
 * semantic types (dates as days, timestamps as millis or micros, decimals as bytes).
 */
@Internal
public final class DebeziumAvro {

    private static final String CONNECT_NAME = "connect.name";

    private DebeziumAvro() {}

    /** Schemas of one shape, written under one topic. */
    public record Schemas(Schema key, Schema value, Schema row) {}

    /** The key and envelope schemas for records of {@code shape} on {@code topic}. */
    public static Schemas schemas(RowShape shape, String topic) {
        String ns = AvroTypes.validName(topic);
        Schema row = AvroTypes.toAvro(shape.rowType(), ns, "Value");
        List<DataType.Field> keyFields = new ArrayList<>();
        for (String k : shape.key()) {
            Column c = shape.columns().get(shape.indexOf(k));
            keyFields.add(new DataType.Field(c.name(), c.type().withNullable(false)));
        }
        Schema key =
                keyFields.isEmpty()
                        ? null
                        : AvroTypes.toAvro(new DataType.Struct(keyFields, false), ns, "Key");
        Schema optionalRow = Schema.createUnion(Schema.create(Schema.Type.NULL), row);
        Schema optionalLong =
                Schema.createUnion(
                        Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.LONG));
        Schema source = DebeziumSource.avroSchema(shape.table().schema() != null);
        List<Schema.Field> fields = new ArrayList<>();
        fields.add(new Schema.Field("before", optionalRow, null, JsonProperties.NULL_VALUE));
        fields.add(new Schema.Field("after", optionalRow, null, JsonProperties.NULL_VALUE));
        fields.add(new Schema.Field("source", source));
        fields.add(new Schema.Field("op", Schema.create(Schema.Type.STRING)));
        fields.add(new Schema.Field("ts_ms", optionalLong, null, JsonProperties.NULL_VALUE));
        Schema envelope = Schema.createRecord("Envelope", null, ns, false, fields);
        envelope.addProp(CONNECT_NAME, ns + ".Envelope");
        return new Schemas(key, envelope, row);
    }

    /** The key record of {@code r}, or null when its table has no primary key. */
    public static GenericRecord key(Schemas s, ChangeRecord r) {
        if (s.key() == null) {
            return null;
        }
        GenericRecord k = new GenericData.Record(s.key());
        Object[] values = r.key();
        for (int i = 0; i < values.length; i++) {
            k.put(i, toAvro(values[i], s.key().getFields().get(i).schema()));
        }
        return k;
    }

    /** The envelope of a row change ({@link ChangeOp#SCHEMA} records have none). */
    public static GenericRecord value(Schemas s, ChangeRecord r, String name) {
        GenericRecord e = new GenericData.Record(s.value());
        e.put("before", row(s.row(), r.before()));
        e.put("after", row(s.row(), r.after()));
        Schema sourceSchema = s.value().getField("source").schema();
        GenericRecord source = DebeziumSource.avro(sourceSchema, r, name);
        e.put("source", source);
        e.put("op", r.op().code());
        e.put("ts_ms", System.currentTimeMillis());
        return e;
    }

    private static GenericRecord row(Schema schema, Object[] values) {
        if (values == null) {
            return null;
        }
        GenericRecord g = new GenericData.Record(schema);
        List<Schema.Field> fields = schema.getFields();
        for (int i = 0; i < values.length && i < fields.size(); i++) {
            try {
                g.put(i, toAvro(values[i], fields.get(i).schema()));
            } catch (ClassCastException e) {
                throw new IllegalArgumentException(
                        "Column "
                                + fields.get(i).name()
                                + " holds a "
                                + values[i].getClass().getSimpleName()
                                + " that does not fit its Avro type "
                                + fields.get(i).schema(),
                        e);
            }
        }
        return g;
    }

    private static Schema nonNull(Schema s) {
        if (s.getType() != Schema.Type.UNION) {
            return s;
        }
        for (Schema b : s.getTypes()) {
            if (b.getType() != Schema.Type.NULL) {
                return b;
            }
        }
        return s;
    }

    /** A ChangeRecord value as the Avro datum {@code schema} takes. */
    static Object toAvro(Object v, Schema schema) {
        if (v == null) {
            return null;
        }
        Schema s = nonNull(schema);
        LogicalType lt = s.getLogicalType();
        if (lt instanceof LogicalTypes.Decimal d) {
            BigDecimal dec = v instanceof BigDecimal b ? b : new BigDecimal(v.toString());
            return ByteBuffer.wrap(
                    dec.setScale(d.getScale(), RoundingMode.UNNECESSARY)
                            .unscaledValue()
                            .toByteArray());
        }
        if (lt instanceof LogicalTypes.Date) {
            return (int) ((LocalDate) v).toEpochDay();
        }
        if (lt instanceof LogicalTypes.TimestampMillis) {
            return ((LocalDateTime) v).toInstant(ZoneOffset.UTC).toEpochMilli();
        }
        switch (s.getType()) {
            case BYTES:
                return ByteBuffer.wrap((byte[]) v);
            case STRING:
                return v.toString();
            case INT:
                return ((Number) v).intValue();
            case LONG:
                return ((Number) v).longValue();
            case DOUBLE:
                return ((Number) v).doubleValue();
            default:
                return v;
        }
    }

    /**
     * The change held by a Debezium envelope, with the row's columns taken from its {@code after}
     * (or {@code before}) schema and the key columns from {@code keySchema} (null: no key).
     */
    public static ChangeRecord toChange(GenericRecord envelope, Schema keySchema) {
        Schema rowSchema = nonNull(envelope.getSchema().getField("after").schema());
        List<Column> columns = new ArrayList<>();
        for (Schema.Field f : rowSchema.getFields()) {
            String name = f.getProp(AvroTypes.ORIGINAL_NAME);
            columns.add(
                    new Column(
                            name != null ? name : f.name(),
                            columnType(f.schema()),
                            null,
                            List.of()));
        }
        List<String> key = new ArrayList<>();
        if (keySchema != null && keySchema.getType() == Schema.Type.RECORD) {
            keySchema.getFields().forEach(f -> key.add(f.name()));
        }
        GenericRecord source = (GenericRecord) envelope.get("source");
        SourceTable table =
                new SourceTable(
                        string(source, "db"), string(source, "schema"), string(source, "table"));
        RowShape shape = new RowShape(table, columns, key, 0);
        ChangeOp op = ChangeOp.ofCode(envelope.get("op").toString());
        Object ts = source == null ? null : source.get("ts_ms");
        Map<String, Object> block = DebeziumSource.read(source);
        return new ChangeRecord(
                op,
                shape,
                fromAvro((GenericRecord) envelope.get("before")),
                fromAvro((GenericRecord) envelope.get("after")),
                DebeziumSource.position(block),
                ts instanceof Long l ? l : 0L,
                null,
                block);
    }

    private static String string(GenericRecord r, String field) {
        if (r == null || r.getSchema().getField(field) == null) {
            return null;
        }
        Object v = r.get(field);
        return v == null ? null : v.toString();
    }

    /** The lattice type of a row field, honouring Debezium's semantic types. */
    static DataType columnType(Schema field) {
        Schema s = nonNull(field);
        boolean nullable = s != field;
        String connect = s.getProp(CONNECT_NAME);
        DataType t;
        if (connect != null && connect.startsWith("io.debezium.time.")) {
            String kind = connect.substring("io.debezium.time.".length());
            t =
                    switch (kind) {
                        case "Date" -> new DataType.Primitive(DataType.Kind.DATE, false);
                        case "Timestamp", "MicroTimestamp", "NanoTimestamp", "ZonedTimestamp" ->
                                new DataType.Primitive(DataType.Kind.TIMESTAMP, false);
                        default -> new DataType.Primitive(DataType.Kind.STRING, false);
                    };
        } else {
            t = AvroTypes.fromAvro(s);
        }
        return t.withNullable(nullable);
    }

    private static Object[] fromAvro(GenericRecord row) {
        if (row == null) {
            return null;
        }
        List<Schema.Field> fields = row.getSchema().getFields();
        Object[] out = new Object[fields.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = fromAvro(row.get(i), fields.get(i).schema());
        }
        return out;
    }

    static Object fromAvro(Object v, Schema schema) {
        if (v == null) {
            return null;
        }
        Schema s = nonNull(schema);
        LogicalType lt = s.getLogicalType();
        String connect = s.getProp(CONNECT_NAME);
        if (lt instanceof LogicalTypes.Decimal d) {
            byte[] b = bytes(v);
            return new BigDecimal(new BigInteger(b), d.getScale());
        }
        if (lt instanceof LogicalTypes.Date || "io.debezium.time.Date".equals(connect)) {
            return LocalDate.ofEpochDay(((Number) v).longValue());
        }
        if (lt instanceof LogicalTypes.TimestampMillis
                || "io.debezium.time.Timestamp".equals(connect)) {
            return LocalDateTime.ofInstant(
                    Instant.ofEpochMilli(((Number) v).longValue()), ZoneOffset.UTC);
        }
        if (lt instanceof LogicalTypes.TimestampMicros
                || "io.debezium.time.MicroTimestamp".equals(connect)) {
            long micros = ((Number) v).longValue();
            return LocalDateTime.ofInstant(
                    Instant.ofEpochSecond(
                            Math.floorDiv(micros, 1_000_000L),
                            Math.floorMod(micros, 1_000_000L) * 1_000L),
                    ZoneOffset.UTC);
        }
        if ("io.debezium.time.ZonedTimestamp".equals(connect)) {
            return LocalDateTime.ofInstant(
                    OffsetDateTime.parse(v.toString()).toInstant(), ZoneOffset.UTC);
        }
        switch (s.getType()) {
            case STRING:
            case ENUM:
                return v.toString();
            case BYTES:
            case FIXED:
                return bytes(v);
            case INT:
                return ((Number) v).intValue();
            case LONG:
                return ((Number) v).longValue();
            case FLOAT:
            case DOUBLE:
                return ((Number) v).doubleValue();
            case BOOLEAN:
                return v;
            default:
                return v.toString();
        }
    }

    private static byte[] bytes(Object v) {
        if (v instanceof ByteBuffer b) {
            ByteBuffer d = b.duplicate();
            byte[] out = new byte[d.remaining()];
            d.get(out);
            return out;
        }
        if (v instanceof GenericData.Fixed f) {
            return f.bytes();
        }
        return (byte[]) v;
    }
}
