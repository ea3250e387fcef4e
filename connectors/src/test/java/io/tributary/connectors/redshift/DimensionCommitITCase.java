package io.tributary.connectors.redshift;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.connectors.redshift.internal.SinkSpec;
import io.tributary.connectors.redshift.internal.TablePreparer;
import java.sql.Connection;
import java.util.List;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.connector.sink2.CommittableMessage;
import org.apache.flink.streaming.api.connector.sink2.CommittableSummary;
import org.apache.flink.streaming.api.connector.sink2.CommittableWithLineage;
import org.apache.flink.streaming.runtime.operators.sink.CommitterOperatorFactory;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.types.logical.BigIntType;
import org.apache.flink.table.types.logical.BooleanType;
import org.apache.flink.table.types.logical.IntType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.VarCharType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The commit of a dimension join's rows ({@code sink.dimension.*}) on PostgreSQL: a customer's
 * change rewrites the orders already loaded with its key, and writer subtasks that commit in any
 * order among themselves (each in its own transaction, as Flink's committers do) end in the same
 * table: an order joined with an older version is corrected by the newer one another subtask
 * committed first, and an older change committed late does not undo a newer one.
 */
class DimensionCommitITCase {

    static final RowType ROW =
            RowType.of(
                    new LogicalType[] {
                        new BigIntType(),
                        new IntType(),
                        new VarCharType(VarCharType.MAX_LENGTH),
                        new IntType(),
                        new BigIntType(),
                        new BooleanType()
                    },
                    new String[] {
                        "order_id",
                        "customer_id",
                        "customer_name",
                        "amount",
                        RedshiftConnectorOptions.DIMENSION_VERSION_COLUMN,
                        RedshiftConnectorOptions.DIMENSION_CHANGE_COLUMN
                    });

    private final Warehouse wh = new Warehouse("sink_dimension");
    private RedshiftSink sink;
    private final String job = JobID.generate().toHexString();

    @BeforeEach
    void fresh() throws Exception {
        wh.execute("DROP SCHEMA IF EXISTS dim CASCADE");
        Configuration o = new Configuration();
        o.setString("url", wh.url);
        o.setString("schema-name", "dim");
        o.setString("table-name", "orders");
        o.setString(RedshiftConnectorOptions.SINK_KEYS.key(), "order_id");
        o.setString(RedshiftConnectorOptions.DIMENSION_KEY_COLUMN.key(), "customer_id");
        o.setString(RedshiftConnectorOptions.DIMENSION_COLUMNS.key(), "customer_name");
        o.set(RedshiftConnectorOptions.STAGING, RedshiftConnectorOptions.Staging.TABLE);
        sink = new RedshiftSink(new SinkSpec(o, ROW, List.of("order_id")));
        // as a writer does when it starts: the target and the dimension table
        try (Connection c = sink.spec().connect()) {
            TablePreparer.prepare(sink.spec(), c);
        }
    }

    private static GenericRowData order(long id, int customer, String name, int amount, long v) {
        return GenericRowData.of(id, customer, StringData.fromString(name), amount, v, false);
    }

    private static GenericRowData change(int customer, String name, long v) {
        return GenericRowData.of(null, customer, StringData.fromString(name), null, v, true);
    }

    private RedshiftCommittable stage(int subtask, long checkpoint, GenericRowData... rows)
            throws Exception {
        return RedshiftCommitterITCase.stage(sink, job, subtask, checkpoint, rows);
    }

    private void commit(RedshiftCommittable c) throws Exception {
        commit(sink, c);
    }

    /**
     * One committer subtask of {@code sink} committing {@code c} on its checkpoint's completion.
     */
    static void commit(RedshiftSink sink, RedshiftCommittable c) throws Exception {
        try (OneInputStreamOperatorTestHarness<
                        CommittableMessage<RedshiftCommittable>,
                        CommittableMessage<RedshiftCommittable>>
                h =
                        new OneInputStreamOperatorTestHarness<>(
                                new CommitterOperatorFactory<>(sink, false, true))) {
            h.open();
            h.processElement(
                    new StreamRecord<>(new CommittableSummary<>(0, 1, c.checkpointId(), 1, 1, 0)));
            h.processElement(
                    new StreamRecord<>(new CommittableWithLineage<>(c, c.checkpointId(), 0)));
            h.snapshot(c.checkpointId(), 1);
            h.notifyOfCompletedCheckpoint(c.checkpointId());
        }
    }

    private List<String> orders() throws Exception {
        return wh.rows(
                "SELECT order_id || ' ' || customer_id || ' ' || customer_name || ' ' || amount"
                        + " FROM dim.orders ORDER BY order_id");
    }

    @Test
    void aChangeRewritesLoadedOrdersWhicheverSubtaskCommitsFirst() throws Exception {
        // checkpoint 1: both subtasks load orders of customer 7 joined with version 100
        commit(stage(0, 1, order(1, 7, "Ann", 10, 100), order(2, 8, "Bob", 20, 100)));
        commit(stage(1, 1, order(3, 7, "Ann", 30, 100)));
        assertThat(orders()).containsExactly("1 7 Ann 10", "2 8 Bob 20", "3 7 Ann 30");
        // the table holds the target's columns only, not the join's two staged-only columns
        assertThat(
                        wh.rows(
                                "SELECT column_name FROM information_schema.columns WHERE"
                                        + " table_schema = 'dim' AND table_name = 'orders' ORDER"
                                        + " BY ordinal_position"))
                .containsExactly("order_id", "customer_id", "customer_name", "amount");

        // checkpoint 2: customer 7 becomes Cat (version 200) on subtask 0, after a new order of
        // its own; subtask 1 staged an order joined before the change, and commits it later
        commit(stage(0, 2, order(4, 7, "Ann", 40, 100), change(7, "Cat", 200)));
        assertThat(orders())
                .containsExactly("1 7 Cat 10", "2 8 Bob 20", "3 7 Cat 30", "4 7 Cat 40");
        commit(stage(1, 2, order(5, 7, "Ann", 50, 100)));
        assertThat(orders())
                .containsExactly(
                        "1 7 Cat 10", "2 8 Bob 20", "3 7 Cat 30", "4 7 Cat 40", "5 7 Cat 50");

        // an order joined with the newest version stays as it is; one re-sent by key is
        // rewritten whole
        commit(stage(1, 3, order(6, 7, "Cat", 60, 200), order(2, 8, "Bob", 21, 100)));

        // checkpoint 4: a newer change (300) commits before an older one (250) that another
        // subtask held back, as after a rescale: the older one does not undo the newer
        commit(stage(0, 4, change(7, "Dan", 300)));
        commit(stage(1, 4, change(7, "Old", 250), order(7, 7, "Old", 70, 250)));
        assertThat(orders())
                .containsExactly(
                        "1 7 Dan 10",
                        "2 8 Bob 21",
                        "3 7 Dan 30",
                        "4 7 Dan 40",
                        "5 7 Dan 50",
                        "6 7 Dan 60",
                        "7 7 Dan 70");
        assertThat(wh.rows("SELECT customer_id || ' ' || customer_name FROM dim.orders__dimension"))
                .containsExactly("7 Dan");

        // a replay of a committed checkpoint changes nothing
        commit(stage(1, 2, order(5, 7, "Ann", 50, 100)));
        assertThat(orders()).hasSize(7).contains("5 7 Dan 50");
    }
}
