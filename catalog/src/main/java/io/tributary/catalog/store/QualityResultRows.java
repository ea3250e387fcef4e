package io.tributary.catalog.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The data quality results' rows in {@code tributary_quality_results}, one per rule and window. */
final class QualityResultRows {

    private QualityResultRows() {}

    static void create(Statement s) throws SQLException {
        s.execute(
                "CREATE TABLE IF NOT EXISTS tributary_quality_results (pipeline VARCHAR(1024) NOT"
                        + " NULL, ruleset VARCHAR(1024) NOT NULL, rule VARCHAR(4000) NOT NULL, job"
                        + " VARCHAR(64) NOT NULL, checkpoint BIGINT NOT NULL, window_start_ms"
                        + " BIGINT NOT NULL, window_end_ms BIGINT NOT NULL, records BIGINT NOT NULL,"
                        + " measured DOUBLE PRECISION, passed BOOLEAN NOT NULL, PRIMARY KEY"
                        + " (pipeline, ruleset, rule, job, checkpoint))");
    }

    /** Writes {@code results}, each replacing the same rule's result of the same window. */
    static void put(Connection c, List<QualityResult> results) throws SQLException {
        try (PreparedStatement d =
                        c.prepareStatement(
                                "DELETE FROM tributary_quality_results WHERE pipeline = ? AND"
                                        + " ruleset = ? AND rule = ? AND job = ? AND checkpoint ="
                                        + " ?");
                PreparedStatement i =
                        c.prepareStatement(
                                "INSERT INTO tributary_quality_results (pipeline, ruleset, rule,"
                                        + " job, checkpoint, window_start_ms, window_end_ms,"
                                        + " records, measured, passed) VALUES (?, ?, ?, ?, ?, ?,"
                                        + " ?, ?, ?, ?)")) {
            for (QualityResult r : results) {
                d.setString(1, r.pipeline());
                d.setString(2, r.ruleset());
                d.setString(3, r.rule());
                d.setString(4, r.job());
                d.setLong(5, r.checkpoint());
                d.executeUpdate();
                i.setString(1, r.pipeline());
                i.setString(2, r.ruleset());
                i.setString(3, r.rule());
                i.setString(4, r.job());
                i.setLong(5, r.checkpoint());
                i.setLong(6, r.windowStart().toEpochMilli());
                i.setLong(7, r.windowEnd().toEpochMilli());
                i.setLong(8, r.records());
                if (r.value() == null || r.value().isNaN() || r.value().isInfinite()) {
                    i.setNull(9, Types.DOUBLE);
                } else {
                    i.setDouble(9, r.value());
                }
                i.setBoolean(10, r.passed());
                i.executeUpdate();
            }
        }
    }

    /** The pipeline's results since {@code since} (window end), oldest first. */
    static List<QualityResult> find(Connection c, String pipeline, Instant since)
            throws SQLException {
        List<QualityResult> out = new ArrayList<>();
        try (PreparedStatement q =
                c.prepareStatement(
                        "SELECT pipeline, ruleset, rule, job, checkpoint, window_start_ms,"
                                + " window_end_ms, records, measured, passed FROM"
                                + " tributary_quality_results WHERE pipeline = ? AND window_end_ms"
                                + " >= ? ORDER BY window_end_ms, ruleset, rule")) {
            q.setString(1, pipeline);
            q.setLong(2, since == null ? Long.MIN_VALUE : since.toEpochMilli());
            ResultSet rs = q.executeQuery();
            while (rs.next()) {
                double v = rs.getDouble(9);
                Double value = rs.wasNull() ? null : v;
                out.add(
                        new QualityResult(
                                rs.getString(1),
                                rs.getString(2),
                                rs.getString(3),
                                rs.getString(4),
                                rs.getLong(5),
                                Instant.ofEpochMilli(rs.getLong(6)),
                                Instant.ofEpochMilli(rs.getLong(7)),
                                rs.getLong(8),
                                value,
                                rs.getBoolean(10)));
            }
        }
        return out;
    }
}
