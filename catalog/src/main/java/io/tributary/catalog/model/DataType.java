package io.tributary.catalog.model;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The one type lattice shared by crawlers, the catalog and the sinks: boolean, int, bigint, double,
 * decimal(p,s), string, date, timestamp, binary, array, map, struct; each nullable or not. The
 * special {@link Primitive#NULL} type is what a crawler sees for a value that is always null.
 */
public sealed interface DataType
        permits DataType.Primitive,
                DataType.Decimal,
                DataType.ArrayOf,
                DataType.MapOf,
                DataType.Struct {

    boolean nullable();

    DataType withNullable(boolean nullable);

    /**
     * The type in SQL terms, e.g. {@code decimal(10,2)}, {@code array<string>}, {@code
     * struct<a:int>}.
     */
    String sql();

    /** The primitive kinds, ordered along the numeric widening chain where it applies. */
    enum Kind {
        NULL,
        BOOLEAN,
        INT,
        BIGINT,
        DOUBLE,
        STRING,
        DATE,
        TIMESTAMP,
        BINARY
    }

    /** A primitive type. */
    record Primitive(Kind kind, boolean nullable) implements DataType {
        public static final Primitive NULL = new Primitive(Kind.NULL, true);

        @Override
        public DataType withNullable(boolean n) {
            return new Primitive(kind, n || kind == Kind.NULL);
        }

        @Override
        public String sql() {
            return kind.name().toLowerCase(Locale.ROOT);
        }
    }

    /** An exact number with {@code precision} digits, {@code scale} of them after the point. */
    record Decimal(int precision, int scale, boolean nullable) implements DataType {
        public static final int MAX_PRECISION = 38;

        public Decimal {
            if (precision < 1 || precision > MAX_PRECISION || scale < 0 || scale > precision) {
                throw new IllegalArgumentException(
                        "decimal("
                                + precision
                                + ","
                                + scale
                                + ") is outside 1 <= p <= 38, 0 <= s <= p");
            }
        }

        @Override
        public DataType withNullable(boolean n) {
            return new Decimal(precision, scale, n);
        }

        @Override
        public String sql() {
            return "decimal(" + precision + "," + scale + ")";
        }
    }

    /** A list of elements of one type. */
    record ArrayOf(DataType element, boolean nullable) implements DataType {
        @Override
        public DataType withNullable(boolean n) {
            return new ArrayOf(element, n);
        }

        @Override
        public String sql() {
            return "array<" + element.sql() + ">";
        }
    }

    /** Keys of one type to values of one type. */
    record MapOf(DataType key, DataType value, boolean nullable) implements DataType {
        @Override
        public DataType withNullable(boolean n) {
            return new MapOf(key, value, n);
        }

        @Override
        public String sql() {
            return "map<" + key.sql() + "," + value.sql() + ">";
        }
    }

    /** Named fields, in order. */
    record Struct(List<Field> fields, boolean nullable) implements DataType {
        public Struct {
            fields = List.copyOf(fields);
        }

        @Override
        public DataType withNullable(boolean n) {
            return new Struct(fields, n);
        }

        @Override
        public String sql() {
            return fields.stream()
                    .map(f -> f.name() + ":" + f.type().sql())
                    .collect(Collectors.joining(",", "struct<", ">"));
        }
    }

    /** A field of a struct. */
    record Field(String name, DataType type) {}

    static Primitive of(Kind kind) {
        return new Primitive(kind, false);
    }
}
