package io.tributary.catalog.model;

import io.tributary.catalog.model.DataType.ArrayOf;
import io.tributary.catalog.model.DataType.Decimal;
import io.tributary.catalog.model.DataType.Field;
import io.tributary.catalog.model.DataType.Kind;
import io.tributary.catalog.model.DataType.MapOf;
import io.tributary.catalog.model.DataType.Primitive;
import io.tributary.catalog.model.DataType.Struct;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one deterministic rule for two types seen for the same column: int → bigint → double →
 * decimal → string along the numeric chain; date → timestamp; structs merge their fields by name (a
 * field missing on one side becomes nullable); arrays and maps widen their parts; anything else
 * meets at string. Anything + null is nullable. Never two columns for one.
 */
public final class TypeWidening {

    private TypeWidening() {}

    /** The narrowest type that holds every value of {@code a} and of {@code b}. */
    public static DataType widen(DataType a, DataType b) {
        boolean nullable = a.nullable() || b.nullable();
        if (isNull(a)) {
            return b.withNullable(true);
        }
        if (isNull(b)) {
            return a.withNullable(true);
        }
        if (a.equals(b.withNullable(a.nullable()))) {
            return a.withNullable(nullable);
        }
        if (a instanceof Struct sa && b instanceof Struct sb) {
            return mergeStructs(sa, sb, nullable);
        }
        if (a instanceof ArrayOf xa && b instanceof ArrayOf xb) {
            return new ArrayOf(widen(xa.element(), xb.element()), nullable);
        }
        if (a instanceof MapOf ma && b instanceof MapOf mb) {
            return new MapOf(widen(ma.key(), mb.key()), widen(ma.value(), mb.value()), nullable);
        }
        int ra = numericRank(a);
        int rb = numericRank(b);
        if (ra >= 0 && rb >= 0) {
            return numeric(a, b, Math.max(ra, rb), nullable);
        }
        if (isKind(a, Kind.DATE) && isKind(b, Kind.TIMESTAMP)
                || isKind(a, Kind.TIMESTAMP) && isKind(b, Kind.DATE)) {
            return new Primitive(Kind.TIMESTAMP, nullable);
        }
        return new Primitive(Kind.STRING, nullable);
    }

    /** Folds {@link #widen} over every type seen, left to right. */
    public static DataType widenAll(List<DataType> seen) {
        DataType result = Primitive.NULL;
        for (DataType t : seen) {
            result = widen(result, t);
        }
        return result;
    }

    private static boolean isNull(DataType t) {
        return t instanceof Primitive p && p.kind() == Kind.NULL;
    }

    private static boolean isKind(DataType t, Kind kind) {
        return t instanceof Primitive p && p.kind() == kind;
    }

    /** Position on the numeric chain int(0) → bigint(1) → double(2) → decimal(3); -1 off it. */
    private static int numericRank(DataType t) {
        if (t instanceof Decimal) {
            return 3;
        }
        if (t instanceof Primitive p) {
            return switch (p.kind()) {
                case INT -> 0;
                case BIGINT -> 1;
                case DOUBLE -> 2;
                default -> -1;
            };
        }
        return -1;
    }

    private static DataType numeric(DataType a, DataType b, int rank, boolean nullable) {
        return switch (rank) {
            case 0 -> new Primitive(Kind.INT, nullable);
            case 1 -> new Primitive(Kind.BIGINT, nullable);
            case 2 -> new Primitive(Kind.DOUBLE, nullable);
            default -> {
                // decimal with another decimal or an integer: keep every integer and fraction digit
                int intDigits = Math.max(integerDigits(a), integerDigits(b));
                int scale = Math.max(scale(a), scale(b));
                if (intDigits + scale > Decimal.MAX_PRECISION) {
                    yield new Primitive(Kind.STRING, nullable);
                }
                yield new Decimal(intDigits + scale, scale, nullable);
            }
        };
    }

    private static int integerDigits(DataType t) {
        if (t instanceof Decimal d) {
            return d.precision() - d.scale();
        }
        return switch (((Primitive) t).kind()) {
            case INT -> 10;
            case BIGINT -> 19;
            // a double beside a decimal: the decimal's digits decide, as the chain puts decimal
            // above
            default -> 0;
        };
    }

    private static int scale(DataType t) {
        return t instanceof Decimal d ? d.scale() : 0;
    }

    private static Struct mergeStructs(Struct a, Struct b, boolean nullable) {
        Map<String, DataType> merged = new LinkedHashMap<>();
        for (Field f : a.fields()) {
            merged.put(f.name(), f.type());
        }
        for (Field f : b.fields()) {
            merged.merge(f.name(), f.type(), TypeWidening::widen);
        }
        List<Field> fields = new ArrayList<>();
        merged.forEach(
                (name, type) -> {
                    boolean inBoth =
                            a.fields().stream().anyMatch(f -> f.name().equals(name))
                                    && b.fields().stream().anyMatch(f -> f.name().equals(name));
                    fields.add(new Field(name, inBoth ? type : type.withNullable(true)));
                });
        return new Struct(fields, nullable);
    }
}
