package io.tributary.connectors.redshift;

import io.tributary.connectors.redshift.internal.ShapeTracker;
import io.tributary.connectors.redshift.internal.SinkSpec;
import io.tributary.connectors.redshift.internal.Stager;
import io.tributary.connectors.redshift.internal.TablePreparer;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.OptionalLong;
import org.apache.flink.api.connector.sink2.CommittingSinkWriter;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.logical.utils.LogicalTypeChecks;
import org.apache.flink.types.RowKind;

/**
 * Stages the rows of each checkpoint (one batch per checkpoint and subtask) and hands the staged
 * batch to the committer at the checkpoint barrier. Nothing reaches the target table here.
 */
final class RedshiftWriter
        implements CommittingSinkWriter<RowData, RedshiftCommittable>,
                StatefulSinkWriter<RowData, RedshiftWriterState> {

    private final SinkSpec spec;
    private final String jobId;
    private final int subtask;
    private final Stager stager;
    private final Counter recordsSent;
    private final Counter recordsSkipped;
    private final Counter bytesSent;

    /**
     * The checkpoint the rows now being written belong to (at least; see class Javadoc of the
     * sink).
     */
    private long checkpointId;

    private Stager.Batch batch;
    private long seq;
    private final int freshnessColumn;
    private final int freshnessPrecision;
    private long newestEventTime = RedshiftCommittable.NO_EVENT_TIME;

    /** The batch's shape, for the commit. */
    private final ShapeTracker shape;

    RedshiftWriter(
            SinkSpec spec, WriterInitContext context, Collection<RedshiftWriterState> restored)
            throws IOException {
        this.spec = spec;
        this.jobId = context.getJobInfo().getJobId().toHexString();
        this.subtask = context.getTaskInfo().getIndexOfThisSubtask();
        this.recordsSent = context.metricGroup().getNumRecordsSendCounter();
        this.bytesSent = context.metricGroup().getNumBytesSendCounter();
        this.recordsSkipped = context.metricGroup().counter("updateBeforeRecordsSkipped");
        this.freshnessColumn = spec.freshnessColumn();
        this.freshnessPrecision =
                freshnessColumn < 0
                        ? 0
                        : LogicalTypeChecks.getPrecision(spec.types().get(freshnessColumn));
        this.shape = new ShapeTracker(spec);
        OptionalLong restoredId = context.getRestoredCheckpointId();
        long last = restoredId.orElse(0L);
        for (RedshiftWriterState s : restored) {
            last = Math.max(last, s.checkpointId());
        }
        this.checkpointId = last + 1;
        try (Connection c = spec.connect()) {
            TablePreparer.prepare(spec, c);
        } catch (SQLException e) {
            throw new IOException("Could not prepare " + spec.target() + " for the sink", e);
        }
        this.stager = StageLoader.stager(spec, jobId, subtask);
        if (restoredId.isPresent()) {
            stager.removeOrphans(restoredId.getAsLong());
        }
    }

    @Override
    public void write(RowData row, Context context) throws IOException {
        RowKind kind = row.getRowKind();
        char op;
        switch (kind) {
            case INSERT, UPDATE_AFTER -> op = 'U';
            case DELETE -> {
                if (spec.mode() == SinkMode.APPEND) {
                    throw new IOException(
                            "A DELETE reached append-only sink "
                                    + spec.target()
                                    + ": declare a primary key and use sink.mode UPSERT");
                }
                op = 'D';
            }
            case UPDATE_BEFORE -> {
                // the UPDATE_AFTER that follows carries the new row
                recordsSkipped.inc();
                return;
            }
            default -> throw new IOException("Unknown row kind " + kind);
        }
        if (batch == null) {
            batch = stager.open(checkpointId);
            seq = 0;
        }
        shape.track(row, op);
        bytesSent.inc(batch.add(row, op, seq++));
        recordsSent.inc();
        if (freshnessColumn >= 0 && op == 'U' && !row.isNullAt(freshnessColumn)) {
            // TIMESTAMP is read as UTC; TIMESTAMP_LTZ is an instant already
            long t = row.getTimestamp(freshnessColumn, freshnessPrecision).getMillisecond();
            if (t > newestEventTime) {
                newestEventTime = t;
            }
        }
    }

    @Override
    public Collection<RedshiftCommittable> prepareCommit() throws IOException {
        if (batch == null) {
            return List.of();
        }
        String location = batch.finish();
        RedshiftCommittable c =
                new RedshiftCommittable(
                        jobId,
                        spec.sinkName(),
                        subtask,
                        checkpointId,
                        location,
                        seq,
                        spec.columns(),
                        newestEventTime,
                        shape.finish());
        batch = null;
        newestEventTime = RedshiftCommittable.NO_EVENT_TIME;
        return List.of(c);
    }

    @Override
    public List<RedshiftWriterState> snapshotState(long checkpoint) {
        // rows after this barrier belong to a later checkpoint
        checkpointId = Math.max(checkpointId, checkpoint + 1);
        return List.of(new RedshiftWriterState(checkpoint));
    }

    @Override
    public void flush(boolean endOfInput) {
        // staged rows are made durable in prepareCommit, once per checkpoint
    }

    @Override
    public void close() throws Exception {
        if (batch != null) {
            batch.abort();
            batch = null;
        }
        stager.close();
    }
}
