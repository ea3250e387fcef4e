package io.tributary.connectors.redshift;

import io.tributary.connectors.redshift.internal.SinkSpec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.flink.table.types.logical.LogicalType;

/**
 * Rows the writer staged in a durable table of the warehouse (PostgreSQL, COPY FROM STDIN): applied
 * from there, and the table dropped in the same transaction (a rollback keeps it for the retry).
 */
final class StagingTableLoader implements StageLoader {

    private final SinkSpec spec;

    StagingTableLoader(SinkSpec spec) {
        this.spec = spec;
    }

    @Override
    public Optional<String> load(
            Connection conn,
            Statement s,
            RedshiftCommittable c,
            Supplier<List<LogicalType>> stagedTypes)
            throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement("SELECT to_regclass(?)")) {
            ps.setString(1, c.stagedLocation());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || rs.getString(1) == null) {
                    throw new IllegalStateException(
                            "The staged rows of checkpoint "
                                    + c.checkpointId()
                                    + " (subtask "
                                    + c.subtask()
                                    + ") are gone: staging table "
                                    + c.stagedLocation()
                                    + " of "
                                    + spec.target()
                                    + " was dropped outside Tributary and the bookmark is below"
                                    + " it. Restore from an earlier savepoint or reset the sink's"
                                    + " bookmark.");
                }
            }
        }
        return Optional.of(c.stagedLocation());
    }

    @Override
    public void release(Statement s, RedshiftCommittable c, Optional<String> loaded)
            throws SQLException {
        s.execute("DROP TABLE " + c.stagedLocation());
    }

    @Override
    public void afterCommit(RedshiftCommittable c) {
        // dropped in the transaction
    }

    @Override
    public void discard(Connection conn, RedshiftCommittable c) throws SQLException {
        conn.setAutoCommit(true);
        try (Statement s = conn.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + c.stagedLocation());
        }
    }
}
