package io.tributary.connectors.cdc;

import io.debezium.relational.TableId;
import io.debezium.relational.TableSchema;
import io.tributary.connectors.changes.SourceTable;
import java.util.Objects;
import org.apache.flink.cdc.connectors.shaded.org.apache.kafka.connect.data.Struct;

/**
 * A row of one table into a change record's values: through Debezium's converters for the table's
 * schema (its {@code Struct}), then Tributary's codec; and where the key columns are. Both of
 * Tributary's readers convert with it, the binlog's and the snapshot chunks'.
 */
record TableRowCodec(TableSchema table, ChangeRecordDeserializer.Codec rows, int[] key) {

    static TableRowCodec of(TableSchema table) {
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
        return new TableRowCodec(table, rows, key);
    }

    /** A row's values, from a binlog row image or a snapshot's columns (in the table's order). */
    Object[] values(Object[] row) {
        Struct s = table.valueFromColumnData(row);
        return ChangeRecordDeserializer.row(s, rows);
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
}
