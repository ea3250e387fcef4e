package io.tributary.connectors.cdc;

import io.tributary.connectors.changes.ChangeRecord;
import io.tributary.connectors.changes.SourceTable;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collection;
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
import org.apache.flink.table.data.RowData;

/**
 * A CDC source with progress metrics per captured table, in the source's own metric group: {@code
 * database.<db>.table.<table>.snapshotRowsRead} (rows of the initial snapshot emitted by this
 * reader), {@code ...changesStreamed} (inserts, updates and deletes after it) and, on the first
 * reader, {@code ...snapshotRowsEstimated} (the database's row estimate), {@code ...schemaVersion}
 * (the registry version the table's rows now carry: it moves when a change of columns is
 * registered) and, for the reader, {@code changeLagMs} (how long after its commit in the database
 * the newest change was emitted: the reader's lag behind the binlog or WAL, in time), these two
 * only once known, and {@code streaming} (1 once the reader has the binlog or WAL split: every
 * snapshot is done). Flink CDC's MySQL reader exports no per-table figures; this wrapper adds them
 * for both databases without touching the records. {@code tributary cdc progress} reads them. It
 * wraps the {@link ChangeRecord} sources {@link CdcSourceBuilder} builds and the {@code RowData}
 * sources of the {@code tributary-cdc} table connector alike: a {@link Tally} says how a record
 * counts.
 */
