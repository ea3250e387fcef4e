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
