package io.tributary.jobs.join;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.types.logical.BigIntType;
import org.apache.flink.table.types.logical.IntType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.VarCharType;
import org.apache.flink.types.RowKind;
import org.junit.jupiter.api.Test;

/**
 * The dimension join's operator in Flink's keyed two-input harness: what it emits for orders and
 * customer changes in every order of arrival, and that what it keeps (the customer, its version,
 * the orders waiting for it) survives a snapshot and restore.
 */
class DimensionJoinFunctionTest {

    static final RowType ORDER =
            RowType.of(
                    new LogicalType[] {new BigIntType(), new IntType(), new IntType()},
                    new String[] {"order_id", "customer_id", "quantity"});
    static final RowType CUSTOMER =
            RowType.of(
                    new LogicalType[] {new IntType(), new VarCharType(VarCharType.MAX_LENGTH)},
                    new String[] {"id", "name"});

    private static KeyedTwoInputStreamOperatorTestHarness<Integer, RowData, RowData, RowData>
            harness() throws Exception {
        return new KeyedTwoInputStreamOperatorTestHarness<>(
                new KeyedCoProcessOperator<>(new DimensionJoinFunction(ORDER, 1, CUSTOMER)),
                r -> r.getInt(1),
                r -> r.getInt(0),
                Types.INT);
    }

    private static StreamRecord<RowData> order(long id, int customer) {
        return new StreamRecord<>(GenericRowData.of(id, customer, 1));
    }

    private static StreamRecord<RowData> customer(RowKind kind, int id, String name) {
        return new StreamRecord<>(GenericRowData.ofKind(kind, id, StringData.fromString(name)));
    }

    /** Each output as "order_id customer_id | name | change", versions kept aside. */
    private static List<String> out(
            KeyedTwoInputStreamOperatorTestHarness<Integer, RowData, RowData, RowData> h,
            List<Long> versions) {
        List<String> rows = new ArrayList<>();
        for (Object o : h.getOutput()) {
            RowData r = ((StreamRecord<RowData>) o).getValue();
            RowData fact = r.getArray(0).getRow(0, 3);
            RowData dim = r.getArray(1).getRow(0, 2);
            versions.add(r.getLong(2));
            rows.add(
                    (fact.isNullAt(0) ? "-" : Long.toString(fact.getLong(0)))
                            + " "
                            + fact.getInt(1)
                            + " | "
                            + dim.getString(1)
                            + " | "
                            + (r.getBoolean(3) ? "change" : "joined"));
        }
        h.getOutput().clear();
        return rows;
    }

    @Test
    void ordersMeetTheirCustomerAndAChangeLeavesAsOneRow() throws Exception {
        List<Long> versions = new ArrayList<>();
        OperatorSubtaskState snapshot;
        try (var h = harness()) {
            h.open();
            // an order before its customer waits; the customer releases it (no change row:
            // nothing was loaded with an earlier version)
            h.processElement1(order(1, 7));
            assertThat(out(h, versions)).isEmpty();
            h.processElement2(customer(RowKind.INSERT, 7, "Ann"));
            assertThat(out(h, versions)).containsExactly("1 7 | Ann | joined");
            h.processElement1(order(2, 7));
            assertThat(out(h, versions)).containsExactly("2 7 | Ann | joined");
            assertThat(versions.get(1)).isEqualTo(versions.get(0));

            // a rename: one change row with the key and the new row, a higher version; the
            // UPDATE_BEFORE is not a change
            h.processElement2(customer(RowKind.UPDATE_BEFORE, 7, "Ann"));
            h.processElement2(customer(RowKind.UPDATE_AFTER, 7, "Bea"));
            assertThat(out(h, versions)).containsExactly("- 7 | Bea | change");
            assertThat(versions.get(2)).isGreaterThan(versions.get(1));
            // the same values again change nothing
            h.processElement2(customer(RowKind.UPDATE_AFTER, 7, "Bea"));
            assertThat(out(h, versions)).isEmpty();

            // a delete: loaded orders keep their values; a later order waits for the key's return
            h.processElement2(customer(RowKind.DELETE, 7, "Bea"));
            h.processElement1(order(3, 7));
            assertThat(out(h, versions)).isEmpty();
            snapshot = h.snapshot(1, 1);
        }
        try (var h = harness()) {
            h.initializeState(snapshot);
            h.open();
            // restored: the waiting order, and the version, so the return is a change
            h.processElement2(customer(RowKind.INSERT, 7, "Cid"));
            assertThat(out(h, versions))
                    .containsExactly("3 7 | Cid | joined", "- 7 | Cid | change");
            assertThat(versions.get(4)).isEqualTo(versions.get(3)).isGreaterThan(versions.get(2));
            // another key is its own
            h.processElement2(customer(RowKind.INSERT, 8, "Dee"));
            h.processElement1(order(4, 8));
            assertThat(out(h, versions)).containsExactly("4 8 | Dee | joined");
        }
    }
}
