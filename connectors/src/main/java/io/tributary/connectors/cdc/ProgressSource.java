package io.tributary.connectors.cdc;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.cdc.connectors.base.source.meta.split.SourceSplitBase;
import org.apache.flink.cdc.connectors.mysql.source.split.MySqlSplit;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.metrics.MetricGroup;

/**
 * A CDC source with progress metrics per captured table, in the source's own metric group: {@code
 * database.<db>.table.<table>.snapshotRowsRead} (rows of the initial snapshot emitted by this
 * reader), {@code ...changesStreamed} (inserts, updates and deletes after it) and, on the first
 * reader, {@code ...snapshotRowsEstimated} (the database's row estimate when the job was built),
 * {@code ...schemaVersion} (the registry version the table's rows now carry: it moves when a change
 * of columns is registered) and, for the reader, {@code changeLagMs} (how long after its commit in
 * the database the newest change was emitted: the reader's lag behind the binlog or WAL, in time)
 * and {@code streaming} (1 once the reader has the binlog or WAL split: every snapshot is done).
 * Flink CDC's MySQL reader exports no per-table figures; this wrapper adds them for both databases
 * without touching the records. {@code tributary cdc progress} reads them.
 */
final class ProgressSource<S extends SourceSplit, E>
        implements Source<ChangeRecord, S, E>, ResultTypeQueryable<ChangeRecord> {

    private static final long serialVersionUID = 1L;

    static final String DATABASE_GROUP = "database";
    static final String TABLE_GROUP = "table";
    static final String SNAPSHOT_ROWS_READ = "snapshotRowsRead";
    static final String SNAPSHOT_ROWS_ESTIMATED = "snapshotRowsEstimated";
    static final String CHANGES_STREAMED = "changesStreamed";
    static final String SCHEMA_VERSION = "schemaVersion";
    static final String CHANGE_LAG = "changeLagMs";
    static final String STREAMING = "streaming";

    private final Source<ChangeRecord, S, E> delegate;
    private final HashMap<String, Long> estimates;
    private final ArrayList<String> tables;

    private ProgressSource(
            Source<ChangeRecord, S, E> delegate, Map<String, Long> estimates, List<String> tables) {
        this.delegate = delegate;
        this.estimates = new HashMap<>(estimates);
        this.tables = new ArrayList<>(tables);
    }

    /**
     * @param estimates row estimates per table, from the readiness check
     * @param tables the tables the source captures, as given (named in its errors)
     */
    static <S extends SourceSplit, E> Source<ChangeRecord, S, E> wrap(
            Source<ChangeRecord, S, E> source, Map<String, Long> estimates, List<String> tables) {
        return new ProgressSource<>(source, estimates, tables);
    }

    @Override
    public Boundedness getBoundedness() {
        return delegate.getBoundedness();
    }

    @Override
    public SplitEnumerator<S, E> createEnumerator(SplitEnumeratorContext<S> context)
            throws Exception {
        return delegate.createEnumerator(context);
    }

    @Override
    public SplitEnumerator<S, E> restoreEnumerator(SplitEnumeratorContext<S> context, E checkpoint)
            throws Exception {
        return delegate.restoreEnumerator(context, checkpoint);
    }

    @Override
    public SimpleVersionedSerializer<S> getSplitSerializer() {
        return delegate.getSplitSerializer();
    }

    @Override
    public SimpleVersionedSerializer<E> getEnumeratorCheckpointSerializer() {
        return delegate.getEnumeratorCheckpointSerializer();
    }

    @Override
    public SourceReader<ChangeRecord, S> createReader(SourceReaderContext context)
            throws Exception {
        Counters counters =
                new Counters(
                        context.metricGroup(),
                        context.getIndexOfSubtask() == 0 ? estimates : Map.of());
        return new Reader<>(delegate.createReader(context), counters, tables);
    }

    @Override
    public TypeInformation<ChangeRecord> getProducedType() {
        return TypeInformation.of(ChangeRecord.class);
    }

    /** Counts per table, registered as gauges the first time a table is seen. */
    static final class Counters {
        private final MetricGroup group;
        private final Map<String, Long> estimates;
        private final Map<String, long[]> byTable = new HashMap<>();
        private final Map<SourceTable, long[]> bySource = new HashMap<>();
        private volatile long changeLag = -1;
        private volatile int streaming;

        Counters(MetricGroup group, Map<String, Long> estimates) {
            this.group = group;
            this.estimates = estimates;
            group.gauge(CHANGE_LAG, () -> changeLag);
            group.gauge(STREAMING, () -> streaming);
            estimates.keySet().forEach(this::of);
        }

        void count(ChangeRecord r) {
            switch (r.op()) {
                case READ -> of(r.table())[0]++;
                case CREATE, UPDATE, DELETE -> {
                    of(r.table())[1]++;
                    if (r.commitMillis() > 0) {
                        changeLag = Math.max(0, System.currentTimeMillis() - r.commitMillis());
                    }
                }
                case SCHEMA -> of(r.table())[2] = r.schemaVersion();
                default -> {
                    // nothing to count
                }
            }
        }

        /** By the record's table, without building its name per record. */
        private long[] of(SourceTable t) {
            long[] n = bySource.get(t);
            if (n == null) {
                n = of(t.qualified());
                bySource.put(t, n);
            }
            return n;
        }

        private long[] of(String table) {
            long[] n = byTable.get(table);
            if (n == null) {
                long[] counts = new long[3];
                // key-value groups: labels database and table in Prometheus, one metric name for
                // every table; in the REST API "database.<db>.table.<table>.<metric>" (a dot inside
                // one group name would read back as an underscore)
                int dot = table.indexOf('.');
                MetricGroup g =
                        dot < 0
                                ? group.addGroup(TABLE_GROUP, table)
                                : group.addGroup(DATABASE_GROUP, table.substring(0, dot))
                                        .addGroup(TABLE_GROUP, table.substring(dot + 1));
                g.gauge(SNAPSHOT_ROWS_READ, () -> counts[0]);
                g.gauge(CHANGES_STREAMED, () -> counts[1]);
                g.gauge(SCHEMA_VERSION, () -> counts[2]);
                Long estimate = estimates.get(table);
                if (estimate != null) {
                    g.gauge(SNAPSHOT_ROWS_ESTIMATED, () -> estimate);
                }
                byTable.put(table, counts);
                n = counts;
            }
            return n;
        }
    }

    /** The delegate's reader, its output counted on the way out. */
    private static final class Reader<S extends SourceSplit>
            implements SourceReader<ChangeRecord, S> {
        private final SourceReader<ChangeRecord, S> delegate;
        private final Counters counters;
        private final List<String> tables;
        private ReaderOutput<ChangeRecord> lastOutput;
        private CountingOutput counting;

        Reader(SourceReader<ChangeRecord, S> delegate, Counters counters, List<String> tables) {
            this.delegate = delegate;
            this.counters = counters;
            this.tables = tables;
        }

        @Override
        public void start() {
            delegate.start();
        }

        @Override
        public InputStatus pollNext(ReaderOutput<ChangeRecord> output) throws Exception {
            if (output != lastOutput) {
                lastOutput = output;
                counting = new CountingOutput(output, counters);
            }
            try {
                return delegate.pollNext(counting);
            } catch (Exception e) {
                throw ColumnsChangedBeforeStreaming.explain(e, tables);
            }
        }

        @Override
        public List<S> snapshotState(long checkpointId) {
            return delegate.snapshotState(checkpointId);
        }

        @Override
        public CompletableFuture<Void> isAvailable() {
            return delegate.isAvailable();
        }

        @Override
        public void addSplits(List<S> splits) {
            for (S split : splits) {
                if (split instanceof MySqlSplit m && m.isBinlogSplit()
                        || split instanceof SourceSplitBase b && b.isStreamSplit()) {
                    counters.streaming = 1;
                }
            }
            delegate.addSplits(splits);
        }

        @Override
        public void notifyNoMoreSplits() {
            delegate.notifyNoMoreSplits();
        }

        @Override
        public void handleSourceEvents(SourceEvent event) {
            delegate.handleSourceEvents(event);
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) throws Exception {
            delegate.notifyCheckpointComplete(checkpointId);
        }

        @Override
        public void notifyCheckpointAborted(long checkpointId) throws Exception {
            delegate.notifyCheckpointAborted(checkpointId);
        }

        @Override
        public void pauseOrResumeSplits(
                java.util.Collection<String> pause, java.util.Collection<String> resume) {
            delegate.pauseOrResumeSplits(pause, resume);
        }

        @Override
        public void close() throws Exception {
            delegate.close();
        }
    }

    /** Counts what passes; per-split outputs are counted too. */
    private static class CountingSourceOutput implements SourceOutput<ChangeRecord> {
        private final SourceOutput<ChangeRecord> out;
        final Counters counters;

        CountingSourceOutput(SourceOutput<ChangeRecord> out, Counters counters) {
            this.out = out;
            this.counters = counters;
        }

        @Override
        public void collect(ChangeRecord record) {
            counters.count(record);
            out.collect(record);
        }

        @Override
        public void collect(ChangeRecord record, long timestamp) {
            counters.count(record);
            out.collect(record, timestamp);
        }

        @Override
        public void emitWatermark(Watermark watermark) {
            out.emitWatermark(watermark);
        }

        @Override
        public void markIdle() {
            out.markIdle();
        }

        @Override
        public void markActive() {
            out.markActive();
        }
    }

    private static final class CountingOutput extends CountingSourceOutput
            implements ReaderOutput<ChangeRecord> {
        private final ReaderOutput<ChangeRecord> readerOutput;

        CountingOutput(ReaderOutput<ChangeRecord> out, Counters counters) {
            super(out, counters);
            this.readerOutput = out;
        }

        @Override
        public SourceOutput<ChangeRecord> createOutputForSplit(String splitId) {
            return new CountingSourceOutput(readerOutput.createOutputForSplit(splitId), counters);
        }

        @Override
        public void releaseOutputForSplit(String splitId) {
            readerOutput.releaseOutputForSplit(splitId);
        }
    }
}
