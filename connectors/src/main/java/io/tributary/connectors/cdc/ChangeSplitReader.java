package io.tributary.connectors.cdc;

import io.debezium.relational.TableId;
import io.debezium.relational.history.HistoryRecord;
import io.debezium.relational.history.TableChanges;
import java.io.IOException;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.cdc.connectors.mysql.source.config.MySqlSourceConfig;
import org.apache.flink.cdc.connectors.mysql.source.offset.BinlogOffset;
import org.apache.flink.cdc.connectors.mysql.source.reader.MySqlSourceReaderContext;
import org.apache.flink.cdc.connectors.mysql.source.reader.MySqlSplitReader;
import org.apache.flink.cdc.connectors.mysql.source.split.FinishedSnapshotSplitInfo;
import org.apache.flink.cdc.connectors.mysql.source.split.MySqlBinlogSplit;
import org.apache.flink.cdc.connectors.mysql.source.split.MySqlRecords;
import org.apache.flink.cdc.connectors.mysql.source.split.MySqlSnapshotSplit;
import org.apache.flink.cdc.connectors.mysql.source.split.MySqlSplit;
import org.apache.flink.cdc.connectors.mysql.source.split.SourceRecords;
import org.apache.flink.cdc.connectors.mysql.source.utils.RecordUtils;
import org.apache.flink.cdc.connectors.mysql.source.utils.hooks.SnapshotPhaseHooks;
import org.apache.flink.cdc.connectors.shaded.org.apache.kafka.connect.source.SourceRecord;
import org.apache.flink.cdc.debezium.history.FlinkJsonTableChangeSerializer;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsChange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flink CDC's split reader (its superclass, which Flink CDC's source reader requires), with the
 * binlog split read by {@link BinlogChangeReader} wherever that reader gives what Flink CDC's would
 * ({@link BinlogChangeReader#ineligible}). Snapshot chunks go to Flink CDC's reader as before, and
 * so does a binlog split still behind a chunk's high watermark: the one an initial snapshot of
 * changing tables hands on. Flink CDC's reader then filters the changes the chunks already hold
 * until its position passes every chunk's high watermark. At the first change (or heartbeat) there
 * it is stopped, its batch cut after that record, and Tributary's reader goes on from that record's
 * position, with the table schemas the records so far left. The split's state at any checkpoint is
 * the position of the last record emitted, whichever reader read it.
 */
final class ChangeSplitReader extends MySqlSplitReader {

    private static final Logger LOG = LoggerFactory.getLogger(ChangeSplitReader.class);
    private static final long POLL_MS = 100;

    /**
     * After a chunk whose table changed as it was read, how many of the next chunks go to Flink
     * CDC's reader directly (a table changed all the time would have most chunks read twice).
     */
    static final int BACKFILL_RUN = 8;

    private static final FlinkJsonTableChangeSerializer TABLE_CHANGES =
            new FlinkJsonTableChangeSerializer();

    private final MySqlSourceConfig config;
    private final MySqlSourceReaderContext context;
    private final Set<String> delegated = new HashSet<>();

    private final AtomicBoolean reading;
    private final AtomicLong handOvers;
    private final AtomicLong chunksRead;
    private final AtomicLong chunksBackfilled;

    /** Snapshot chunks for {@link SnapshotChunkReader}, read one at a time. */
    private final Deque<MySqlSnapshotSplit> chunks = new ArrayDeque<>();

    private final SnapshotChunkReader.Shared chunkReader;

    /** The chunk whose rows the last fetch gave: the next fetch finishes it. */
    private String finishing;

    private MySqlBinlogSplit own;
    private BinlogChangeReader reader;

    /** The binlog split Flink CDC's reader reads, while it may still be handed over. */
    private MySqlBinlogSplit handed;

    /** The latest of its chunks' high watermarks: a record at or after it may hand over. */
    private BinlogOffset caughtUp;

    /** Its table schemas as the records Flink CDC's reader gave so far left them. */
    private Map<TableId, TableChanges.TableChange> schemas;

    /**
     * @param reading set while Tributary's reader reads this reader's binlog split (a gauge)
     * @param handOvers counts the splits Flink CDC's reader handed over (a gauge)
     * @param chunksRead counts the snapshot chunks Tributary's chunk reader read (a gauge)
     * @param chunksBackfilled counts the snapshot chunks Flink CDC's reader read because their
     *     table changed as they were read, and the ones after them (a gauge)
     */
    ChangeSplitReader(
            MySqlSourceConfig config,
            int subtask,
            MySqlSourceReaderContext context,
            AtomicBoolean reading,
            AtomicLong handOvers,
            AtomicLong chunksRead,
            AtomicLong chunksBackfilled,
            SnapshotChunkReader.Shared chunkReader) {
        super(config, subtask, context, SnapshotPhaseHooks.empty());
        this.config = config;
        this.context = context;
        this.reading = reading;
        this.handOvers = handOvers;
        this.chunksRead = chunksRead;
        this.chunksBackfilled = chunksBackfilled;
        this.chunkReader = chunkReader;
    }

    @Override
    public RecordsWithSplitIds<SourceRecords> fetch() throws IOException {
        if (finishing != null) {
            String id = finishing;
            finishing = null;
            return MySqlRecords.forFinishedSplit(id);
        }
        if (!chunks.isEmpty() && delegated.isEmpty()) {
            RecordsWithSplitIds<SourceRecords> chunk = readChunk(chunks.poll());
            if (chunk != null) {
                return chunk;
            }
        }
        if (own != null && reader == null) {
            start();
        }
        if (reader != null) {
            if (context.isBinlogSplitReaderSuspended()) {
                // newly added tables: Flink CDC's reader finishes the binlog split here too
                LOG.info("Suspending Tributary's binlog reader for newly added tables");
                String id = own.splitId();
                closeOwn();
                return MySqlRecords.forFinishedSplit(id);
            }
            BinlogChanges batch;
            try {
                batch = reader.poll(delegated.isEmpty() ? POLL_MS : 0);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            if (batch != null || delegated.isEmpty()) {
                Iterator<SourceRecords> records =
                        batch == null
                                ? Collections.emptyIterator()
                                : List.of(new SourceRecords(List.of(batch.asRecord()))).iterator();
                return MySqlRecords.forUnfinishedRecords(own.splitId(), records);
            }
        }
        if (delegated.isEmpty()) {
            return new MySqlRecords(null, null, Collections.emptySet());
        }
        RecordsWithSplitIds<SourceRecords> r = super.fetch();
        delegated.removeAll(r.finishedSplits());
        if (handed == null || !delegated.equals(Set.of(handed.splitId()))) {
            return r;
        }
        if (!r.finishedSplits().isEmpty() || context.isBinlogSplitReaderSuspended()) {
            handed = null; // finished or suspended: Flink CDC's reader takes it as before
            return r;
        }
        return handOver(r);
    }

    /**
     * A snapshot chunk read by Tributary's chunk reader, as one batch; or {@code null} when the
     * chunk went to Flink CDC's reader: its table changed while it was read (and then so do the
     * next {@link #BACKFILL_RUN}, as the table is busy). Flink CDC's reader gets one chunk at a
     * time, and only when it has none: its snapshot reader, given the next chunk at once, waits on
     * the backfill of the last one, whose binlog connection is stuck on a queue no one reads any
     * more when the table keeps changing (Flink CDC 3.5.0, seen here as a hung job).
     */
    private RecordsWithSplitIds<SourceRecords> readChunk(MySqlSnapshotSplit split)
            throws IOException {
        if (chunkReader.backfills()) {
            chunksBackfilled.incrementAndGet();
            toDelegate(List.of(split));
            return null;
        }
        BinlogChanges rows;
        try {
            rows = chunkReader.get().read(split);
        } catch (SQLException e) {
            throw new IOException("Could not read snapshot chunk " + split.splitId(), e);
        }
        if (rows == null) {
            chunksBackfilled.incrementAndGet();
            chunkReader.backfillNext(BACKFILL_RUN);
            toDelegate(List.of(split));
            return null;
        }
        chunksRead.incrementAndGet();
        finishing = split.splitId();
        return MySqlRecords.forUnfinishedRecords(
                split.splitId(), List.of(new SourceRecords(List.of(rows.asRecord()))).iterator());
    }

    /**
     * Flink CDC's binlog records, cut after the first change or heartbeat past every chunk's high
     * watermark, Tributary's reader then started at its position; or all of them, when none is.
     */
    private RecordsWithSplitIds<SourceRecords> handOver(RecordsWithSplitIds<SourceRecords> r)
            throws IOException {
        String id = r.nextSplit();
        if (id == null) {
            return r;
        }
        List<SourceRecords> kept = new ArrayList<>();
        BinlogOffset cut = null;
        for (SourceRecords batch = r.nextRecordFromSplit();
                batch != null && cut == null;
                batch = r.nextRecordFromSplit()) {
            List<SourceRecord> records = new ArrayList<>();
            for (SourceRecord record : batch.getSourceRecordList()) {
                records.add(record);
                if (RecordUtils.isSchemaChangeEvent(record)) {
                    follow(record);
                } else if (RecordUtils.isDataChangeRecord(record)
                        || RecordUtils.isHeartbeatEvent(record)) {
                    // per record: the split's own conditions were checked when it came
                    BinlogOffset at = RecordUtils.getBinlogPosition(record);
                    if ((at.getGtidSet() == null || at.getGtidSet().isEmpty())
                            && at.isAtOrAfter(caughtUp)) {
                        cut = at;
                        break;
                    }
                }
            }
            kept.add(new SourceRecords(records));
        }
        if (cut != null) {
            LOG.info(
                    "The binlog split passed every snapshot chunk's high watermark at {}:"
                            + " Tributary's binlog reader goes on from there",
                    cut);
            own = at(handed, schemas, cut);
            handOvers.incrementAndGet();
            handed = null;
            schemas = null;
            delegated.remove(id);
            try {
                super.close(); // stops Flink CDC's binlog reader; nothing else is being read
            } catch (Exception e) {
                throw new IOException("Could not stop Flink CDC's binlog reader", e);
            }
        }
        return MySqlRecords.forUnfinishedRecords(id, kept.iterator());
    }

    /** {@code split} as it would be at {@code start}, with {@code schemas}. */
    private static MySqlBinlogSplit at(
            MySqlBinlogSplit split,
            Map<TableId, TableChanges.TableChange> schemas,
            BinlogOffset start) {
        return new MySqlBinlogSplit(
                split.splitId(),
                start,
                split.getEndingOffset(),
                split.getFinishedSnapshotSplitInfos(),
                schemas,
                split.getTotalFinishedSplitSize(),
                false);
    }

    /** A schema change record's tables, as Flink CDC's emitter keeps them in the split state. */
    private void follow(SourceRecord record) throws IOException {
        HistoryRecord history = RecordUtils.getHistoryRecord(record);
        for (TableChanges.TableChange c :
                TABLE_CHANGES.deserialize(
                        history.document().getArray(HistoryRecord.Fields.TABLE_CHANGES), true)) {
            schemas.put(c.getId(), c);
        }
    }

    private void start() {
        try {
            reader = new BinlogChangeReader(config, own);
            reader.start();
            reading.set(true);
        } catch (BinlogChangeReader.GtidMode e) {
            LOG.info("The server runs with GTIDs: Flink CDC's binlog reader reads {}", own);
            MySqlBinlogSplit split = own;
            closeOwn();
            toDelegate(List.of(split));
        } catch (Exception e) {
            throw new IllegalStateException("Could not start reading the binlog at " + own, e);
        }
    }

    private void closeOwn() {
        reading.set(false);
        if (reader != null) {
            reader.close();
            reader = null;
        }
        own = null;
    }

    @Override
    public void handleSplitsChanges(SplitsChange<MySqlSplit> change) {
        if (!(change instanceof SplitsAddition)) {
            super.handleSplitsChanges(change);
            return;
        }
        List<MySqlSplit> others = new ArrayList<>();
        for (MySqlSplit s : change.splits()) {
            if (s.isSnapshotSplit() && ownsChunk(s.asSnapshotSplit())) {
                chunks.add(s.asSnapshotSplit());
                continue;
            }
            if (s.isBinlogSplit() && chunks.isEmpty()) {
                chunkReader.close(); // the snapshot is over
            }
            if (s.isBinlogSplit() && own == null) {
                String why = BinlogChangeReader.ineligible(s.asBinlogSplit(), config);
                if (why == null) {
                    own = s.asBinlogSplit();
                    continue;
                }
                LOG.info("Flink CDC's binlog reader reads {}: {}", s.splitId(), why);
                caughtUp = caughtUp(s.asBinlogSplit());
                if (caughtUp != null) {
                    handed = s.asBinlogSplit();
                    schemas = new LinkedHashMap<>(handed.getTableSchemas());
                }
            }
            others.add(s);
        }
        toDelegate(others);
    }

    /**
     * Whether {@code split} waits for Tributary's chunk reader ({@link #readChunk}): in an initial
     * snapshot, yes; chunks of tables added while the binlog split is read go to Flink CDC's reader
     * at once, which suspends and resumes that split around them.
     */
    private boolean ownsChunk(MySqlSnapshotSplit split) {
        if (context.isHasAssignedBinlogSplit() || own != null || handed != null) {
            return false;
        }
        return true;
    }

    /**
     * The latest of the split's chunk high watermarks, when the split is Flink CDC's only until it
     * passes them (it would be Tributary's at that position); otherwise {@code null}.
     */
    private BinlogOffset caughtUp(MySqlBinlogSplit split) {
        BinlogOffset latest = null;
        for (FinishedSnapshotSplitInfo f : split.getFinishedSnapshotSplitInfos()) {
            if (latest == null || f.getHighWatermark().isAfter(latest)) {
                latest = f.getHighWatermark();
            }
        }
        if (latest == null
                || BinlogChangeReader.ineligible(at(split, split.getTableSchemas(), latest), config)
                        != null) {
            return null;
        }
        return latest;
    }

    private void toDelegate(List<MySqlSplit> splits) {
        if (!splits.isEmpty()) {
            splits.forEach(s -> delegated.add(s.splitId()));
            super.handleSplitsChanges(new SplitsAddition<>(splits));
        }
    }

    @Override
    public void close() throws Exception {
        // not the chunk reader: the next split reader goes on with it
        reading.set(false);
        if (reader != null) {
            reader.close();
            reader = null;
        }
        super.close();
    }
}
