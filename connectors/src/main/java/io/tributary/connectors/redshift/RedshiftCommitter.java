package io.tributary.connectors.redshift;

import io.tributary.connectors.redshift.dialect.TargetKey;
import io.tributary.connectors.redshift.dialect.WarehouseDialect;
import io.tributary.connectors.redshift.internal.Jdbc;
import io.tributary.connectors.redshift.internal.SinkSpec;
import io.tributary.connectors.redshift.internal.TablePreparer;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.groups.SinkCommitterMetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.table.types.logical.LogicalType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies staged batches to the target, each in ONE transaction: check the bookmark, run the
 * pre-actions, load the stage, keep the latest change per key, delete and insert (MERGE on
 * Redshift), move the bookmark to the batch's checkpoint, run the post-actions, drop the stage. A
 * batch at or below the bookmark was committed before (a replay) and is only acknowledged.
 */
final class RedshiftCommitter implements Committer<RedshiftCommittable> {

    private static final Logger LOG = LoggerFactory.getLogger(RedshiftCommitter.class);

    private final SinkSpec spec;
    private final WarehouseDialect dialect;
    private final StageLoader stages;
    private final Counter rowsCommitted;
    private final Counter replaysAcknowledged;

    /** Checkpoints tried as a plain INSERT that found a key already there (then upserted). */
    private final Counter keysAlreadyPresent;

    private final DescriptiveStatisticsHistogram commitMillis;
    private volatile long lastCommittedCheckpoint = -1;
    private volatile long lastCommitTime = -1;
    private volatile long newestCommittedEventTime = RedshiftCommittable.NO_EVENT_TIME;
    private Connection connection;
    private boolean prepared;

    /** The target's key as the warehouse has it, asked again with each new connection. */
    private TargetKey targetKey = TargetKey.NONE;

    /**
     * Commits left before a checkpoint of new-looking keys is tried as a plain INSERT again, after
     * one found a key already there ({@link TargetKey#insertFirst}).
     */
    private int insertFirstPause;

    private static final int INSERT_FIRST_PAUSE = 16;

    RedshiftCommitter(SinkSpec spec, SinkCommitterMetricGroup metrics) {
        this.spec = spec;
        this.dialect = spec.dialect();
        this.stages = StageLoader.of(spec);
        this.rowsCommitted = metrics.counter("rowsCommitted");
        this.replaysAcknowledged = metrics.counter("replaysAcknowledged");
        this.keysAlreadyPresent = metrics.counter("insertsFirstFoundKeys");
        this.commitMillis =
                metrics.histogram("commitLatencyMs", new DescriptiveStatisticsHistogram(500));
        metrics.gauge("lastCommittedCheckpoint", () -> lastCommittedCheckpoint);
        // -1 until this committer has committed rows (a restarted job starts over)
        metrics.gauge(
                "lastCommitAgeMs",
                () -> lastCommitTime < 0 ? -1L : System.currentTimeMillis() - lastCommitTime);
        metrics.gauge("freshnessMs", this::freshnessMillis);
    }

    @Override
    public void commit(Collection<CommitRequest<RedshiftCommittable>> requests) throws IOException {
        List<CommitRequest<RedshiftCommittable>> ordered = new ArrayList<>(requests);
        // per writer subtask, in checkpoint order: the bookmark only moves forward
        ordered.sort(
                Comparator.comparing(
                                (CommitRequest<RedshiftCommittable> r) ->
                                        r.getCommittable().subtask())
                        .thenComparingLong(r -> r.getCommittable().checkpointId()));
        for (CommitRequest<RedshiftCommittable> request : ordered) {
            RedshiftCommittable c = request.getCommittable();
            try {
                if (!commitOne(c)) {
                    request.signalAlreadyCommitted();
                }
            } catch (SQLException e) {
                closeConnection();
                // fail the task: the restore replays this committable, the bookmark makes it safe
                throw new IOException(
                        "Commit of checkpoint "
                                + c.checkpointId()
                                + " (subtask "
                                + c.subtask()
                                + ") into "
                                + spec.target()
                                + " failed; it is retried after the restart",
                        e);
            }
        }
    }

