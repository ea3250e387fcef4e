package io.tributary.connectors.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.debezium.jdbc.JdbcValueConverters;
import io.debezium.relational.Column;
import io.debezium.relational.CustomConverterRegistry;
import io.debezium.relational.Table;
import io.debezium.relational.TableId;
import io.debezium.relational.TableSchema;
import io.debezium.relational.TableSchemaBuilder;
import io.debezium.relational.Tables;
import io.debezium.util.SchemaNameAdjuster;
import java.math.BigDecimal;
import java.sql.Types;
import java.util.List;
import java.util.Optional;
import org.apache.flink.cdc.connectors.shaded.org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.flink.cdc.connectors.shaded.org.apache.kafka.connect.errors.ConnectException;
import org.junit.jupiter.api.Test;

/**
 * Rows converted column by column give what Debezium's own path gives (a {@code Struct} built by
 * the schema's generator, read back field by field): the oracle is Debezium's code, on a schema
 * Debezium's builder made.
 */
class TableRowCodecTest {

    private static final TableId ID = new TableId("shop", null, "items");

    private static final Table TABLE =
            Table.editor()
                    .tableId(ID)
                    .addColumn(column("id", "INT", Types.INTEGER, false, 1, null))
                    .addColumn(column("note", "VARCHAR", Types.VARCHAR, true, 2, "dv"))
                    .addColumn(column("qty", "INT", Types.INTEGER, true, 3, null))
                    .addColumn(column("price", "DECIMAL", Types.DECIMAL, true, 4, null))
                    .addColumn(column("secret", "VARCHAR", Types.VARCHAR, true, 5, null))
                    .setPrimaryKeyNames("id")
                    .create();

    private static final TableSchemaBuilder BUILDER =
            new TableSchemaBuilder(
                    new JdbcValueConverters(),
                    (column, text) -> Optional.of(text),
                    SchemaNameAdjuster.NO_OP,
                    new CustomConverterRegistry(null),
                    SchemaBuilder.struct().name("source").build(),
                    false,
                    false);

    @Test
    void columnByColumnGivesWhatDebeziumsStructGives() {
        TableSchema schema = BUILDER.create("p", "p.shop.items.Envelope", TABLE, null, null, null);
        TableRowCodec direct = TableRowCodec.of(schema, TABLE, BUILDER, null, null);
        TableRowCodec struct = TableRowCodec.of(schema, TABLE, null, null, null);
        assertThat(direct.direct()).isTrue();
        assertThat(struct.direct()).isFalse();

        List<Object[]> rows =
                List.of(
                        new Object[] {1, "a", 5, new BigDecimal("1.25"), "s"},
                        // NULL where the column has a default: Struct.get reads the default
                        new Object[] {2, null, null, null, null},
                        // values the converters cannot take: an INT's is left null quietly, a
                        // DECIMAL's converter fails, and Debezium logs it and leaves the field null
                        new Object[] {3, "b", new Object(), "not a number", null},
                        // a longer row (a column the schema does not know yet) converts its own
                        new Object[] {4, "c", 6, new BigDecimal("0.5"), "t", "extra"});
        for (Object[] row : rows) {
            assertThat(direct.values(row)).as("row %s", row[0]).isEqualTo(struct.values(row));
        }
        assertThat(direct.values(rows.get(1))[1]).isEqualTo("dv");
        assertThat(direct.values(rows.get(2))[2]).isNull();
        assertThat(direct.values(rows.get(2))[3]).isNull();

        Object[] shorter = {5, "d"};
        assertThatThrownBy(() -> struct.values(shorter)).isInstanceOf(ConnectException.class);
        assertThatThrownBy(() -> direct.values(shorter))
                .isInstanceOf(ConnectException.class)
                .hasMessageContaining("out of sync");
    }

    @Test
    void theColumnFilterDecidesTheColumnsAsForDebezium() {
        Tables.ColumnNameFilter noSecret =
                (catalog, schema, table, column) -> !"secret".equals(column);
        TableSchema schema =
                BUILDER.create("p", "p.shop.items.Envelope", TABLE, noSecret, null, null);
        TableRowCodec direct = TableRowCodec.of(schema, TABLE, BUILDER, noSecret, null);
        TableRowCodec struct = TableRowCodec.of(schema, TABLE, null, null, null);
        assertThat(direct.direct()).isTrue();
        Object[] row = {1, null, 5, new BigDecimal("1.25"), "hidden"};
        assertThat(direct.values(row)).hasSize(4).isEqualTo(struct.values(row));

        // the filter not applied: the columns do not line up with the schema's, so the Struct
        TableRowCodec unfiltered = TableRowCodec.of(schema, TABLE, BUILDER, null, null);
        assertThat(unfiltered.direct()).isFalse();
        assertThat(unfiltered.values(row)).isEqualTo(struct.values(row));
    }

    private static Column column(
            String name, String type, int jdbcType, boolean optional, int position, String dflt) {
        var editor =
                Column.editor()
                        .name(name)
                        .type(type)
                        .jdbcType(jdbcType)
                        .optional(optional)
                        .position(position);
        if (type.equals("DECIMAL")) {
            editor.length(10).scale(2);
        }
        if (type.equals("VARCHAR")) {
            editor.length(20);
        }
        if (dflt != null) {
            editor.defaultValueExpression(dflt);
        }
        return editor.create();
    }
}
