package io.tributary.connectors.redshift.internal;

import io.tributary.connectors.redshift.dialect.WarehouseDialect;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.annotation.Internal;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams a checkpoint's rows into a durable staging table with COPY FROM STDIN while the
 * checkpoint is open, so the commit only moves rows inside the database. The table survives task
 * failures and database restarts until the committer applies and drops it.
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
            CopyIn copy =
                    c.unwrap(PGConnection.class)
                            .getCopyAPI()
                            .copyIn(
                                    dialect.copyFromClient(
                                            staging, spec.columns(), spec.stagesChanges()));
            return new CopyBatch(staging, copy);
        } catch (SQLException e) {
            closeQuietly();
            throw new IOException(
                    "Could not open staging table " + staging + " in " + spec.target().schema(), e);
        }
    }

    private final class CopyBatch implements Batch {
        private final String staging;
        private final CopyIn copy;
        private final StringBuilder buffer = new StringBuilder(64 * 1024);

        CopyBatch(String staging, CopyIn copy) {
            this.staging = staging;
            this.copy = copy;
        }

        @Override
        public StringBuilder buffer() {
            return buffer;
        }

        @Override
        public void maybeFlush() throws IOException {
            if (buffer.length() >= spec.bufferBytes()) {
                send();
            }
        }

        private void send() throws IOException {
            if (buffer.length() == 0) {
                return;
            }
            byte[] bytes = buffer.toString().getBytes(StandardCharsets.UTF_8);
            buffer.setLength(0);
            try {
                copy.writeToCopy(bytes, 0, bytes.length);
            } catch (SQLException e) {
                closeQuietly();
                throw new IOException("COPY into " + staging + " failed", e);
            }
        }

        @Override
        public String finish() throws IOException {
            send();
            try {
                long rows = copy.endCopy();
                LOG.debug("Staged {} rows in {}", rows, staging);
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