    /** Returns false when the bookmark shows the batch was committed before. */
    private boolean commitOne(RedshiftCommittable c) throws SQLException, IOException {
        long start = System.nanoTime();
        Connection conn = connection();
        conn.setAutoCommit(false);
        try {
            try (Statement s = conn.createStatement()) {
                for (String sql : dialect.lockBookmarks(spec.bookmarks())) {
                    s.execute(sql);
                }
            }
            long committed = -1;
            try (PreparedStatement ps =
                    conn.prepareStatement(dialect.selectBookmarkForUpdate(spec.bookmarks()))) {
                ps.setString(1, c.jobId());
                ps.setString(2, c.sinkName());
                ps.setInt(3, c.subtask());
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        committed = rs.getLong(1);
                    }
                }
            }
            if (committed >= c.checkpointId()) {
                conn.rollback();
                LOG.info(
                        "Checkpoint {} of subtask {} was already committed to {} (bookmark {}): acknowledged",
                        c.checkpointId(),
                        c.subtask(),
                        spec.target(),
                        committed);
                stages.discard(conn, c);
                replaysAcknowledged.inc();
                return false;
            }
            try (Statement s = conn.createStatement()) {
                for (String sql : spec.preActions()) {
                    s.execute(sql);
                }
                Optional<String> staged = stages.load(conn, s, c, () -> stagedTypes(c));
                if (staged.isPresent()) {
                    TargetKey key =
                            targetKey.insertFirst(targetKey.insertFirst() && insertFirstPause == 0);
                    List<String> apply =
                            spec.dimension().isPresent()
                                    ? dialect.applyWithDimension(
                                            spec.target(),
                                            staged.get(),
                                            c.columns(),
                                            spec.keys(),
                                            spec.dimension().get(),
                                            c.shape(),
                                            key)
                                    : dialect.apply(
                                            spec.target(),
                                            staged.get(),
                                            c.columns(),
                                            spec.keys(),
                                            spec.mode(),
                                            c.shape(),
                                            key);
                    boolean present = false;
                    for (String sql : apply) {
                        s.execute(sql);
                        present |= dialect.insertFirstFailed(s.getWarnings());
                        s.clearWarnings();
                    }
                    if (present) {
                        keysAlreadyPresent.inc();
                        insertFirstPause = INSERT_FIRST_PAUSE;
                    } else if (insertFirstPause > 0) {
                        insertFirstPause--;
                    }
                }
                List<String> bookmark = dialect.upsertBookmark(spec.bookmarks());
                try (PreparedStatement del = conn.prepareStatement(bookmark.get(0));
                        PreparedStatement ins = conn.prepareStatement(bookmark.get(1))) {
                    del.setString(1, c.jobId());
                    del.setString(2, c.sinkName());
                    del.setInt(3, c.subtask());
                    del.executeUpdate();
                    ins.setString(1, c.jobId());
                    ins.setString(2, c.sinkName());
                    ins.setInt(3, c.subtask());
                    ins.setLong(4, c.checkpointId());
                    ins.setLong(5, c.rows());
                    ins.executeUpdate();
                }
                // the stage goes with the commit: a rollback keeps it for the retry
                stages.release(s, c, staged);
                for (String sql : spec.postActions()) {
                    s.execute(sql);
                }
            }
            conn.commit();
        } catch (SQLException | IOException | RuntimeException e) {
            try {
                conn.rollback();
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        stages.afterCommit(c);
        long millis = (System.nanoTime() - start) / 1_000_000;
        commitMillis.update(millis);
        rowsCommitted.inc(c.rows());
        lastCommittedCheckpoint = c.checkpointId();
        if (c.rows() > 0) {
            lastCommitTime = System.currentTimeMillis();
        }
        if (c.newestEventTime() > newestCommittedEventTime) {
            newestCommittedEventTime = c.newestEventTime();
        }
        LOG.debug(
                "Committed checkpoint {} of subtask {} ({} staged rows) in {} ms",
                c.checkpointId(),
                c.subtask(),
                c.rows(),
                millis);
        return true;
    }

    /**
     * How old the newest data in the target is: now minus the greatest event time committed (with a
     * freshness column), else minus the last commit that brought rows; -1 before either.
     */
    long freshnessMillis() {
        long now = System.currentTimeMillis();
        if (newestCommittedEventTime != RedshiftCommittable.NO_EVENT_TIME) {
            return Math.max(0, now - newestCommittedEventTime);
        }
        return lastCommitTime < 0 ? -1 : now - lastCommitTime;
    }

    /**
     * Types of the columns a committable was staged with, from this sink's schema: a restored
     * committable may hold fewer columns than the sink writes now, never others.
     */
    private List<LogicalType> stagedTypes(RedshiftCommittable c) {
        List<LogicalType> types = new ArrayList<>();
        for (String column : c.columns()) {
            int i = spec.columns().indexOf(column);
            if (i < 0) {
                throw new IllegalStateException(
                        "Checkpoint "
                                + c.checkpointId()
                                + " was staged with column '"
                                + column
                                + "', which this version of the sink no longer writes: restore"
                                + " it with the previous version of the pipeline, let it commit,"
                                + " then upgrade");
            }
            types.add(spec.types().get(i));
        }
        return types;
    }

    private Connection connection() throws SQLException {
        if (connection == null || connection.isClosed()) {
            connection = spec.connect();
            prepared = false;
        }
        if (!prepared) {
            TablePreparer.prepare(spec, connection);
            targetKey = askTargetKey(connection);
            prepared = true;
        }
        return connection;
    }

    private TargetKey askTargetKey(Connection c) {
        if (spec.mode() != SinkMode.UPSERT) {
            return TargetKey.NONE;
        }
        List<LogicalType> keyTypes = new ArrayList<>();
        for (String key : spec.keys()) {
            keyTypes.add(spec.types().get(spec.columns().indexOf(key)));
        }
        try {
            TargetKey key = dialect.targetKey(c, spec.target(), spec.keys(), keyTypes);
            LOG.info(
                    "Upserts into {} by {}: {}",
                    spec.target(),
                    spec.keys(),
                    key.unique()
                            ? "INSERT ... ON CONFLICT on its unique key"
                                    + (key.exactEquality()
                                            ? ""
                                            : ", each key's latest change ranked")
                            : "a DELETE of the staged keys, then an INSERT");
            return key;
        } catch (SQLException e) {
            LOG.warn(
                    "Could not read the key of {} ({}): upserts delete the staged keys, then insert",
                    spec.target(),
                    e.getMessage());
            return TargetKey.NONE;
        }
    }

    private void closeConnection() {
        Jdbc.closeQuietly(connection);
        connection = null;
    }

    @Override
    public void close() {
        closeConnection();
    }
}
