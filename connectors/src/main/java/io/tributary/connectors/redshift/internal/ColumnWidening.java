package io.tributary.connectors.redshift.internal;

import io.tributary.connectors.redshift.dialect.WarehouseDialect;
import java.util.Locale;
import java.util.Optional;
import org.apache.flink.annotation.Internal;
import org.apache.flink.table.types.logical.DecimalType;
import org.apache.flink.table.types.logical.LogicalType;

/**
 * Decides whether a target column must be widened to hold what the sink writes: a bigger integer, a
 * double for integers, more decimal digits, longer text. A narrower sink type fits as it is.
 */
@Internal
public final class ColumnWidening {

    /** A column as the warehouse reports it (JDBC metadata). */
    public record TargetColumn(String typeName, int size, int scale) {}

    private ColumnWidening() {}

    /** The warehouse type the column must become, or empty when the target already fits. */
    public static Optional<String> widenedType(
            WarehouseDialect dialect, TargetColumn target, LogicalType wanted) {
        String t = target.typeName().toLowerCase(Locale.ROOT);
        int integerDigits =
                switch (t) {
                    case "int2", "smallint" -> 5;
                    case "int4", "integer", "int" -> 10;
                    case "int8", "bigint" -> 19;
                    default -> -1;
                };
        switch (wanted.getTypeRoot()) {
            case INTEGER -> {
                return integerDigits == 5
                        ? Optional.of(dialect.columnType(wanted))
                        : Optional.empty();
            }
            case BIGINT -> {
                return integerDigits == 5 || integerDigits == 10
                        ? Optional.of(dialect.columnType(wanted))
                        : Optional.empty();
            }
            case DOUBLE -> {
                return integerDigits > 0 || t.equals("float4") || t.equals("real")
                        ? Optional.of(dialect.columnType(wanted))
                        : Optional.empty();
            }
            case DECIMAL -> {
                DecimalType d = (DecimalType) wanted;
                int wantedInt = d.getPrecision() - d.getScale();
                if (integerDigits > 0) {
                    return d.getScale() > 0 || wantedInt > integerDigits
                            ? Optional.of(
                                    decimal(
                                            dialect,
                                            Math.max(wantedInt, integerDigits),
                                            d.getScale()))
                            : Optional.empty();
                }
                if (t.equals("numeric") || t.equals("decimal")) {
                    int haveInt = target.size() - target.scale();
                    if (wantedInt > haveInt || d.getScale() > target.scale()) {
                        return Optional.of(
                                decimal(
                                        dialect,
                                        Math.max(wantedInt, haveInt),
                                        Math.max(d.getScale(), target.scale())));
                    }
                }
                return Optional.empty();
            }
            case CHAR, VARCHAR -> {
                if (!(t.equals("varchar") || t.equals("bpchar") || t.equals("character varying"))) {
                    return Optional.empty();
                }
                String wantedType = dialect.columnType(wanted);
                int wantedSize =
                        wantedType.equals("text")
                                ? Integer.MAX_VALUE
                                : Integer.parseInt(wantedType.replaceAll("\\D", ""));
                return wantedSize > target.size() ? Optional.of(wantedType) : Optional.empty();
            }
            default -> {
                return Optional.empty();
            }
        }
    }

    private static String decimal(WarehouseDialect dialect, int integerDigits, int scale) {
        int precision = Math.min(DecimalType.MAX_PRECISION, integerDigits + scale);
        return dialect.columnType(new DecimalType(precision, Math.min(scale, precision)));
    }
}
