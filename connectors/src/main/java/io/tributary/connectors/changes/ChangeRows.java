package io.tributary.connectors.changes;

import io.tributary.catalog.model.Column;
import io.tributary.connectors.types.FlinkTypes;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.data.DecimalData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.apache.flink.table.types.logical.DecimalType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.types.RowKind;
import org.apache.flink.util.Collector;

/**
 * One captured table's change records as a Flink changelog of {@link RowData}: snapshot reads and
 * inserts as {@code +I}, updates as {@code -U}/{@code +U}, deletes as {@code -D}. This is how a
 * {@link ChangeRecord} stream feeds the warehouse sink ({@code RedshiftSink} takes exactly this),
 * or a Table API join through {@code fromChangelogStream}.
 *
 * <p>Columns are matched by name, so the row type may list fewer columns than the table or in
 * another order. A schema change that adds a column this row type does not have fails the job,
 * naming the column, instead of dropping its values: rebuild the job with the new shape (the
 * warehouse sink adds the column when it starts), or opt in with {@link #ignoringNewColumns()}.
 * Records of other tables are passed over.
 */
@Internal
public final class ChangeRows
        implements FlatMapFunction<ChangeRecord, RowData>, ResultTypeQueryable<RowData> {

    private static final long serialVersionUID = 1L;

    private final SourceTable table;
    private final RowType rowType;
    private final boolean ignoreNewColumns;

    private transient RowShape lastShape;
    private transient int[] positions;
    private transient Function<Object, Object>[] converters;

    private ChangeRows(SourceTable table, RowType rowType, boolean ignoreNewColumns) {
        this.table = table;
        this.rowType = rowType;
        this.ignoreNewColumns = ignoreNewColumns;
    }

    /** The changelog of {@code table} with the columns of {@code rowType}. */
    public static ChangeRows of(SourceTable table, RowType rowType) {
        return new ChangeRows(table, rowType, false);
    }

    /** The same, with the columns of {@code shape} (key columns NOT NULL). */
    public static ChangeRows of(RowShape shape) {
        return of(shape.table(), rowType(shape));
    }

    /** Columns added upstream later are left out of the rows instead of failing the job. */
    public ChangeRows ignoringNewColumns() {
        return new ChangeRows(table, rowType, true);
    }

    public RowType rowType() {
        return rowType;
    }

    /** The Flink row type of a shape: the catalog's type mapping, key columns NOT NULL. */
    public static RowType rowType(RowShape shape) {
        List<DataTypes.Field> fields = new ArrayList<>();
        for (Column c : shape.columns()) {
            boolean key = shape.key().contains(c.name());
            fields.add(DataTypes.FIELD(c.name(), FlinkTypes.toFlink(c.type(), key)));
        }
        return (RowType) DataTypes.ROW(fields).notNull().getLogicalType();
    }

    @Override
    public void flatMap(ChangeRecord r, Collector<RowData> out) {
        if (!r.table().equals(table)) {
            return;
        }
        if (r.shape() != lastShape) {
            if (lastShape != null && r.shape().sameColumns(lastShape)) {
                lastShape = r.shape();
            } else {
                bind(r.shape());
            }
        }
        switch (r.op()) {
            case READ, CREATE -> out.collect(row(RowKind.INSERT, r.after()));
            case UPDATE -> {
                // PostgreSQL without REPLICA IDENTITY FULL sends no before image
                if (r.before() != null) {
                    out.collect(row(RowKind.UPDATE_BEFORE, r.before()));
                }
                out.collect(row(RowKind.UPDATE_AFTER, r.after()));
            }
            case DELETE -> out.collect(row(RowKind.DELETE, r.before()));
            case SCHEMA -> {
                // bound above: a new column this row type lacks has failed the job already
            }
        }
    }

    private RowData row(RowKind kind, Object[] values) {
        GenericRowData row = new GenericRowData(kind, positions.length);
        for (int i = 0; i < positions.length; i++) {
            int p = positions[i];
            Object v = p < 0 || values == null || p >= values.length ? null : values[p];
            row.setField(i, v == null ? null : converters[i].apply(v));
        }
        return row;
    }

    @SuppressWarnings("unchecked")
    private void bind(RowShape shape) {
        List<String> names = rowType.getFieldNames();
        if (!ignoreNewColumns) {
            for (Column c : shape.columns()) {
                if (!names.contains(c.name())) {
                    throw new IllegalStateException(
                            "Table "
                                    + table
                                    + " has a column this job does not write: '"
                                    + c.name()
                                    + "' ("
                                    + c.type()
                                    + ", schema version "
                                    + shape.version()
                                    + "). Restart the job built from the new shape (the"
                                    + " warehouse sink adds the column on start), or build the"
                                    + " changelog with ignoringNewColumns()");
                }
            }
        }
        positions = new int[names.size()];
        converters = new Function[names.size()];
        for (int i = 0; i < names.size(); i++) {
            positions[i] = shape.indexOf(names.get(i));
            converters[i] = converter(rowType.getTypeAt(i), names.get(i));
        }
        lastShape = shape;
    }

    /** From the change record's Java values to Flink's internal data of {@code type}. */
    private static Function<Object, Object> converter(LogicalType type, String column) {
        return switch (type.getTypeRoot()) {
            case CHAR, VARCHAR -> v -> StringData.fromString(v.toString());
            case BOOLEAN -> v -> v instanceof Boolean b ? b : Boolean.parseBoolean(v.toString());
            // never narrowed silently: a value that does not fit fails with the column's name
            case TINYINT -> v -> (byte) fit(v, Byte.MIN_VALUE, Byte.MAX_VALUE, column, type);
            case SMALLINT -> v -> (short) fit(v, Short.MIN_VALUE, Short.MAX_VALUE, column, type);
            case INTEGER -> v -> (int) fit(v, Integer.MIN_VALUE, Integer.MAX_VALUE, column, type);
            case BIGINT -> v -> fit(v, Long.MIN_VALUE, Long.MAX_VALUE, column, type);
            case FLOAT -> v -> ((Number) v).floatValue();
            case DOUBLE -> v -> ((Number) v).doubleValue();
            case DECIMAL -> {
                DecimalType d = (DecimalType) type;
                yield v -> {
                    BigDecimal b = v instanceof BigDecimal x ? x : new BigDecimal(v.toString());
                    DecimalData out = DecimalData.fromBigDecimal(b, d.getPrecision(), d.getScale());
                    if (out == null) {
                        throw new IllegalArgumentException(
                                "Value " + b + " of column '" + column + "' does not fit " + d);
                    }
                    return out;
                };
            }
            case DATE -> v -> (int) ((LocalDate) v).toEpochDay();
            case TIMESTAMP_WITHOUT_TIME_ZONE, TIMESTAMP_WITH_LOCAL_TIME_ZONE ->
                    v -> TimestampData.fromLocalDateTime((LocalDateTime) v);
            case BINARY, VARBINARY -> v -> v;
            default ->
                    throw new IllegalArgumentException(
                            "Column '"
                                    + column
                                    + "' has type "
                                    + type
                                    + ", which a change"
                                    + " record does not carry");
        };
    }

    /** {@code v} as a whole number within [min, max], or a failure naming the column. */
    private static long fit(Object v, long min, long max, String column, LogicalType type) {
        long n;
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            n = ((Number) v).longValue();
        } else {
            try {
                n = new BigDecimal(v.toString()).longValueExact();
            } catch (ArithmeticException | NumberFormatException e) {
                throw new IllegalArgumentException(
                        "Value " + v + " of column '" + column + "' does not fit " + type, e);
            }
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException(
                    "Value " + v + " of column '" + column + "' does not fit " + type);
        }
        return n;
    }

    @Override
    public TypeInformation<RowData> getProducedType() {
        return InternalTypeInfo.of(rowType);
    }
}
