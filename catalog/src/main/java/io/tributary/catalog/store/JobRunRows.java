package io.tributary.catalog.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.function.UnaryOperator;

/** The run history's rows in {@code tributary_job_runs}: one JSON document per run. */
final class JobRunRows {

    private static final ObjectMapper JSON = new ObjectMapper();

    private JobRunRows() {}

    static Void put(Connection c, JobRun run) throws SQLException {
        try (PreparedStatement d =
                        c.prepareStatement("DELETE FROM tributary_job_runs WHERE id = ?");
                PreparedStatement i =
                        c.prepareStatement(
                                "INSERT INTO tributary_job_runs (id, started_ms, doc) VALUES (?,"
                                        + " ?, ?)")) {
            d.setString(1, run.id());
            d.executeUpdate();
            i.setString(1, run.id());
            i.setLong(2, run.started().toEpochMilli());
            i.setString(3, JobRunJson.of(run).toString());
            i.executeUpdate();
        }
        return null;
    }

    /** Reads the run locked (FOR UPDATE: other processes wait), changes it, writes it back. */
    static JobRun update(Connection c, String id, UnaryOperator<JobRun> change)
            throws SQLException {
        JobRun stored;
        try (PreparedStatement q =
                c.prepareStatement("SELECT doc FROM tributary_job_runs WHERE id = ? FOR UPDATE")) {
            q.setString(1, id);
            try (ResultSet rs = q.executeQuery()) {
                if (!rs.next()) {
                    throw new CatalogException("No run " + id + " in the run history");
                }
                stored = JobRunJson.from(JSON.readTree(rs.getString(1)));
            } catch (IOException e) {
                throw new CatalogException(
                        "Run " + id + " is stored unreadably: " + e.getMessage());
            }
        }
        JobRun next = change.apply(stored);
        try (PreparedStatement u =
                c.prepareStatement("UPDATE tributary_job_runs SET doc = ? WHERE id = ?")) {
            u.setString(1, JobRunJson.of(next).toString());
            u.setString(2, id);
            u.executeUpdate();
        }
        return next;
    }
}
