package io.tributary.jobs.join;

import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.api.java.typeutils.TupleTypeInfo;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.table.data.GenericArrayData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.binary.BinaryRowData;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.apache.flink.table.runtime.typeutils.RowDataSerializer;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.types.RowKind;
import org.apache.flink.util.Collector;

/**
 * The join of facts (orders) with a dimension (customers) whose state is the dimension only: per
 * join key, the dimension's current row with its version, and the facts that came before their
 * dimension row (released when it arrives). A fact, once joined, is not kept.
 *
 * <p>Out go rows of {@code (facts ARRAY<ROW>, dim ARRAY<ROW>, version BIGINT, change BOOLEAN)},
 * each array of one element, for the transform's own SELECT to read through {@code UNNEST}:
 *
 * <ul>
 *   <li>a joined row: the fact, the dimension row it met, that row's version, {@code change} FALSE;
 *   <li>a dimension's change (a row that differs from the one held, or comes back after a delete):
 *       a fact of NULLs but its join key, the new dimension row, its version, {@code change} TRUE.
 *       The sink applies it to every row already loaded with that key.
 * </ul>
 *
 * <p>Versions rise per key: the greater of the previous one plus one and the wall clock in
 * milliseconds, so a run started afresh (no bookmark) still versions above what an earlier run
 * committed. A dimension row's delete keeps the facts already joined with their last values (the
 * join cannot retract what it no longer holds); facts arriving after it wait, as an inner join's
 * would, until the key comes back.
 *
 * <p>Rows stay Flink's internal {@link RowData} from the facts' source to the sink: a fact is read
 * once (one state access) and passed on by reference; what is kept is copied, as the pipeline runs
 * with object reuse.
 */
public final class DimensionJoinFunction
        extends KeyedCoProcessFunction<Object, RowData, RowData, RowData> {

    private static final long serialVersionUID = 1L;

    private final RowType factType;
    private final RowType dimType;
    private final int factKey;

    private transient RowDataSerializer facts;
    private transient RowDataSerializer dims;

    /**
     * The dimension's current row (binary, kind INSERT) and its version; the row is null after a
     * delete, the version kept.
     */
    private transient ValueState<Tuple2<Long, RowData>> dimension;

    private transient ListState<RowData> waiting;
    private transient ValueState<Boolean> anyWaiting;
    private transient Counter changes;
    private transient Counter held;

    /**
     * @param factKey the position of the join key in a fact
     */
    public DimensionJoinFunction(RowType factType, int factKey, RowType dimType) {
        this.factType = factType;
        this.dimType = dimType;
        this.factKey = factKey;
    }

    @Override
    public void open(Configuration parameters) {
        facts = new RowDataSerializer(factType);
        dims = new RowDataSerializer(dimType);
        dimension =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>(
                                        "dimension",
                                        new TupleTypeInfo<>(
                                                Types.LONG, InternalTypeInfo.of(dimType))));
        waiting =
                getRuntimeContext()
                        .getListState(
                                new ListStateDescriptor<>(
                                        "waiting", InternalTypeInfo.of(factType)));
        anyWaiting =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("anyWaiting", Types.BOOLEAN));
        changes = getRuntimeContext().getMetricGroup().counter("dimensionChanges");
        held = getRuntimeContext().getMetricGroup().counter("factsHeldForDimension");
    }

    @Override
    public void processElement1(RowData fact, Context ctx, Collector<RowData> out)
            throws Exception {
        Tuple2<Long, RowData> dim = dimension.value();
        if (dim == null || dim.f0 < 0) {
            waiting.add(facts.copy(fact));
            anyWaiting.update(true);
            held.inc();
            return;
        }
        out.collect(joined(fact, dim.f1, dim.f0, false));
    }

    @Override
    public void processElement2(RowData row, Context ctx, Collector<RowData> out) throws Exception {
        Tuple2<Long, RowData> kept = dimension.value();
        switch (row.getRowKind()) {
            case UPDATE_BEFORE:
                // the UPDATE_AFTER that follows carries the row
                return;
            case DELETE:
                // the version stays: the key's return is a change of the rows already loaded
                if (kept != null && kept.f0 > 0) {
                    dimension.update(Tuple2.of(-kept.f0, kept.f1));
                }
                return;
            default:
                break;
        }
        BinaryRowData dim = dims.toBinaryRow(row).copy();
        dim.setRowKind(RowKind.INSERT);
        if (kept != null && kept.f0 > 0 && dim.equals(kept.f1)) {
            return;
        }
        long v = Math.max(kept == null ? 1 : Math.abs(kept.f0) + 1, System.currentTimeMillis());
        dimension.update(Tuple2.of(v, dim));
        if (Boolean.TRUE.equals(anyWaiting.value())) {
            for (RowData f : waiting.get()) {
                out.collect(joined(f, dim, v, false));
            }
            waiting.clear();
            anyWaiting.clear();
        }
        if (kept != null) {
            GenericRowData keyOnly = new GenericRowData(factType.getFieldCount());
            keyOnly.setField(factKey, ctx.getCurrentKey());
            out.collect(joined(keyOnly, dim, v, true));
            changes.inc();
        }
    }

    private static RowData joined(RowData fact, RowData dim, long version, boolean change) {
        GenericRowData out = new GenericRowData(4);
        out.setField(0, new GenericArrayData(new Object[] {fact}));
        out.setField(1, new GenericArrayData(new Object[] {dim}));
        out.setField(2, version);
        out.setField(3, change);
        return out;
    }
}
