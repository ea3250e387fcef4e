package io.tributary.connectors.cdc;

import io.tributary.connectors.changes.ChangeRecord;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.cdc.connectors.mysql.source.MySqlSource;
import org.apache.flink.cdc.connectors.mysql.source.assigners.state.PendingSplitsState;
import org.apache.flink.cdc.connectors.mysql.source.config.MySqlSourceConfig;
import org.apache.flink.cdc.connectors.mysql.source.metrics.MySqlSourceReaderMetrics;
import org.apache.flink.cdc.connectors.mysql.source.reader.MySqlSourceReader;
import org.apache.flink.cdc.connectors.mysql.source.reader.MySqlSourceReaderContext;
import org.apache.flink.cdc.connectors.mysql.source.reader.MySqlSplitReader;
import org.apache.flink.cdc.connectors.mysql.source.split.MySqlSplit;
import org.apache.flink.cdc.connectors.mysql.source.split.SourceRecords;
import org.apache.flink.cdc.connectors.mysql.source.utils.hooks.SnapshotPhaseHooks;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.synchronization.FutureCompletingBlockingQueue;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * Flink CDC's MySQL source with Tributary's record emitter ({@link BinlogBatchEmitter}). Flink CDC
 * builds its reader's emitter itself and offers no way to pass another, so this source builds the
 * reader as {@code MySqlSource#createReader} does, with that emitter; the enumerator, the splits
 * and their serializers are Flink CDC's own, so its state and savepoints are unchanged.
 */
final class MySqlChangeSource
        implements Source<ChangeRecord, MySqlSplit, PendingSplitsState>,
                ResultTypeQueryable<ChangeRecord> {

    private static final long serialVersionUID = 1L;

    /** A reader's gauge: 1 while Tributary's binlog reader reads its binlog split, else 0. */
    static final String TRIBUTARY_BINLOG_READER = "tributaryBinlogReader";

    /**
     * A reader's gauge: how often Flink CDC's binlog reader, past the snapshot chunks' high
     * watermarks, handed its split to Tributary's.
     */
    static final String BINLOG_HAND_OVERS = "binlogHandOvers";

    /** A reader's gauge: the snapshot chunks Tributary's chunk reader read. */
    static final String SNAPSHOT_CHUNKS_READ = "tributarySnapshotChunks";

    /**
     * A reader's gauge: the snapshot chunks Flink CDC's reader read instead, as their table changed
     * while one was read (those and the ones right after it).
     */
    static final String SNAPSHOT_CHUNKS_BACKFILLED = "backfilledSnapshotChunks";

    /**
     * A reader's gauge: the snapshot chunks Tributary's chunk reader kept although the binlog
     * position moved while they were read, since nothing in between changed their table.
     */
    static final String SNAPSHOT_CHUNKS_BINLOG_MOVED = "snapshotChunksOverOtherChanges";

    private final MySqlSource<ChangeRecord> delegate;
    private final ChangeRecordDeserializer deserializer;
    private final boolean binlogReader;

    /**
     * @param binlogReader whether Tributary's binlog reader ({@link BinlogChangeReader}) reads the
     *     binlog split where it can, rather than Flink CDC's
     */
    MySqlChangeSource(
            MySqlSource<ChangeRecord> delegate,
            ChangeRecordDeserializer deserializer,
            boolean binlogReader) {
        this.delegate = delegate;
        this.deserializer = deserializer;
        this.binlogReader = binlogReader;
    }

    @Override
    public Boundedness getBoundedness() {
        return delegate.getBoundedness();
    }

    @Override
    public SourceReader<ChangeRecord, MySqlSplit> createReader(SourceReaderContext context) {
        MySqlSourceConfig config =
                delegate.getConfigFactory().createConfig(context.getIndexOfSubtask());
        FutureCompletingBlockingQueue<RecordsWithSplitIds<SourceRecords>> queue =
                new FutureCompletingBlockingQueue<>();
        MySqlSourceReaderMetrics metrics = new MySqlSourceReaderMetrics(context.metricGroup());
        metrics.registerMetrics();
        MySqlSourceReaderContext readerContext = new MySqlSourceReaderContext(context);
        AtomicBoolean reading = new AtomicBoolean();
        AtomicLong handOvers = new AtomicLong();
        AtomicLong chunksRead = new AtomicLong();
        AtomicLong chunksBackfilled = new AtomicLong();
        AtomicLong keptOverMoves = new AtomicLong();
        if (binlogReader) {
            context.metricGroup().gauge(TRIBUTARY_BINLOG_READER, () -> reading.get() ? 1 : 0);
            context.metricGroup().gauge(BINLOG_HAND_OVERS, handOvers::get);
            context.metricGroup().gauge(SNAPSHOT_CHUNKS_READ, chunksRead::get);
            context.metricGroup().gauge(SNAPSHOT_CHUNKS_BACKFILLED, chunksBackfilled::get);
            context.metricGroup().gauge(SNAPSHOT_CHUNKS_BINLOG_MOVED, keptOverMoves::get);
        }
        SnapshotChunkReader.Shared chunkReader =
                new SnapshotChunkReader.Shared(config, keptOverMoves);
        AtomicBoolean aheadRequested = new AtomicBoolean();
        return new MySqlSourceReader<>(
                queue,
                () ->
                        binlogReader
                                ? new ChangeSplitReader(
                                        config,
                                        context.getIndexOfSubtask(),
                                        readerContext,
                                        reading,
                                        handOvers,
                                        chunksRead,
                                        chunksBackfilled,
                                        chunkReader)
                                : new MySqlSplitReader(
                                        config,
                                        context.getIndexOfSubtask(),
                                        readerContext,
                                        SnapshotPhaseHooks.empty()),
                new BinlogBatchEmitter(
                        deserializer,
                        metrics,
                        config.isIncludeSchemaChanges(),
                        () -> {
                            // one chunk more than Flink CDC's one at a time, so the next is
                            // read while this one is emitted
                            if (aheadRequested.compareAndSet(false, true)) {
                                context.sendSplitRequest();
                            }
                        }),
                context.getConfiguration(),
                readerContext,
                config) {
            @Override
            public void close() throws Exception {
                try {
                    super.close();
                } finally {
                    chunkReader.close();
                }
            }
        };
    }

    @Override
    public SplitEnumerator<MySqlSplit, PendingSplitsState> createEnumerator(
            SplitEnumeratorContext<MySqlSplit> context) throws Exception {
        return delegate.createEnumerator(context);
    }

    @Override
    public SplitEnumerator<MySqlSplit, PendingSplitsState> restoreEnumerator(
            SplitEnumeratorContext<MySqlSplit> context, PendingSplitsState checkpoint)
            throws Exception {
        return delegate.restoreEnumerator(context, checkpoint);
    }

    @Override
    public SimpleVersionedSerializer<MySqlSplit> getSplitSerializer() {
        return delegate.getSplitSerializer();
    }

    @Override
    public SimpleVersionedSerializer<PendingSplitsState> getEnumeratorCheckpointSerializer() {
        return delegate.getEnumeratorCheckpointSerializer();
    }

    @Override
    public TypeInformation<ChangeRecord> getProducedType() {
        return delegate.getProducedType();
    }
}
