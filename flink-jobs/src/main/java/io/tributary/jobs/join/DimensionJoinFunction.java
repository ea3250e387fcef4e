package io.tributary.jobs.join;

import java.util.Objects;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;
import org.apache.flink.util.Collector;

/**
 * The join of facts (orders) with a dimension (customers) whose state is the dimension only: per
 * join key, the dimension's current row, its version, and the facts that came before their
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
 */
public final class DimensionJoinFunction extends KeyedCoProcessFunction<Object, Row, Row, Row> {

    private static final long serialVersionUID = 1L;

    private final TypeInformation<Row> factType;
    private final TypeInformation<Row> dimType;
    private final int factArity;
    private final int dimArity;
    private final int factKey;

    private transient ValueState<Row> dimension;
    private transient ValueState<Long> version;
    private transient ListState<Row> waiting;
    private transient ValueState<Boolean> anyWaiting;
    private transient Counter changes;
    private transient Counter held;

    /**
     * @param factKey the position of the join key in a fact
     */
    public DimensionJoinFunction(
            TypeInformation<Row> factType,
            int factArity,
            int factKey,
            TypeInformation<Row> dimType,
            int dimArity) {
        this.factType = factType;
        this.dimType = dimType;
        this.factArity = factArity;
        this.dimArity = dimArity;
        this.factKey = factKey;
    }

    @Override
    public void open(Configuration parameters) {
        dimension = getRuntimeContext().getState(new ValueStateDescriptor<>("dimension", dimType));
        version = getRuntimeContext().getState(new ValueStateDescriptor<>("version", Types.LONG));
        waiting = getRuntimeContext().getListState(new ListStateDescriptor<>("waiting", factType));
        anyWaiting =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("anyWaiting", Types.BOOLEAN));
        changes = getRuntimeContext().getMetricGroup().counter("dimensionChanges");
        held = getRuntimeContext().getMetricGroup().counter("factsHeldForDimension");
    }

    @Override
    public void processElement1(Row fact, Context ctx, Collector<Row> out) throws Exception {
        Row dim = dimension.value();
        Row f = positional(fact, factArity);
        if (dim == null) {
            waiting.add(f);
            anyWaiting.update(true);
            held.inc();
            return;
        }
        out.collect(joined(f, dim, version.value(), false));
    }

    @Override
    public void processElement2(Row row, Context ctx, Collector<Row> out) throws Exception {
        switch (row.getKind()) {
            case UPDATE_BEFORE:
                // the UPDATE_AFTER that follows carries the row
                return;
            case DELETE:
                // the version stays: the key's return is a change of the rows already loaded
                dimension.clear();
                return;
            default:
                break;
        }
        Row before = dimension.value();
        Row dim = positional(row, dimArity);
        dim.setKind(RowKind.INSERT);
        if (before != null && sameFields(before, dim)) {
            return;
        }
        Long previous = version.value();
        long v = Math.max(previous == null ? 1 : previous + 1, System.currentTimeMillis());
        dimension.update(dim);
        version.update(v);
        if (Boolean.TRUE.equals(anyWaiting.value())) {
            for (Row f : waiting.get()) {
                out.collect(joined(f, dim, v, false));
            }
            waiting.clear();
            anyWaiting.clear();
        }
        if (previous != null) {
            Row keyOnly = new Row(RowKind.INSERT, factArity);
            keyOnly.setField(factKey, ctx.getCurrentKey());
            out.collect(joined(keyOnly, dim, v, true));
            changes.inc();
        }
    }

    private static Row joined(Row fact, Row dim, long version, boolean change) {
        Row out = new Row(fact.getKind(), 4);
        Row f = fact;
        if (f.getKind() != RowKind.INSERT) {
            f = Row.copy(fact);
            f.setKind(RowKind.INSERT);
        }
        out.setField(0, new Row[] {f});
        out.setField(1, new Row[] {dim});
        out.setField(2, version);
        out.setField(3, change);
        return out;
    }

    /** A position-only copy (rows from the table bridge are also named). */
    private static Row positional(Row row, int arity) {
        Row copy = new Row(row.getKind(), arity);
        for (int i = 0; i < arity; i++) {
            copy.setField(i, row.getField(i));
        }
        return copy;
    }

    private static boolean sameFields(Row a, Row b) {
        for (int i = 0; i < a.getArity(); i++) {
            if (!Objects.deepEquals(a.getField(i), b.getField(i))) {
                return false;
            }
        }
        return true;
    }
}
