package io.tributary.connectors.cdc;

import io.debezium.relational.Column;
import io.debezium.relational.RelationalDatabaseSchema;
import io.debezium.relational.Table;
import io.debezium.relational.TableId;
import io.debezium.relational.TableSchema;
import io.debezium.relational.TableSchemaBuilder;
import io.debezium.relational.Tables;
import io.debezium.relational.ValueConverter;
import io.debezium.relational.mapping.ColumnMappers;
import io.tributary.connectors.changes.SourceTable;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.apache.flink.cdc.connectors.shaded.org.apache.kafka.connect.data.Schema;
import org.apache.flink.cdc.connectors.shaded.org.apache.kafka.connect.data.Struct;
import org.apache.flink.cdc.connectors.shaded.org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A row of one table into a change record's values, and where the key columns are. Both of
 * Tributary's readers convert with it, the binlog's and the snapshot chunks'.
 *
 * <p>A value goes through Debezium's value converter of its column, then Tributary's codec: the
 * converters Debezium's {@code TableSchemaBuilder} made for the table's schema (its value
 * converters, column mappers and custom converters, for the columns its column filter keeps), taken
 * from the schema's builder and called column by column. Debezium's own path builds a Connect
 * {@code Struct} per row and checks each value against the field's schema as it puts it (15 % of
 * the binlog reader's thread, the reader's bound: the profile read after the cdc run of 2026-12-07
 * 16:58 in bench/RESULTS.md). What that path does besides is done here the same way: a row shorter
 * than the columns fails; a value a converter cannot convert is logged and left null; a null reads
 * as the field's default value, as {@code Struct.get} reads it. Where the converters cannot be had
 * (another Debezium version) or do not line up with the schema's fields, the row goes through
 * Debezium's {@code Struct}, as before.
 */
