package io.tributary.connectors.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.catalog.model.Column;
import io.tributary.catalog.model.DataType;
import io.tributary.connectors.changes.ChangeOp;
import io.tributary.connectors.changes.ChangeRecord;
import io.tributary.connectors.changes.ChangeRows;
import io.tributary.connectors.changes.RowShape;
import io.tributary.connectors.changes.SourceTable;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.table.data.RowData;
import org.apache.flink.types.RowKind;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;

/** Change records of one table as a RowData changelog: kinds, values, and what is refused. */
class ChangeRowsTest {

    private static final SourceTable CUSTOMERS = new SourceTable("shop", null, "customers");

    private static final RowShape V1 =
            new RowShape(
                    CUSTOMERS,
                    List.of(
                            new Column("id", new DataType.Primitive(DataType.Kind.INT, false)),
                            new Column("name", new DataType.Primitive(DataType.Kind.STRING, true)),
                            new Column("credit", new DataType.Decimal(10, 2, true)),
                            new Column("since", new DataType.Primitive(DataType.Kind.DATE, true))),
                    List.of("id"),
                    1);

    /** V1 with a column added. */
    private static final RowShape V2 =
            new RowShape(
                    CUSTOMERS,
                    java.util.stream.Stream.concat(
                                    V1.columns().stream(),
                                    java.util.stream.Stream.of(
                                            new Column(
                                                    "vip",
                                                    new DataType.Primitive(
                                                            DataType.Kind.BOOLEAN, true))))
                            .toList(),
                    List.of("id"),
                    2);

    @Test
    void readsInsertsUpdatesAndDeletesBecomeTheirChangelogKinds() {
        ChangeRows rows = ChangeRows.of(V1);
        List<RowData> out = new ArrayList<>();
        Object[] ada = {1, "Ada", new BigDecimal("12.50"), LocalDate.of(2024, 1, 2)};
        Object[] ada2 = {1, "Ada L.", new BigDecimal("99.99"), LocalDate.of(2024, 1, 2)};
        rows.flatMap(change(ChangeOp.READ, V1, null, ada), collect(out));
        rows.flatMap(change(ChangeOp.UPDATE, V1, ada, ada2), collect(out));
        rows.flatMap(change(ChangeOp.DELETE, V1, ada2, null), collect(out));
        rows.flatMap(change(ChangeOp.CREATE, V1, null, ada), collect(out));
        // another table's record passes over
        RowShape other =
                new RowShape(new SourceTable("shop", null, "orders"), V1.columns(), V1.key(), 1);
        rows.flatMap(change(ChangeOp.CREATE, other, null, ada), collect(out));

        assertThat(out)
                .extracting(RowData::getRowKind)
                .containsExactly(
                        RowKind.INSERT,
                        RowKind.UPDATE_BEFORE,
                        RowKind.UPDATE_AFTER,
                        RowKind.DELETE,
                        RowKind.INSERT);
        RowData after = out.get(2);
        assertThat(after.getInt(0)).isEqualTo(1);
        assertThat(after.getString(1).toString()).isEqualTo("Ada L.");
        assertThat(after.getDecimal(2, 10, 2).toBigDecimal()).isEqualByComparingTo("99.99");
        assertThat(after.getInt(3)).isEqualTo((int) LocalDate.of(2024, 1, 2).toEpochDay());
        assertThat(out.get(3).getString(1).toString())
                .as("a delete carries the before image")
                .isEqualTo("Ada L.");
    }

    @Test
    void aNewColumnStopsTheStreamByNameUnlessIgnored() {
        Object[] edsger = {5, "Edsger", new BigDecimal("1.00"), null, true};
        ChangeRecord schema = ChangeRecord.schemaChange(V2, "added vip BOOLEAN", "", 0);
        List<RowData> out = new ArrayList<>();
        assertThatThrownBy(() -> ChangeRows.of(V1).flatMap(schema, collect(out)))
                .hasMessageContaining("'vip'")
                .hasMessageContaining("schema version 2");

        ChangeRows lenient = ChangeRows.of(V1).ignoringNewColumns();
        lenient.flatMap(schema, collect(out));
        lenient.flatMap(change(ChangeOp.CREATE, V2, null, edsger), collect(out));
        assertThat(out).hasSize(1);
        assertThat(out.get(0).getArity()).isEqualTo(4);
    }

    @Test
    void aValueThatDoesNotFitItsColumnIsRefusedNotNarrowed() {
        Object[] tooBig = {3_000_000_000L, "Big", null, null};
        assertThatThrownBy(
                        () ->
                                ChangeRows.of(V1)
                                        .flatMap(
                                                change(ChangeOp.CREATE, V1, null, tooBig),
                                                collect(new ArrayList<>())))
                .hasMessageContaining("3000000000")
                .hasMessageContaining("'id'");
        Object[] wideCredit = {4, "Wide", new BigDecimal("123456789.00"), null};
        assertThatThrownBy(
                        () ->
                                ChangeRows.of(V1)
                                        .flatMap(
                                                change(ChangeOp.CREATE, V1, null, wideCredit),
                                                collect(new ArrayList<>())))
                .hasMessageContaining("'credit'");
    }

    private static ChangeRecord change(
            ChangeOp op, RowShape shape, Object[] before, Object[] after) {
        return new ChangeRecord(op, shape, before, after, "mysql-bin.000001:4", 1L, null);
    }

    private static Collector<RowData> collect(List<RowData> out) {
        return new Collector<>() {
            @Override
            public void collect(RowData r) {
                out.add(r);
            }

            @Override
            public void close() {}
        };
    }
}