final class ProgressSource<T, S extends SourceSplit, E>
        implements Source<T, S, E>, ResultTypeQueryable<T> {

    private static final long serialVersionUID = 1L;

    static final String DATABASE_GROUP = "database";
    static final String TABLE_GROUP = "table";
    static final String SNAPSHOT_ROWS_READ = "snapshotRowsRead";
    static final String SNAPSHOT_ROWS_ESTIMATED = "snapshotRowsEstimated";
    static final String CHANGES_STREAMED = "changesStreamed";
    static final String SCHEMA_VERSION = "schemaVersion";
    static final String CHANGE_LAG = "changeLagMs";
    static final String STREAMING = "streaming";

    /** How one record counts: a snapshot row, a change, a schema version, of which table. */
    interface Tally<T> extends Serializable {
        /**
         * Counts {@code record}; {@code streaming} is whether this reader holds the binlog/WAL
         * split (the record is then a change, not a snapshot row).
         */
        void count(T record, boolean streaming, Counters counters);
    }

    /** Tributary's own change records: they say their operation, table and commit time. */
    static final Tally<ChangeRecord> CHANGE_RECORDS =
            (r, streaming, c) -> {
                switch (r.op()) {
                    case READ -> c.snapshotRow(r.table());
                    case CREATE, UPDATE, DELETE -> c.change(r.table(), r.commitMillis());
                    case SCHEMA -> c.schemaVersion(r.table(), r.schemaVersion());
                    default -> {
                        // nothing to count
                    }
                }
            };

    /**
     * The rows of a table source reading one table ({@code table}): before the binlog/WAL split
     * every row is a snapshot row, after it a change (an update's old image not counted twice).
     */
    static Tally<RowData> rowsOf(String table) {
        return (row, streaming, c) -> {
            switch (row.getRowKind()) {
                case UPDATE_BEFORE -> {
                    // the same change as its UPDATE_AFTER
                }
                default -> {
                    if (streaming) {
                        c.change(table, 0);
                    } else {
                        c.snapshotRow(table);
                    }
                }
            }
        };
    }

    /**
     * The database's row estimate per table, asked for by the first reader when it starts (nothing
     * when it cannot be had: the progress then shows rows read without a share).
     */
    interface Estimates extends Serializable {
        Map<String, Long> get();
    }

    private final Source<T, S, E> delegate;
    private final TypeInformation<T> type;
    private final Tally<T> tally;
    private final Estimates estimates;
    private final ArrayList<String> tables;

    private ProgressSource(
            Source<T, S, E> delegate,
            TypeInformation<T> type,
            Tally<T> tally,
            Estimates estimates,
            List<String> tables) {
        this.delegate = delegate;
        this.type = type;
        this.tally = tally;
        this.estimates = estimates;
        this.tables = new ArrayList<>(tables);
    }

    /**
     * @param estimates row estimates per table, from the readiness check
     * @param tables the tables the source captures, as given (named in its errors)
     */
    static <S extends SourceSplit, E> Source<ChangeRecord, S, E> wrap(
            Source<ChangeRecord, S, E> source, Map<String, Long> estimates, List<String> tables) {
        HashMap<String, Long> known = new HashMap<>(estimates);
        return new ProgressSource<>(
                source,
                TypeInformation.of(ChangeRecord.class),
                CHANGE_RECORDS,
                () -> known,
                tables);
    }

    /**
     * {@code source} (of type {@code type}) with progress counted by {@code tally}; see {@link
     * #wrap(Source, Map, List)}.
     */
    static <T, S extends SourceSplit, E> Source<T, S, E> wrap(
            Source<T, S, E> source,
            TypeInformation<T> type,
            Tally<T> tally,
            Estimates estimates,
            List<String> tables) {
        return new ProgressSource<>(source, type, tally, estimates, tables);
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
    public SourceReader<T, S> createReader(SourceReaderContext context) throws Exception {
        Counters counters =
                new Counters(
                        context.metricGroup(),
                        context.getIndexOfSubtask() == 0 ? estimates.get() : Map.of());
        return new Reader<>(delegate.createReader(context), tally, counters, tables);
    }

    @Override
    public TypeInformation<T> getProducedType() {
        return type;
    }

    /**
     * Counts per table, registered as gauges the first time a table is seen; a table's schema
     * version and the reader's change lag only once known (rows of a SQL table carry neither).
     */
    static final class Counters {
        private final MetricGroup group;
        private final Map<String, Long> estimates;
        private final Map<String, long[]> byTable = new HashMap<>();
        private final Map<String, MetricGroup> groups = new HashMap<>();
        private final Map<SourceTable, long[]> bySource = new HashMap<>();
        private volatile long changeLag = -1;
        private volatile int streaming;

        Counters(MetricGroup group, Map<String, Long> estimates) {
            this.group = group;
            this.estimates = estimates;
            group.gauge(STREAMING, () -> streaming);
            estimates.keySet().forEach(this::of);
        }

        void snapshotRow(SourceTable t) {
            of(t)[0]++;
        }

        void snapshotRow(String table) {
            of(table)[0]++;
        }

        /** A change committed at {@code commitMillis} (0 when not known). */
        void change(SourceTable t, long commitMillis) {
            of(t)[1]++;
            lag(commitMillis);
        }

        void change(String table, long commitMillis) {
            of(table)[1]++;
            lag(commitMillis);
        }

        void schemaVersion(SourceTable t, long version) {
            long[] n = of(t);
            if (n[3] == 0) {
                n[3] = 1;
                groups.get(t.qualified()).gauge(SCHEMA_VERSION, () -> n[2]);
            }
            n[2] = version;
        }

        private void lag(long commitMillis) {
            if (commitMillis > 0) {
                if (changeLag < 0) {
                    group.gauge(CHANGE_LAG, () -> changeLag);
                }
                changeLag = Math.max(0, System.currentTimeMillis() - commitMillis);
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
                // rows read, changes, schema version, whether the version is registered
                long[] counts = new long[4];
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
                Long estimate = estimates.get(table);
                if (estimate != null) {
                    g.gauge(SNAPSHOT_ROWS_ESTIMATED, () -> estimate);
                }
                byTable.put(table, counts);
                groups.put(table, g);
                n = counts;
            }
            return n;
        }
    }

    /** The delegate's reader, its output counted on the way out. */
    private static final class Reader<T, S extends SourceSplit> implements SourceReader<T, S> {
        private final SourceReader<T, S> delegate;
        private final Tally<T> tally;
        private final Counters counters;
        private final List<String> tables;
        private ReaderOutput<T> lastOutput;
        private CountingOutput<T> counting;

        Reader(
                SourceReader<T, S> delegate,
                Tally<T> tally,
                Counters counters,
                List<String> tables) {
            this.delegate = delegate;
            this.tally = tally;
            this.counters = counters;
            this.tables = tables;
        }

        @Override
        public void start() {
            delegate.start();
        }

        @Override
        public InputStatus pollNext(ReaderOutput<T> output) throws Exception {
            if (output != lastOutput) {
                lastOutput = output;
                counting = new CountingOutput<>(output, tally, counters);
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
        public void pauseOrResumeSplits(Collection<String> pause, Collection<String> resume) {
            delegate.pauseOrResumeSplits(pause, resume);
        }

        @Override
        public void close() throws Exception {
            delegate.close();
        }
    }

    /** Counts what passes; per-split outputs are counted too. */
    private static class CountingSourceOutput<T> implements SourceOutput<T> {
        private final SourceOutput<T> out;
        final Tally<T> tally;
        final Counters counters;

        CountingSourceOutput(SourceOutput<T> out, Tally<T> tally, Counters counters) {
            this.out = out;
            this.tally = tally;
            this.counters = counters;
        }

        @Override
        public void collect(T record) {
            tally.count(record, counters.streaming == 1, counters);
            out.collect(record);
        }

        @Override
        public void collect(T record, long timestamp) {
            tally.count(record, counters.streaming == 1, counters);
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

    private static final class CountingOutput<T> extends CountingSourceOutput<T>
            implements ReaderOutput<T> {
        private final ReaderOutput<T> readerOutput;

        CountingOutput(ReaderOutput<T> out, Tally<T> tally, Counters counters) {
            super(out, tally, counters);
            this.readerOutput = out;
        }

        @Override
        public SourceOutput<T> createOutputForSplit(String splitId) {
            return new CountingSourceOutput<>(
                    readerOutput.createOutputForSplit(splitId), tally, counters);
        }

        @Override
        public void releaseOutputForSplit(String splitId) {
            readerOutput.releaseOutputForSplit(splitId);
        }
    }
}
