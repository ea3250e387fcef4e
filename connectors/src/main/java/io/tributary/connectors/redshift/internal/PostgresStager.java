package io.tributary.connectors.redshift.internal;

import io.tributary.connectors.redshift.dialect.WarehouseDialect;
import java.io.IOException;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.annotation.Internal;
import org.apache.flink.table.data.RowData;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams a checkpoint's rows into a durable staging table with COPY FROM STDIN (binary: the
 * table's types are the sink's) while the checkpoint is open, so the commit only moves rows inside
 * the database. The table survives task failures and database restarts until the committer applies
 * and drops it.
 */
@Internal
public final class PostgresStager implements Stager {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresStager.class);

    private final SinkSpec spec;
    private final WarehouseDialect dialect;
    private final String jobId;
    private final int subtask;
    private Connection connection;

    public PostgresStager(SinkSpec spec, String jobId, int subtask) {
        this.spec = spec;
        this.dialect = spec.dialect();
        this.jobId = jobId;
        this.subtask = subtask;
    }

    private Connection connection() throws SQLException {
        if (connection == null || connection.isClosed()) {
            connection = spec.connect();
            connection.setAutoCommit(true);
        }
        return connection;
    }

    @Override
    public Batch open(long checkpointId) throws IOException {
        String name = Stager.stageName(jobId, spec.sinkName(), subtask, checkpointId);
        String staging = dialect.quote(spec.bookmarks().schema()) + "." + dialect.quote(name);
        try {
            Connection c = connection();
            try (Statement s = c.createStatement()) {
                // a replay after a failure may meet the stage of an attempt that never checkpointed
                s.execute("DROP TABLE IF EXISTS " + staging);
                s.execute(
                        "CREATE TABLE "
                                + staging
                                + " "
                                + dialect.stagingColumns(
                                        spec.columns(), spec.types(), spec.stagesChanges()));
            }
            StagedRows rows = StagedRows.of(spec);
            CopyIn copy =
                    c.unwrap(PGConnection.class)
                            .getCopyAPI()
                            .copyIn(
                                    dialect.copyFromClient(
                                            staging,
                                            spec.columns(),
                                            spec.stagesChanges(),
                                            rows instanceof PgCopyBinaryEncoder));
            return new CopyBatch(staging, copy, rows);
        } catch (SQLException e) {
            closeQuietly();
            throw new IOException(
                    "Could not open staging table " + staging + " in " + spec.target().schema(), e);
        }
    }

    private final class CopyBatch implements Batch {
        private final String staging;
        private final CopyIn copy;
        private final StagedRows rows;

        /** The COPY as a stream the rows drain to. */
        private final OutputStream toCopy =
                new OutputStream() {
                    @Override
                    public void write(int b) throws IOException {
                        write(new byte[] {(byte) b}, 0, 1);
                    }

                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        try {
                            copy.writeToCopy(b, off, len);
                        } catch (SQLException e) {
                            closeQuietly();
                            throw new IOException("COPY into " + staging + " failed", e);
                        }
                    }
                };

        CopyBatch(String staging, CopyIn copy, StagedRows rows) {
            this.staging = staging;
            this.copy = copy;
            this.rows = rows;
            rows.start();
        }

        @Override
        public int add(RowData row, char op, long seq) throws IOException {
            int bytes = rows.add(row, op, seq);
            if (rows.length() >= spec.bufferBytes()) {
                rows.drainTo(toCopy);
            }
            return bytes;
        }

        @Override
        public String finish() throws IOException {
            rows.end();
            rows.drainTo(toCopy);
            try {
                long count = copy.endCopy();
                LOG.debug("Staged {} rows in {}", count, staging);
                return staging;
            } catch (SQLException e) {
                closeQuietly();
                throw new IOException("COPY into " + staging + " failed at its end", e);
            }
        }

        @Override
        public void abort() {
            try {
                if (copy.isActive()) {
                    copy.cancelCopy();
                }
                try (Statement s = connection().createStatement()) {
                    s.execute("DROP TABLE IF EXISTS " + staging);
                }
            } catch (SQLException e) {
                LOG.debug(
                        "Could not drop {} on abort; it is removed on the next restore",
                        staging,
                        e);
            }
        }
    }

    @Override
    public void removeOrphans(long restoredCheckpointId) throws IOException {
        String prefix = Stager.stagePrefix(jobId, spec.sinkName(), subtask);
        List<String> orphans = new ArrayList<>();
        try {
            Connection c = connection();
            try (PreparedStatement ps =
                    c.prepareStatement(
                            "SELECT tablename FROM pg_tables WHERE schemaname = ? AND starts_with(tablename, ?)")) {
                ps.setString(1, spec.bookmarks().schema());
                ps.setString(2, prefix);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        if (Stager.checkpointOf(rs.getString(1)) > restoredCheckpointId) {
                            orphans.add(rs.getString(1));
                        }
                    }
                }
            }
            try (Statement s = c.createStatement()) {
                for (String o : orphans) {
                    s.execute(
                            "DROP TABLE IF EXISTS "
                                    + dialect.quote(spec.bookmarks().schema())
                                    + "."
                                    + dialect.quote(o));
                }
            }
            if (!orphans.isEmpty()) {
                LOG.info(
                        "Dropped {} staging tables of attempts that never checkpointed: {}",
                        orphans.size(),
                        orphans);
            }
        } catch (SQLException e) {
            throw new IOException(
                    "Could not list staging tables in schema " + spec.bookmarks().schema(), e);
        }
    }

    private void closeQuietly() {
        Jdbc.closeQuietly(connection);
        connection = null;
    }

    @Override
    public void close() {
        closeQuietly();
    }
}
