package io.tributary.catalog.model;

import io.tributary.catalog.model.DataType.ArrayOf;
import io.tributary.catalog.model.DataType.Decimal;
import io.tributary.catalog.model.DataType.Field;
import io.tributary.catalog.model.DataType.Kind;
import io.tributary.catalog.model.DataType.MapOf;
import io.tributary.catalog.model.DataType.Primitive;
import io.tributary.catalog.model.DataType.Struct;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.avro.JsonProperties;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;

/**
 * Converts between the catalog's type lattice and Avro schemas, the form the schema registry keeps
 * versions in. A nullable column is a union with {@code null} defaulting to null, so a column added
 * later is a BACKWARD-compatible change. Names Avro cannot hold (spaces, quotes, unicode, a leading
 * digit) are made valid and the original kept in the field property {@value #ORIGINAL_NAME}.
 */
public final class AvroTypes {

    /** Field property holding a name Avro could not take as it was. */
    public static final String ORIGINAL_NAME = "tributary.name";

    private AvroTypes() {}

    /** The Avro record for a table's row, named after the table (made valid). */
    public static Schema toAvro(Struct row, String namespace, String name) {
        return record(row, validName(namespace), validName(name));
    }

    private static Schema record(Struct s, String namespace, String name) {
        List<Schema.Field> fields = new ArrayList<>();
        Set<String> used = new HashSet<>();
        for (Field f : s.fields()) {
            String valid = validName(f.name());
            String unique = valid;
            for (int i = 2; !used.add(unique.toLowerCase(Locale.ROOT)); i++) {
                unique = valid + "_" + i;
            }
            Schema type = toAvro(f.type(), namespace, name + "_" + unique);
            Schema.Field field =
                    f.type().nullable()
                            ? new Schema.Field(unique, type, null, JsonProperties.NULL_VALUE)
                            : new Schema.Field(unique, type, null, (Object) null);
            if (!unique.equals(f.name())) {
                field.addProp(ORIGINAL_NAME, f.name());
            }
            fields.add(field);
        }
        return Schema.createRecord(
                name, null, namespace.isEmpty() ? null : namespace, false, fields);
    }

    private static Schema toAvro(DataType t, String namespace, String path) {
        Schema base;
        if (t instanceof Primitive p) {
            base =
                    switch (p.kind()) {
                        case BOOLEAN -> Schema.create(Schema.Type.BOOLEAN);
                        case INT -> Schema.create(Schema.Type.INT);
                        case BIGINT -> Schema.create(Schema.Type.LONG);
                        case DOUBLE -> Schema.create(Schema.Type.DOUBLE);
                        case DATE ->
                                LogicalTypes.date().addToSchema(Schema.create(Schema.Type.INT));
                        case TIMESTAMP ->
                                LogicalTypes.timestampMillis()
                                        .addToSchema(Schema.create(Schema.Type.LONG));
                        case BINARY -> Schema.create(Schema.Type.BYTES);
                        case STRING, NULL -> Schema.create(Schema.Type.STRING);
                    };
        } else if (t instanceof Decimal d) {
            base =
                    LogicalTypes.decimal(d.precision(), d.scale())
                            .addToSchema(Schema.create(Schema.Type.BYTES));
        } else if (t instanceof ArrayOf a) {
            base = Schema.createArray(toAvro(a.element(), namespace, path));
        } else if (t instanceof MapOf m) {
            base = Schema.createMap(toAvro(m.value(), namespace, path));
        } else {
            base = record((Struct) t, namespace, path);
        }
        if (t.nullable()) {
            return Schema.createUnion(Schema.create(Schema.Type.NULL), base);
        }
        return base;
    }

    /** The lattice type of an Avro schema (a file's header, a Parquet footer converted). */
    public static DataType fromAvro(Schema s) {
        return switch (s.getType()) {
            case RECORD -> {
                List<Field> fields = new ArrayList<>();
                for (Schema.Field f : s.getFields()) {
                    String original = f.getProp(ORIGINAL_NAME);
                    fields.add(
                            new Field(
                                    original != null ? original : f.name(), fromAvro(f.schema())));
                }
                yield new Struct(fields, false);
            }
            case UNION -> {
                boolean nullable = false;
                List<DataType> branches = new ArrayList<>();
                for (Schema b : s.getTypes()) {
                    if (b.getType() == Schema.Type.NULL) {
                        nullable = true;
                    } else {
                        branches.add(fromAvro(b));
                    }
                }
                DataType t = branches.isEmpty() ? Primitive.NULL : TypeWidening.widenAll(branches);
                yield nullable ? t.withNullable(true) : t;
            }
            case INT ->
                    s.getLogicalType() instanceof LogicalTypes.Date
                            ? DataType.of(Kind.DATE)
                            : DataType.of(Kind.INT);
            case LONG ->
                    isTimestamp(s.getLogicalType())
                            ? DataType.of(Kind.TIMESTAMP)
                            : DataType.of(Kind.BIGINT);
            case FLOAT, DOUBLE -> DataType.of(Kind.DOUBLE);
            case BOOLEAN -> DataType.of(Kind.BOOLEAN);
            case STRING, ENUM -> DataType.of(Kind.STRING);
            case BYTES, FIXED ->
                    s.getLogicalType() instanceof LogicalTypes.Decimal d
                            ? new Decimal(
                                    Math.min(d.getPrecision(), Decimal.MAX_PRECISION),
                                    Math.min(d.getScale(), Math.min(d.getPrecision(), 38)),
                                    false)
                            : DataType.of(Kind.BINARY);
            case ARRAY -> new ArrayOf(fromAvro(s.getElementType()), false);
            case MAP -> new MapOf(DataType.of(Kind.STRING), fromAvro(s.getValueType()), false);
            case NULL -> Primitive.NULL;
        };
    }

    private static boolean isTimestamp(LogicalType t) {
        return t instanceof LogicalTypes.TimestampMillis
                || t instanceof LogicalTypes.TimestampMicros
                || t instanceof LogicalTypes.LocalTimestampMillis
                || t instanceof LogicalTypes.LocalTimestampMicros;
    }

    /** {@code name} if Avro accepts it; otherwise each invalid character replaced by {@code _}. */
    public static String validName(String name) {
        if (name == null || name.isEmpty()) {
            return "_";
        }
        StringBuilder b = new StringBuilder(name.length() + 1);
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok =
                    c == '_'
                            || (c >= 'a' && c <= 'z')
                            || (c >= 'A' && c <= 'Z')
                            || (i > 0 && c >= '0' && c <= '9');
            if (i == 0 && c >= '0' && c <= '9') {
                b.append('_').append(c);
            } else {
                b.append(ok ? c : '_');
            }
        }
        return b.toString();
    }
}
