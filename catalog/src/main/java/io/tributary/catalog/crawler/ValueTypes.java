package io.tributary.catalog.crawler;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.catalog.model.DataType;
import io.tributary.catalog.model.DataType.ArrayOf;
import io.tributary.catalog.model.DataType.Decimal;
import io.tributary.catalog.model.DataType.Field;
import io.tributary.catalog.model.DataType.Kind;
import io.tributary.catalog.model.DataType.MapOf;
import io.tributary.catalog.model.DataType.Primitive;
import io.tributary.catalog.model.DataType.Struct;
import io.tributary.catalog.model.TypeWidening;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** The lattice type of a sampled value: a JSON node, or the text of a CSV cell. */
final class ValueTypes {

    private static final Pattern INTEGER = Pattern.compile("[-+]?\\d{1,40}");
    private static final Pattern FLOAT =
            Pattern.compile("[-+]?(\\d+\\.\\d*|\\.\\d+|\\d+)([eE][-+]?\\d+)?");
    private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
    private static final Pattern TIMESTAMP =
            Pattern.compile("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?");

    /**
     * A local timestamp in ISO-8601 ({@code 2026-12-03T10:15}, seconds and fraction optional: what
     * Java's {@code LocalDateTime.toString()} and most JSON writers emit). No zone or offset: a
     * value with one stays a string.
     */
    private static final Pattern ISO_TIMESTAMP =
            Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?");

    private ValueTypes() {}

    static DataType ofJson(JsonNode n) {
        return ofJson(n, false);
    }

    /**
     * A JSON value's type; {@code iso}: the file writes its timestamps in ISO-8601 ({@link
     * #timestampStyles}), so those are timestamps and SQL-style ones strings (one reader parses one
     * style).
     */
    static DataType ofJson(JsonNode n, boolean iso) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            return Primitive.NULL;
        }
        if (n.isBoolean()) {
            return DataType.of(Kind.BOOLEAN);
        }
        if (n.isInt()) {
            return DataType.of(Kind.INT);
        }
        if (n.isLong()) {
            return DataType.of(Kind.BIGINT);
        }
        if (n.isBigInteger()) {
            int digits = n.bigIntegerValue().abs().toString().length();
            return digits <= Decimal.MAX_PRECISION
                    ? new Decimal(digits, 0, false)
                    : DataType.of(Kind.STRING);
        }
        if (n.isNumber()) {
            return DataType.of(Kind.DOUBLE);
        }
        if (n.isTextual()) {
            return iso ? isoTemporalOrString(n.textValue()) : temporalOrString(n.textValue());
        }
        if (n.isBinary()) {
            return DataType.of(Kind.BINARY);
        }
        if (n.isArray()) {
            List<DataType> seen = new ArrayList<>();
            n.forEach(e -> seen.add(ofJson(e, iso)));
            return new ArrayOf(TypeWidening.widenAll(seen), false);
        }
        List<Field> fields = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            fields.add(new Field(e.getKey(), ofJson(e.getValue(), iso)));
        }
        return new Struct(fields, false);
    }

    /** A CSV cell: empty is null; then boolean, int, bigint, decimal, double, date, timestamp. */
    static DataType ofText(String s) {
        if (s == null || s.isEmpty()) {
            return Primitive.NULL;
        }
        if (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false")) {
            return DataType.of(Kind.BOOLEAN);
        }
        if (INTEGER.matcher(s).matches()) {
            String digits = s.replaceFirst("^[-+]", "");
            if (digits.length() > 1 && digits.startsWith("0")) {
                return DataType.of(Kind.STRING); // a zero-padded code (zip, id): keep as text
            }
            if (digits.length() <= 18) {
                long v = Long.parseLong(digits);
                return v <= Integer.MAX_VALUE ? DataType.of(Kind.INT) : DataType.of(Kind.BIGINT);
            }
            return digits.length() <= Decimal.MAX_PRECISION
                    ? new Decimal(digits.length(), 0, false)
                    : DataType.of(Kind.STRING);
        }
        if (FLOAT.matcher(s).matches()) {
            return DataType.of(Kind.DOUBLE);
        }
        return temporalOrString(s);
    }

    /**
     * Text that is an ISO date ({@code 2026-12-03}) or an SQL timestamp ({@code 2026-12-03
     * 10:15:00[.fff]}) is a date or a timestamp, whether it is a CSV cell or a JSON string: one
     * rule for both text formats; anything else is a string.
     */
    private static DataType isoTemporalOrString(String s) {
        if (DATE.matcher(s).matches()) {
            return DataType.of(Kind.DATE);
        }
        if (ISO_TIMESTAMP.matcher(s).matches()) {
            return DataType.of(Kind.TIMESTAMP);
        }
        return DataType.of(Kind.STRING);
    }

    /**
     * Counts the text values of {@code n} (nested ones too) that are timestamps in SQL style
     * ({@code counts[0]}) and in ISO-8601 ({@code counts[1]}).
     */
    static void timestampStyles(JsonNode n, int[] counts) {
        if (n == null) {
            return;
        }
        if (n.isTextual()) {
            String s = n.textValue();
            if (TIMESTAMP.matcher(s).matches()) {
                counts[0]++;
            } else if (ISO_TIMESTAMP.matcher(s).matches()) {
                counts[1]++;
            }
        } else if (n.isContainerNode()) {
            n.forEach(e -> timestampStyles(e, counts));
        }
    }

    private static DataType temporalOrString(String s) {
        if (DATE.matcher(s).matches()) {
            return DataType.of(Kind.DATE);
        }
        if (TIMESTAMP.matcher(s).matches()) {
            return DataType.of(Kind.TIMESTAMP);
        }
        return DataType.of(Kind.STRING);
    }

    /**
     * What a column of a text format (JSON, CSV) is in the catalog: nullable, whatever the sample
     * showed (a later record may always bring a null, or leave the field out), and a whole number
     * is a bigint (text has no width: a value above 2^31 a thousand records on must still fit).
     * Nested fields and elements alike. Formats that declare their types (Parquet, Avro, JDBC) keep
     * theirs.
     */
    static DataType textual(DataType t) {
        if (t instanceof Primitive p) {
            Kind k = p.kind() == Kind.INT ? Kind.BIGINT : p.kind();
            return new Primitive(k, true);
        }
        if (t instanceof Struct s) {
            List<Field> fields = new ArrayList<>();
            s.fields().forEach(f -> fields.add(new Field(f.name(), textual(f.type()))));
            return new Struct(fields, true);
        }
        if (t instanceof ArrayOf a) {
            return new ArrayOf(textual(a.element()), true);
        }
        if (t instanceof MapOf m) {
            return new MapOf(m.key(), textual(m.value()), true);
        }
        return t.withNullable(true);
    }

    /**
     * What a column that was only ever null, an empty struct or an array of nulls becomes in the
     * catalog: a nullable string, so no reader meets a type it cannot declare.
     */
    static DataType settle(DataType t) {
        if (t instanceof Primitive p && p.kind() == Kind.NULL
                || t instanceof Struct s && s.fields().isEmpty()) {
            return DataType.of(Kind.STRING).withNullable(true);
        }
        if (t instanceof Struct s) {
            List<Field> fields = new ArrayList<>();
            s.fields().forEach(f -> fields.add(new Field(f.name(), settle(f.type()))));
            return new Struct(fields, s.nullable());
        }
        if (t instanceof ArrayOf a) {
            return new ArrayOf(settle(a.element()), a.nullable());
        }
        if (t instanceof MapOf m) {
            return new MapOf(settle(m.key()), settle(m.value()), m.nullable());
        }
        return t;
    }
}
