package io.tributary.connectors.redshift;

import io.tributary.connectors.changes.DimensionChanges;
import io.tributary.connectors.redshift.dialect.DimensionColumns;
import io.tributary.connectors.redshift.internal.SinkSpec;
import java.io.IOException;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.SupportsCommitter;
import org.apache.flink.api.connector.sink2.SupportsWriterState;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.streaming.api.connector.sink2.CommittableMessage;
import org.apache.flink.streaming.api.connector.sink2.SupportsPreCommitTopology;
import org.apache.flink.streaming.api.connector.sink2.SupportsPreWriteTopology;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.logical.RowType;

/**
 * Exactly-once sink into Redshift (and PostgreSQL): rows are staged per checkpoint and applied in
 * one database transaction per checkpoint and writer subtask, which also records the checkpoint in
 * a bookmark table, so a replayed commit is recognised and skipped.
 *
 * <pre>
 *   input ──keyBy(primary key)──▶ RedshiftWriter (per subtask)          RedshiftCommitter (per subtask)
 *                                  rows of checkpoint N ──stage──▶         on checkpoint N complete, ONE txn:
 *                                  PostgreSQL: COPY FROM STDIN into         bookmark(job, sink, subtask) ≥ N? skip
 *                                    durable table tstg_…_N                  pre-actions
 *                                  Redshift: s3://…/tstg_…_N.csv.gz         load stage (Redshift: COPY … MANIFEST)
 *                                         │                                  latest change per key
 *                                         └── committable (job, sink,  ──▶   INSERT … ON CONFLICT / MERGE, deletes applied
 *                                             subtask, N, stage, rows,       bookmark := N, drop stage, post-actions
 *                                             shape) kept in checkpoint N    COMMIT (in a task of its own)
 * </pre>
 *
 * <p>Keying by primary key before the writer keeps all changes of one key in one subtask, so their
 * order survives. The writer numbers a batch with the checkpoint it belongs to: the id of the
 * previous {@code snapshotState} plus one (or the restored checkpoint plus one), which may be below
 * the true id when checkpoints were skipped but always increases per subtask and lies above every
 * batch in the restored checkpoint. Checkpointing must be enabled in streaming jobs: rows are
 * committed when a checkpoint completes (and at the end of bounded input).
 */