record TableRowCodec(
        TableSchema table,
        ChangeRecordDeserializer.Codec rows,
        int[] key,
        ValueConverter[] converters,
        int[] positions,
        Object[] defaults,
        Column[] columns) {

    private static final Logger LOG = LoggerFactory.getLogger(TableRowCodec.class);

    /** Reflection into the schema's builder, or null where this Debezium does not have it. */
    private static final Internals INTERNALS = Internals.find();

    static TableRowCodec of(RelationalDatabaseSchema schema, TableSchema table) {
        if (INTERNALS == null) {
            return of(table, null, null, null, null);
        }
        try {
            return of(
                    table,
                    schema.tableFor(table.id()),
                    (TableSchemaBuilder) INTERNALS.builder.get(schema),
                    (Tables.ColumnNameFilter) INTERNALS.filter.get(schema),
                    (ColumnMappers) INTERNALS.mappers.get(schema));
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.debug("Debezium's schema builder for {}", table.id(), e);
            return of(table, null, null, null, null);
        }
    }

    /**
     * The codec of {@code table}, whose schema {@code builder} made from {@code columns} with
     * {@code filter} and {@code mappers}; through the {@code Struct} when {@code builder} is null.
     */
    static TableRowCodec of(
            TableSchema table,
            Table columns,
            TableSchemaBuilder builder,
            Tables.ColumnNameFilter filter,
            ColumnMappers mappers) {
        TableId id = table.id();
        ChangeRecordDeserializer.Codec rows =
                ChangeRecordDeserializer.Codec.of(
                        table.valueSchema(),
                        table.keySchema(),
                        new SourceTable(id.catalog(), null, id.table()));
        int[] key =
                table.keySchema() == null
                        ? new int[0]
                        : table.keySchema().fields().stream()
                                .mapToInt(f -> table.valueSchema().field(f.name()).index())
                                .toArray();
        Column[] kept =
                builder == null || columns == null || INTERNALS == null
                        ? null
                        : kept(table, columns, filter);
        ValueConverter[] converters =
                kept == null ? null : INTERNALS.converters(builder, table, List.of(kept), mappers);
        if (converters == null) {
            return new TableRowCodec(table, rows, key, null, null, null, null);
        }
        List<org.apache.flink.cdc.connectors.shaded.org.apache.kafka.connect.data.Field> fields =
                table.valueSchema().fields();
        int[] positions = new int[kept.length];
        Object[] defaults = new Object[kept.length];
        for (int i = 0; i < kept.length; i++) {
            positions[i] = kept[i].position() - 1;
            defaults[i] = fields.get(i).schema().defaultValue();
        }
        return new TableRowCodec(table, rows, key, converters, positions, defaults, kept);
    }

    /**
     * The table's columns its value schema has, in its order (those the column filter keeps, as
     * Debezium's builder picks them), or null when they do not line up with its fields.
     */
    private static Column[] kept(
            TableSchema tableSchema, Table table, Tables.ColumnNameFilter filter) {
        TableId id = tableSchema.id();
        List<Column> columns =
                table.columns().stream()
                        .filter(
                                c ->
                                        filter == null
                                                || filter.matches(
                                                        id.catalog(),
                                                        id.schema(),
                                                        id.table(),
                                                        c.name()))
                        .toList();
        List<org.apache.flink.cdc.connectors.shaded.org.apache.kafka.connect.data.Field> fields =
                tableSchema.valueSchema().fields();
        if (columns.size() != fields.size()) {
            return null;
        }
        for (int i = 0; i < columns.size(); i++) {
            if (!columns.get(i).name().equals(fields.get(i).name())) {
                return null; // a sanitized or mapped field name: Debezium's path knows
            }
        }
        return columns.toArray(new Column[0]);
    }

    /** Whether rows are converted column by column, not through Debezium's {@code Struct}. */
    boolean direct() {
        return converters != null;
    }

    /** A row's values, from a binlog row image or a snapshot's columns (in the table's order). */
    Object[] values(Object[] row) {
        if (converters == null) {
            Struct s = table.valueFromColumnData(row);
            return ChangeRecordDeserializer.row(s, rows);
        }
        UnaryOperator<Object>[] codec = rows.converters();
        Object[] out = new Object[converters.length];
        for (int i = 0; i < out.length; i++) {
            int at = positions[i];
            if (at >= row.length) {
                throw new ConnectException(
                        "Data row is smaller than a column index, internal schema representation"
                                + " is probably out of sync with real database schema");
            }
            Object value = null;
            ValueConverter converter = converters[i];
            if (converter != null) {
                try {
                    value = converter.convert(row[at]);
                } catch (Exception e) {
                    // Debezium logs and leaves the field unset; so does this (without the row's
                    // values, which Debezium's message prints)
                    LOG.error(
                            "Failed to properly convert data value for '{}.{}' of type {}",
                            table.id(),
                            columns[i].name(),
                            columns[i].typeName(),
                            e);
                }
            }
            if (value == null) {
                value = defaults[i];
            }
            out[i] = codec[i].apply(value);
        }
        return out;
    }

    /** Whether an update changed the row's key (Debezium then gives a delete and a create). */
    boolean keyChanged(Object[] before, Object[] after) {
        for (int i : key) {
            if (!Objects.deepEquals(before[i], after[i])) {
                return true;
            }
        }
        return false;
    }

    /** Debezium's schema builder, column filter and mappers, and its converters method. */
    private record Internals(
            Field builder, Field filter, Field mappers, Method convertersForColumns) {

        static Internals find() {
            try {
                Field builder = RelationalDatabaseSchema.class.getDeclaredField("schemaBuilder");
                Field filter = RelationalDatabaseSchema.class.getDeclaredField("columnFilter");
                Field mappers = RelationalDatabaseSchema.class.getDeclaredField("columnMappers");
                Method converters =
                        TableSchemaBuilder.class.getDeclaredMethod(
                                "convertersForColumns",
                                Schema.class,
                                TableId.class,
                                List.class,
                                ColumnMappers.class);
                builder.setAccessible(true);
                filter.setAccessible(true);
                mappers.setAccessible(true);
                converters.setAccessible(true);
                return new Internals(builder, filter, mappers, converters);
            } catch (ReflectiveOperationException | RuntimeException e) {
                LOG.info(
                        "Debezium's value converters are not reachable ({}): rows are converted"
                                + " through Debezium's Struct",
                        e.toString());
                return null;
            }
        }

        ValueConverter[] converters(
                TableSchemaBuilder schemaBuilder,
                TableSchema table,
                List<Column> columns,
                ColumnMappers columnMappers) {
            try {
                return (ValueConverter[])
                        convertersForColumns.invoke(
                                schemaBuilder,
                                table.valueSchema(),
                                table.id(),
                                columns,
                                columnMappers);
            } catch (ReflectiveOperationException | RuntimeException e) {
                LOG.debug("Debezium's converters of {}", table.id(), e);
                return null;
            }
        }
    }
}
