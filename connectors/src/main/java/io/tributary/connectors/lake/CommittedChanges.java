package io.tributary.connectors.lake;

import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.iceberg.DataOperations;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotSummary;
import org.apache.iceberg.Table;
import org.apache.iceberg.flink.TableLoader;
import org.apache.iceberg.flink.maintenance.operator.TableChange;

/**
 * The table's new commits, as the changes Iceberg's table maintenance schedules on: downstream of
 * the committer, every {@code pollMillis} it reads the snapshots committed since it last looked
 * (skipping compaction's own rewrites) and sends one {@link TableChange} for them.
 *
 * <p>Being downstream of the committer, it ends when the job's input ends, and the maintenance
 * after it with it: a job whose sources end still finishes (Iceberg's own monitor source never
 * ends, and some sources, such as datagen's sequences, end without saying they will).
 */
final class CommittedChanges extends AbstractStreamOperator<TableChange>
        implements OneInputStreamOperator<Void, TableChange>, BoundedOneInput {

    private static final org.slf4j.Logger LOG =
            org.slf4j.LoggerFactory.getLogger(CommittedChanges.class);

    private final TableLoader loader;
    private final long pollMillis;
    private transient Table table;
    private transient Long seen;
    private transient boolean ended;

    CommittedChanges(TableLoader loader, long pollMillis) {
        this.loader = loader;
        this.pollMillis = pollMillis;
    }

    @Override
    public void open() throws Exception {
        super.open();
        loader.open();
        table = loader.loadTable();
        Snapshot current = table.currentSnapshot();
        seen = current == null ? null : current.snapshotId();
        schedule();
    }

    private void schedule() {
        var time = getProcessingTimeService();
        time.registerTimer(time.getCurrentProcessingTime() + pollMillis, this::poll);
    }

    private void poll(long now) {
        if (ended) {
            return;
        }
        try {
            read(now);
        } catch (RuntimeException e) {
            // the catalog or S3 away for a while: the writes go on, the next poll reads on
            LOG.warn(
                    "Cannot read the new commits of {} ({}); trying again",
                    table.name(),
                    e.toString());
        }
        schedule();
    }

    private void read(long now) {
        table.refresh();
        Snapshot s = table.currentSnapshot();
        Long newest = s == null ? null : s.snapshotId();
        TableChange.Builder change = TableChange.builder();
        int commits = 0;
        int dataFiles = 0;
        long bytes = 0;
        int eqFiles = 0;
        long eqRecords = 0;
        int posFiles = 0;
        long posRecords = 0;
        while (s != null && (seen == null || s.snapshotId() != seen)) {
            if (!DataOperations.REPLACE.equals(s.operation())) {
                var summary = s.summary();
                commits++;
                dataFiles += (int) number(summary.get(SnapshotSummary.ADDED_FILES_PROP));
                bytes += number(summary.get(SnapshotSummary.ADDED_FILE_SIZE_PROP));
                eqFiles += (int) number(summary.get(SnapshotSummary.ADD_EQ_DELETE_FILES_PROP));
                eqRecords += number(summary.get(SnapshotSummary.ADDED_EQ_DELETES_PROP));
                posFiles += (int) number(summary.get(SnapshotSummary.ADD_POS_DELETE_FILES_PROP));
                posRecords += number(summary.get(SnapshotSummary.ADDED_POS_DELETES_PROP));
            }
            s = s.parentId() == null ? null : table.snapshot(s.parentId());
        }
        seen = newest;
        if (commits > 0) {
            output.collect(
                    new StreamRecord<>(
                            change.commitCount(commits)
                                    .dataFileCount(dataFiles)
                                    .dataFileSizeInBytes(bytes)
                                    .eqDeleteFileCount(eqFiles)
                                    .eqDeleteRecordCount(eqRecords)
                                    .posDeleteFileCount(posFiles)
                                    .posDeleteRecordCount(posRecords)
                                    .build(),
                            now));
        }
    }

    private static long number(String value) {
        return value == null ? 0 : Long.parseLong(value);
    }

    @Override
    public void processElement(StreamRecord<Void> element) {
        // the committer sends nothing: its commits are read from the table
    }

    @Override
    public void endInput() {
        ended = true;
    }

    @Override
    public void close() throws Exception {
        ended = true;
        loader.close();
        super.close();
    }
}
