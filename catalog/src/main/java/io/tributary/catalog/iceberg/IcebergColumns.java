package io.tributary.catalog.iceberg;

import io.tributary.catalog.model.Column;
import io.tributary.catalog.model.DataType;
import io.tributary.catalog.model.DataType.Kind;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * An Iceberg schema in the catalog's one type lattice, so {@code tributary catalog describe} shows
 * a lake table like any other. The Iceberg metadata stays what readers use; types the lattice lacks
 * map to their nearest kin (float to double, time and uuid to string, fixed to binary).
 */
final class IcebergColumns {

    private IcebergColumns() {}

    static List<Column> of(Schema schema) {
        List<Column> out = new ArrayList<>();
        for (Types.NestedField f : schema.columns()) {
            out.add(new Column(f.name(), type(f.type(), f.isOptional()), f.doc(), List.of()));
        }
        return out;
    }

    /**
     * Catalog columns as an Iceberg schema, every field optional (files crawled later may hold
     * nulls a sample did not); ids are placeholders that Iceberg reassigns on create or union.
     */
    static Schema schema(List<Column> columns) {
        int[] ids = {0};
        List<Types.NestedField> fields = new ArrayList<>();
        for (Column c : columns) {
            int id = ++ids[0];
            fields.add(
                    Types.NestedField.optional(
                            id, c.name(), icebergType(c.type(), ids), c.comment()));
        }
        return new Schema(fields);
    }

    private static Type icebergType(DataType t, int[] ids) {
        if (t instanceof DataType.Primitive p) {
            return switch (p.kind()) {
                case BOOLEAN -> Types.BooleanType.get();
                case INT -> Types.IntegerType.get();
                case BIGINT -> Types.LongType.get();
                case DOUBLE -> Types.DoubleType.get();
                case DATE -> Types.DateType.get();
                case TIMESTAMP -> Types.TimestampType.withoutZone();
                case BINARY -> Types.BinaryType.get();
                case NULL, STRING -> Types.StringType.get();
            };
        }
        if (t instanceof DataType.Decimal d) {
            return Types.DecimalType.of(d.precision(), d.scale());
        }
        if (t instanceof DataType.ArrayOf a) {
            int id = ++ids[0];
            return Types.ListType.ofOptional(id, icebergType(a.element(), ids));
        }
        if (t instanceof DataType.MapOf m) {
            int key = ++ids[0];
            int value = ++ids[0];
            return Types.MapType.ofOptional(
                    key, value, icebergType(m.key(), ids), icebergType(m.value(), ids));
        }
        DataType.Struct s = (DataType.Struct) t;
        List<Types.NestedField> fields = new ArrayList<>();
        for (DataType.Field f : s.fields()) {
            int id = ++ids[0];
            fields.add(Types.NestedField.optional(id, f.name(), icebergType(f.type(), ids)));
        }
        return Types.StructType.of(fields);
    }

    static DataType type(Type t, boolean nullable) {
        return switch (t.typeId()) {
            case BOOLEAN -> new DataType.Primitive(Kind.BOOLEAN, nullable);
            case INTEGER -> new DataType.Primitive(Kind.INT, nullable);
            case LONG -> new DataType.Primitive(Kind.BIGINT, nullable);
            case FLOAT, DOUBLE -> new DataType.Primitive(Kind.DOUBLE, nullable);
            case DATE -> new DataType.Primitive(Kind.DATE, nullable);
            case TIMESTAMP, TIMESTAMP_NANO -> new DataType.Primitive(Kind.TIMESTAMP, nullable);
            case FIXED, BINARY -> new DataType.Primitive(Kind.BINARY, nullable);
            case DECIMAL -> {
                Types.DecimalType d = (Types.DecimalType) t;
                yield new DataType.Decimal(d.precision(), d.scale(), nullable);
            }
            case LIST -> {
                Types.ListType l = (Types.ListType) t;
                yield new DataType.ArrayOf(type(l.elementType(), l.isElementOptional()), nullable);
            }
            case MAP -> {
                Types.MapType m = (Types.MapType) t;
                yield new DataType.MapOf(
                        type(m.keyType(), false),
                        type(m.valueType(), m.isValueOptional()),
                        nullable);
            }
            case STRUCT -> {
                List<DataType.Field> fields = new ArrayList<>();
                for (Types.NestedField f : t.asStructType().fields()) {
                    fields.add(new DataType.Field(f.name(), type(f.type(), f.isOptional())));
                }
                yield new DataType.Struct(fields, nullable);
            }
            default -> new DataType.Primitive(Kind.STRING, nullable);
        };
    }
}
