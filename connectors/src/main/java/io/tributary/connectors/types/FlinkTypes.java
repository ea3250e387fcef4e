package io.tributary.connectors.types;

import io.tributary.catalog.model.DataType;
import io.tributary.catalog.model.DataType.ArrayOf;
import io.tributary.catalog.model.DataType.Decimal;
import io.tributary.catalog.model.DataType.MapOf;
import io.tributary.catalog.model.DataType.Primitive;
import io.tributary.catalog.model.DataType.Struct;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.annotation.Internal;
import org.apache.flink.table.api.DataTypes;

/** The catalog's type lattice in Flink SQL types. */
@Internal
public final class FlinkTypes {

    /** Timestamps carry milliseconds, as the registry's Avro {@code timestamp-millis}. */
    public static final int TIMESTAMP_PRECISION = 3;

    private FlinkTypes() {}

    /**
     * The Flink type of {@code t}; nullable unless {@code keepNotNull} and the catalog says the
     * column never holds null (files on S3 may always bring a null, so only keys keep NOT NULL).
     */
    public static org.apache.flink.table.types.DataType toFlink(DataType t, boolean keepNotNull) {
        org.apache.flink.table.types.DataType f;
        if (t instanceof Primitive p) {
            f =
                    switch (p.kind()) {
                        case BOOLEAN -> DataTypes.BOOLEAN();
                        case INT -> DataTypes.INT();
                        case BIGINT -> DataTypes.BIGINT();
                        case DOUBLE -> DataTypes.DOUBLE();
                        case DATE -> DataTypes.DATE();
                        case TIMESTAMP -> DataTypes.TIMESTAMP(TIMESTAMP_PRECISION);
                        case BINARY -> DataTypes.BYTES();
                        case STRING, NULL -> DataTypes.STRING();
                    };
        } else if (t instanceof Decimal d) {
            f = DataTypes.DECIMAL(d.precision(), d.scale());
        } else if (t instanceof ArrayOf a) {
            f = DataTypes.ARRAY(toFlink(a.element(), false));
        } else if (t instanceof MapOf m) {
            f = DataTypes.MAP(toFlink(m.key(), true), toFlink(m.value(), false));
        } else {
            List<DataTypes.Field> fields = new ArrayList<>();
            for (DataType.Field field : ((Struct) t).fields()) {
                fields.add(DataTypes.FIELD(field.name(), toFlink(field.type(), false)));
            }
            f = DataTypes.ROW(fields);
        }
        return keepNotNull && !t.nullable() ? f.notNull() : f.nullable();
    }
}
