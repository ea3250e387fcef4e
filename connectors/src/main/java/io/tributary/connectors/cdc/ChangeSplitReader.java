package io.tributary.connectors.cdc;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.apache.flink.cdc.connectors.mysql.source.config.MySqlSourceConfig;
import org.apache.flink.cdc.connectors.mysql.source.reader.MySqlSourceReaderContext;
import org.apache.flink.cdc.connectors.mysql.source.reader.MySqlSplitReader;
import org.apache.flink.cdc.connectors.mysql.source.split.MySqlBinlogSplit;
import org.apache.flink.cdc.connectors.mysql.source.split.MySqlRecords;
import org.apache.flink.cdc.connectors.mysql.source.split.MySqlSplit;
import org.apache.flink.cdc.connectors.mysql.source.split.SourceRecords;
import org.apache.flink.cdc.connectors.mysql.source.utils.hooks.SnapshotPhaseHooks;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsChange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flink CDC's split reader (its superclass, which Flink CDC's source reader requires), with the
 * binlog split read by {@link BinlogChangeReader} wherever that reader gives what Flink CDC's would
 * ({@link BinlogChangeReader#ineligible}): snapshot chunks, and a binlog split still behind a
 * chunk's high watermark, go to Flink CDC's reader as before.
 */
final class ChangeSplitReader extends MySqlSplitReader {

    private static final Logger LOG = LoggerFactory.getLogger(ChangeSplitReader.class);
    private static final long POLL_MS = 100;

    private final MySqlSourceConfig config;
    private final MySqlSourceReaderContext context;
    private final Set<String> delegated = new HashSet<>();

    private MySqlBinlogSplit own;
    private BinlogChangeReader reader;

    ChangeSplitReader(MySqlSourceConfig config, int subtask, MySqlSourceReaderContext context) {
        super(config, subtask, context, SnapshotPhaseHooks.empty());
        this.config = config;
        this.context = context;
    }

    @Override
    public RecordsWithSplitIds<SourceRecords> fetch() throws IOException {
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
        return r;
    }

    private void start() {
        try {
            reader = new BinlogChangeReader(config, own);
            reader.start();
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
            if (s.isBinlogSplit() && own == null) {
                String why = BinlogChangeReader.ineligible(s.asBinlogSplit(), config);
                if (why == null) {
                    own = s.asBinlogSplit();
                    continue;
                }
                LOG.info("Flink CDC's binlog reader reads {}: {}", s.splitId(), why);
            }
            others.add(s);
        }
        toDelegate(others);
    }

    private void toDelegate(List<MySqlSplit> splits) {
        if (!splits.isEmpty()) {
            splits.forEach(s -> delegated.add(s.splitId()));
            super.handleSplitsChanges(new SplitsAddition<>(splits));
        }
    }

    @Override
    public void wakeUp() {
        super.wakeUp();
    }

    @Override
    public void close() throws Exception {
        if (reader != null) {
            reader.close();
            reader = null;
        }
        super.close();
    }
}