@PublicEvolving
public final class RedshiftSink
        implements Sink<RowData>,
                SupportsCommitter<RedshiftCommittable>,
                SupportsWriterState<RowData, RedshiftWriterState>,
                SupportsPreWriteTopology<RowData>,
                SupportsPreCommitTopology<RedshiftCommittable, RedshiftCommittable> {

    private static final long serialVersionUID = 1L;

    private final SinkSpec spec;

    /**
     * The writer's parallelism as the table sink sets it, 0 when it is the input's (the planner's
     * default); -1 when not known here (a sink built on the DataStream API).
     */
    private final int writerParallelism;

    RedshiftSink(SinkSpec spec) {
        this(spec, -1);
    }

    RedshiftSink(SinkSpec spec, int writerParallelism) {
        this.spec = spec;
        this.writerParallelism = writerParallelism;
    }

    public static RedshiftSinkBuilder builder() {
        return new RedshiftSinkBuilder();
    }

    SinkSpec spec() {
        return spec;
    }

    @Override
    @Deprecated
    public SinkWriter<RowData> createWriter(InitContext context) {
        throw new UnsupportedOperationException("Flink 1.20 calls createWriter(WriterInitContext)");
    }

    @Override
    public StatefulSinkWriter<RowData, RedshiftWriterState> createWriter(WriterInitContext context)
            throws IOException {
        return new RedshiftWriter(spec, context, List.of());
    }

    @Override
    public StatefulSinkWriter<RowData, RedshiftWriterState> restoreWriter(
            WriterInitContext context, Collection<RedshiftWriterState> states) throws IOException {
        return new RedshiftWriter(spec, context, states);
    }

    @Override
    public SimpleVersionedSerializer<RedshiftWriterState> getWriterStateSerializer() {
        return new RedshiftWriterStateSerializer();
    }

    @Override
    public Committer<RedshiftCommittable> createCommitter(CommitterInitContext context) {
        return new RedshiftCommitter(spec, context.metricGroup());
    }

    @Override
    public SimpleVersionedSerializer<RedshiftCommittable> getCommittableSerializer() {
        return new RedshiftCommittableSerializer();
    }

    @Override
    public DataStream<RowData> addPreWriteTopology(DataStream<RowData> input) {
        if (spec.keys().isEmpty()) {
            return input;
        }
        int p = writerParallelism == 0 ? input.getParallelism() : writerParallelism;
        if (spec.dimension().isPresent()
                && p == input.getParallelism()
                && DimensionChanges.forwardFromJoin(input.getTransformation(), p)) {
            // rows straight from a dimension join's subtasks: all rows of one order come from the
            // subtask of its customer (an order never changes customer), and a customer's changes
            // from that subtask too, so each key's rows stay in one writer, in order, without an
            // exchange (the writer runs chained in the join's task)
            return input;
        }
        return input.keyBy(
                new PrimaryKeySelector(
                        spec.rowType(),
                        spec.keys(),
                        spec.dimension().map(DimensionColumns::keyColumn).orElse(null)));
    }

    /**
     * The committer in a task of its own: a checkpoint's commit (the COPY of its stage and the
     * merge, seconds for a large checkpoint) then runs beside the writer, which goes on staging the
     * next checkpoint's rows, instead of stalling it and, through backpressure, the whole job. The
     * committables pass unchanged, each to the committer subtask of its writer subtask.
     */
    @Override
    public DataStream<CommittableMessage<RedshiftCommittable>> addPreCommitTopology(
            DataStream<CommittableMessage<RedshiftCommittable>> committables) {
        return committables
                .map(new PassCommittable())
                .returns(committables.getType())
                .name("Committables")
                .setParallelism(committables.getParallelism())
                .startNewChain();
    }

    @Override
    public SimpleVersionedSerializer<RedshiftCommittable> getWriteResultSerializer() {
        return new RedshiftCommittableSerializer();
    }

    /** Hands a committable on unchanged (the edge where the writer's task ends). */
    static final class PassCommittable
            implements MapFunction<
                    CommittableMessage<RedshiftCommittable>,
                    CommittableMessage<RedshiftCommittable>> {
        private static final long serialVersionUID = 1L;

        @Override
        public CommittableMessage<RedshiftCommittable> map(
                CommittableMessage<RedshiftCommittable> message) {
            return message;
        }
    }

    /** The primary key of a row as text: all changes of one key go to one writer subtask. */
    static final class PrimaryKeySelector implements KeySelector<RowData, String> {
        private static final long serialVersionUID = 1L;
        private final RowType rowType;
        private final List<String> keys;
        private transient RowData.FieldGetter[] getters;

        /** The dimension's key column, when the rows come from a dimension join; else null. */
        private final String dimensionKey;

        private transient int change = -1;
        private transient RowData.FieldGetter dimensionGetter;

        PrimaryKeySelector(RowType rowType, List<String> keys, String dimensionKey) {
            this.rowType = rowType;
            this.keys = keys;
            this.dimensionKey = dimensionKey;
        }

        @Override
        public String getKey(RowData row) {
            if (getters == null) {
                getters = new RowData.FieldGetter[keys.size()];
                for (int i = 0; i < keys.size(); i++) {
                    int pos = rowType.getFieldIndex(keys.get(i));
                    getters[i] = RowData.createFieldGetter(rowType.getTypeAt(pos), pos);
                }
            }
            StringBuilder key = new StringBuilder();
            if (dimensionKey != null) {
                if (dimensionGetter == null) {
                    change = rowType.getFieldIndex(DimensionColumns.change());
                    int pos = rowType.getFieldIndex(dimensionKey);
                    dimensionGetter = RowData.createFieldGetter(rowType.getTypeAt(pos), pos);
                }
                if (!row.isNullAt(change) && row.getBoolean(change)) {
                    // a dimension's change has no row key: its own key keeps its changes in order
                    key.append('\u0001');
                    appendKey(key, dimensionGetter.getFieldOrNull(row));
                    return key.toString();
                }
            }
            for (RowData.FieldGetter g : getters) {
                Object v = g.getFieldOrNull(row);
                if (v == null) {
                    throw new IllegalArgumentException(
                            "A row has NULL in a primary key column " + keys);
                }
                appendKey(key, v);
            }
            return key.toString();
        }
    }

    /** One key column's value in a writer's routing key (bytes as hex, values separated). */
    static void appendKey(StringBuilder key, Object value) {
        key.append(value instanceof byte[] b ? HexFormat.of().formatHex(b) : value)
                .append('\u0001');
    }
}
